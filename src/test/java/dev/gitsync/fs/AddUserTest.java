package dev.gitsync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddUserTest {
  @TempDir Path tmp;

  @Test
  void ensure_appendsUpstreamLineOnce() throws Exception {
    Path passwd = tmp.resolve("passwd");
    Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\n");
    assertThat(AddUser.ensure(passwd, 65533, 65533, "/tmp")).isTrue();
    assertThat(AddUser.ensure(passwd, 65533, 65533, "/tmp")).isFalse();
    assertThat(Files.readString(passwd))
        .isEqualTo("root:x:0:0:root:/root:/bin/bash\ngit-sync:x:65533:65533::/tmp:/sbin/nologin\n");
  }
}
