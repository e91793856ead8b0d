package dev.gitsync.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherTest {
  @TempDir Path tmp;

  @Test
  void publish_relativeTarget_replacesExistingLink() throws Exception {
    AbsPath root = AbsPath.of(tmp);
    Files.createDirectories(tmp.resolve(".worktrees/a"));
    Files.createDirectories(tmp.resolve(".worktrees/b"));
    AbsPath link = root.resolve("link");
    Publisher.publish(link, root.resolve(".worktrees/a"), false);
    assertThat(Files.readSymbolicLink(link.path()).toString()).isEqualTo(".worktrees/a");
    Publisher.publish(link, root.resolve(".worktrees/b"), false);
    assertThat(Files.readSymbolicLink(link.path()).toString()).isEqualTo(".worktrees/b");
    assertThat(Publisher.currentTarget(link)).hasValue(root.resolve(".worktrees/b"));
    assertThat(tmp.resolve("tmp-link")).doesNotExist();
  }

  @Test
  void publish_linkInOtherDir_getsDotDotTarget() throws Exception {
    AbsPath link = AbsPath.of(tmp.resolve("out/sub/link"));
    AbsPath target = AbsPath.of(tmp.resolve("root/.worktrees/h"));
    Files.createDirectories(target.path());
    Publisher.publish(link, target, false);
    assertThat(Files.readSymbolicLink(link.path()).toString()).isEqualTo("../../root/.worktrees/h");
  }

  @Test
  void staleTemp_isRemoved_andPublishSucceeds() throws Exception {
    AbsPath root = AbsPath.of(tmp);
    Files.createSymbolicLink(tmp.resolve("tmp-link"), Path.of("nowhere"));
    assertThat(Publisher.removeStaleTemp(root.resolve("link"))).isTrue();
    assertThat(Publisher.removeStaleTemp(root.resolve("link"))).isFalse();
    Files.createDirectories(tmp.resolve(".worktrees/a"));
    Publisher.publish(root.resolve("link"), root.resolve(".worktrees/a"), false);
    assertThat(Files.readSymbolicLink(tmp.resolve("link")).toString()).isEqualTo(".worktrees/a");
  }

  @Test
  void currentTarget_regularFileInPlace_isAClearError() throws Exception {
    Files.writeString(tmp.resolve("link"), "x");
    assertThatThrownBy(() -> Publisher.currentTarget(AbsPath.of(tmp.resolve("link"))))
        .hasMessageContaining("is not a symlink");
  }
}
