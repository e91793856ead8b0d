package dev.gitsync.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SshCommandTest {
  @Test
  void compose_plainPaths_giveUpstreamsExactString() {
    assertThat(
            SshCommand.compose(
                "", 0, List.of("/etc/git-secret/ssh"), true, "/etc/git-secret/known_hosts"))
        .isEqualTo(
            "ssh -i /etc/git-secret/ssh -o StrictHostKeyChecking=yes"
                + " -o UserKnownHostsFile=/etc/git-secret/known_hosts");
    assertThat(SshCommand.compose("ssh -F /x", 5, List.of("/a", "/b"), false, "/k"))
        .isEqualTo("ssh -F /x -v -i /a -i /b -o StrictHostKeyChecking=no");
  }

  @Test
  void compose_shellMetacharacters_areQuoted() {
    assertThat(SshCommand.compose("", 0, List.of("/k;touch /tmp/x;"), false, ""))
        .isEqualTo("ssh -i '/k;touch /tmp/x;' -o StrictHostKeyChecking=no");
    assertThat(SshCommand.compose("", 0, List.of("/it's $(here)"), false, ""))
        .isEqualTo("ssh -i '/it'\\''s $(here)' -o StrictHostKeyChecking=no");
  }

  @Test
  void compose_percentAndQuotes_areEscapedForSsh() {
    assertThat(SshCommand.compose("", 0, List.of("/a%b c"), true, "/k h/\"x\"%d"))
        .isEqualTo(
            "ssh -i '/a%%b c' -o StrictHostKeyChecking=yes"
                + " -o 'UserKnownHostsFile=\"/k h/\\\"x\\\"%%d\"'");
  }
}
