package dev.gitsync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
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

  /**
   * A tree as deep as git can check out (2,000 one-letter directories, ~4 KB of path), removed on a
   * thread with the sidecar's 256 KB stack: the old recursive walk overflowed it.
   */
  @Test
  void removeAll_aTreeAsDeepAsGitAllows_onTheSidecarsStack() throws Exception {
    Path top = Files.createDirectories(tmp.resolve("w"));
    StringBuilder rel = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      rel.append(i == 0 ? "" : "/").append((char) ('a' + i % 26));
    }
    Path deep = Files.createDirectories(top.resolve(rel.toString()));
    Files.writeString(deep.resolve("f"), "x");
    Files.createSymbolicLink(top.resolve("a/b/out"), tmp.resolve("outside"));
    Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("keep"), "k");
    Throwable[] failed = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                FileOps.removeAll(top);
              } catch (Throwable e) {
                failed[0] = e;
              }
            },
            "small-stack",
            256 * 1024);
    t.start();
    t.join();
    assertThat(failed[0]).isNull();
    assertThat(top).doesNotExist();
    assertThat(tmp.resolve("outside/keep")).exists();
  }

  @Test
  void removeAll_aDirectoryWithManyEntriesAndNestedDirectories_isEmptiedCompletely()
      throws Exception {
    Path top = Files.createDirectories(tmp.resolve("many"));
    for (int i = 0; i < 50; i++) {
      Path d = Files.createDirectories(top.resolve("d" + i).resolve("e").resolve("f"));
      Files.writeString(d.resolve("x"), "1");
      Files.writeString(top.resolve("d" + i).resolve("y"), "2");
    }
    FileOps.removeAll(top);
    assertThat(top).doesNotExist();
  }

  @Test
  void lockFiles_removeStaleLocksAndTheTemporariesOfAKilledFetch_andNothingElse() throws Exception {
    Path git = Files.createDirectories(tmp.resolve("r/.git"));
    List<Path> junk =
        List.of(
            git.resolve("objects/ab/tmp_obj_Xy12"),
            git.resolve("objects/pack/tmp_pack_a1"),
            git.resolve("objects/pack/tmp_idx_a1"),
            git.resolve("objects/pack/tmp_rev_a1"),
            git.resolve("modules/sub/objects/pack/tmp_pack_b2"),
            git.resolve("refs/heads/main.lock"),
            git.resolve("index.lock"));
    List<Path> keep =
        List.of(
            git.resolve("objects/ab/cdef0123"),
            git.resolve("objects/pack/pack-1.pack"),
            git.resolve("objects/pack/pack-1.idx"),
            git.resolve("HEAD"));
    for (Path p : junk) {
      Files.createDirectories(p.getParent());
      Files.writeString(p, "x");
    }
    for (Path p : keep) {
      Files.createDirectories(p.getParent());
      Files.writeString(p, "x");
    }
    StringBuilder deep = new StringBuilder("modules");
    for (int i = 0; i < 1500; i++) {
      deep.append("/m");
    }
    Files.createDirectories(git.resolve(deep.toString()));
    assertThat(LockFiles.removeStale(git)).containsExactlyInAnyOrderElementsOf(junk);
    for (Path p : keep) {
      assertThat(p).exists();
    }
  }
}
