package dev.gitsync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOpsTest {
  @TempDir Path tmp;

  @Test
  void removeAll_neverFollowsALink_atAnyDepth() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "keep");
    Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
    Files.writeString(tree.resolve("file"), "x");
    Files.createSymbolicLink(tree.resolve("link-to-dir"), outside);
    Files.createSymbolicLink(tmp.resolve("tree/top-link"), outside.resolve("precious"));
    FileOps.removeAll(tmp.resolve("tree"));
    assertThat(tmp.resolve("tree")).doesNotExist();
    assertThat(outside.resolve("precious")).hasContent("keep");
  }

  @Test
  void removeAll_aLinkItself_removesOnlyTheLink() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "keep");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), outside);
    FileOps.removeAll(link);
    assertThat(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside.resolve("precious")).hasContent("keep");
    FileOps.removeAll(tmp.resolve("absent"));
  }

  @Test
  void list_ofALink_isEmpty() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("f"), "x");
    assertThat(FileOps.list(Files.createSymbolicLink(tmp.resolve("l"), outside))).isEmpty();
  }

  @Test
  void ensureRealDirectory_replacesALinkWithADirectory() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path d = Files.createSymbolicLink(tmp.resolve("d"), outside);
    assertThat(FileOps.ensureRealDirectory(d, false)).isTrue();
    assertThat(Files.isSymbolicLink(d)).isFalse();
    assertThat(d).isDirectory();
    assertThat(FileOps.ensureRealDirectory(d, false)).isFalse();
  }

  @Test
  void mkdirsAndTouch_withGroupWrite_makeWhatTheyCreateGroupWritable() throws Exception {
    Path existing = Files.createDirectories(tmp.resolve("existing"));
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
    FileOps.mkdirs(existing.resolve("a/b"), true);
    FileOps.touch(existing.resolve("c/file"), Instant.now(), true);
    for (String p : new String[] {"a", "a/b", "c", "c/file"}) {
      assertThat(Files.getPosixFilePermissions(existing.resolve(p)))
          .as(p)
          .contains(PosixFilePermission.GROUP_WRITE);
    }
    assertThat(Files.getPosixFilePermissions(existing))
        .as("a directory that existed is left alone")
        .doesNotContain(PosixFilePermission.GROUP_WRITE);
  }
}
