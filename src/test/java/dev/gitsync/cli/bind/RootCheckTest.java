package dev.gitsync.cli.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.fs.AbsPath;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootCheckTest {
  @TempDir Path tmp;

  @Test
  void check_systemDirectories_areRefused() {
    for (String root :
        new String[] {"/", "/etc", "/usr", "/usr/bin", "/var/lib", "/tmp", "/proc/1"}) {
      assertThat(RootCheck.check(AbsPath.of(Path.of(root)), "/nowhere"))
          .as(root)
          .hasValueSatisfying(m -> assertThat(m).contains("--root " + root));
    }
  }

  @Test
  void check_home_isRefused_namingWhatWouldBeDeleted() throws Exception {
    Files.writeString(tmp.resolve(".profile"), "x");
    assertThat(RootCheck.check(AbsPath.of(tmp), tmp.toString()))
        .hasValueSatisfying(
            m -> assertThat(m).contains("home directory").contains("(it holds .profile)"));
  }

  @Test
  void check_ordinaryRoots_areFine_andAFileIsNot() throws Exception {
    assertThat(RootCheck.check(AbsPath.of(tmp.resolve("git")), "/home/x")).isEmpty();
    assertThat(RootCheck.check(AbsPath.of(Path.of("/git")), "/tmp")).isEmpty();
    assertThat(RootCheck.check(AbsPath.of(Path.of("/tmp/git")), "/tmp")).isEmpty();
    Path file = Files.writeString(tmp.resolve("f"), "x");
    assertThat(RootCheck.check(AbsPath.of(file), ""))
        .hasValueSatisfying(m -> assertThat(m).contains("not a directory"));
  }

  @Test
  void check_aLinkToASystemDirectory_isRefused() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("root"), Path.of("/etc"));
    assertThat(RootCheck.check(AbsPath.of(link), "")).isPresent();
  }

  @Test
  void checkLink_insideManagedDirectoriesOrPseudoFileSystems_isRefused() {
    AbsPath root = AbsPath.of(Path.of("/git"));
    for (String link :
        new String[] {".worktrees/x", ".worktrees", ".git/x", ".", "/", "/proc/self/x", "/dev/x"}) {
      assertThat(RootCheck.checkLink(root, link)).as(link).isPresent();
    }
    for (String link : new String[] {"repo", "/srv/link", "links/current", ".worktreesx"}) {
      assertThat(RootCheck.checkLink(root, link)).as(link).isEmpty();
    }
  }
}
