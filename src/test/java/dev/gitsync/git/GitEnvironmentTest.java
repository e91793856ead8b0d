package dev.gitsync.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitEnvironmentTest {
  @TempDir Path tmp;

  @Test
  void privateDir_isOwnerOnly_andNamedLikeUpstreamsTempFiles() throws IOException {
    Path dir = GitEnvironment.privateDir(tmp, () -> 42);
    assertThat(dir.getParent()).isEqualTo(tmp);
    assertThat(dir.getFileName().toString()).isEqualTo("git-sync.16");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }

  @Test
  void privateDir_skipsATakenName_andNeverUsesAPlantedLink() throws IOException {
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(tmp.resolve("git-sync.1"), elsewhere);
    Files.createDirectory(tmp.resolve("git-sync.2"));
    AtomicLong next = new AtomicLong();
    Path dir = GitEnvironment.privateDir(tmp, next::incrementAndGet);
    assertThat(dir.getFileName().toString()).isEqualTo("git-sync.3");
    assertThat(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(elsewhere).isEmptyDirectory();
  }

  @Test
  void privateDir_givesUp_namingTheDirectory_whenEveryNameIsTaken() throws IOException {
    Files.createDirectory(tmp.resolve("git-sync.7"));
    assertThatThrownBy(() -> GitEnvironment.privateDir(tmp, () -> 7))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(tmp.toString())
        .hasMessageContaining("100 names were taken");
  }
}
