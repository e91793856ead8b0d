package dev.gitsync.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RepoLinksTest {
  @Test
  void of_eachForge_fromHttpsSshAndScpUrls() {
    String h = "1".repeat(40);
    String p = "2".repeat(40);
    assertThat(RepoLinks.of("git@github.com:o/r.git").orElseThrow().compare(p, h))
        .isEqualTo("https://github.com/o/r/compare/" + p + "..." + h);
    assertThat(RepoLinks.of("https://u:tok@gitlab.com/g/sub/r.git").orElseThrow().commit(h))
        .isEqualTo("https://gitlab.com/g/sub/r/-/commit/" + h);
    assertThat(RepoLinks.of("ssh://git@bitbucket.org/o/r.git").orElseThrow().commit(h))
        .isEqualTo("https://bitbucket.org/o/r/commits/" + h);
    assertThat(RepoLinks.of("https://codeberg.org/o/r").orElseThrow().commit(h))
        .isEqualTo("https://codeberg.org/o/r/commit/" + h);
    assertThat(RepoLinks.of("file:///tmp/r")).isEmpty();
    assertThat(RepoLinks.of("https://example.com/o/r")).isEmpty();
  }

  @Test
  void of_azureDevOps_httpsWithTheOrgAsUser_sshV3_andVisualStudioCom() {
    String h = "1".repeat(40);
    String p = "2".repeat(40);
    assertThat(RepoLinks.of("https://org@dev.azure.com/org/proj/_git/repo").orElseThrow().commit(h))
        .isEqualTo("https://dev.azure.com/org/proj/_git/repo/commit/" + h);
    assertThat(RepoLinks.of("git@ssh.dev.azure.com:v3/org/proj/repo").orElseThrow().compare(p, h))
        .isEqualTo(
            "https://dev.azure.com/org/proj/_git/repo/branchCompare?baseVersion=GC"
                + p
                + "&targetVersion=GC"
                + h);
    assertThat(RepoLinks.of("ssh://git@ssh.dev.azure.com/v3/org/proj/repo").orElseThrow().commit(h))
        .isEqualTo("https://dev.azure.com/org/proj/_git/repo/commit/" + h);
    assertThat(RepoLinks.of("https://org.visualstudio.com/proj/_git/repo").orElseThrow().commit(h))
        .isEqualTo("https://org.visualstudio.com/proj/_git/repo/commit/" + h);
    // Not a repository's URL: no links rather than wrong ones.
    assertThat(RepoLinks.of("https://dev.azure.com/org/proj/_wiki/x")).isEmpty();
    assertThat(RepoLinks.of("git@ssh.dev.azure.com:v3/org/repo")).isEmpty();
  }
}
