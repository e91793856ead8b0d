package dev.gitsync.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.testing.FakeProcessRunner;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.testing.TestLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitTest {
  private final FakeProcessRunner runner = new FakeProcessRunner();
  private final Git git = new Git(runner, "git", Map.of(), new FakeTime(), new TestLog().log());

  @Test
  void fetch_putsUserValuesAfterEndOfOptions() throws Exception {
    git.fetch(Path.of("/r"), "--upload-pack=x", "--upload-pack=y", 1, false, "blob:none");
    assertThat(runner.argvs().get(0))
        .containsExactly(
            "git",
            "fetch",
            "--verbose",
            "--no-progress",
            "--prune",
            "--no-auto-gc",
            "--depth",
            "1",
            "--filter=blob:none",
            "--end-of-options",
            "--upload-pack=x",
            "--upload-pack=y");
  }

  @Test
  void setOrigin_putsTheUrlAfterEndOfOptions() throws Exception {
    git.setOrigin(Path.of("/r"), "-x", false);
    git.setOrigin(Path.of("/r"), "-y", true);
    assertThat(runner.argvs())
        .containsExactly(
            List.of("git", "remote", "add", "--end-of-options", "origin", "-x"),
            List.of("git", "remote", "set-url", "--end-of-options", "origin", "-y"));
  }

  @Test
  void log_asksGitToCutLongFields_andStripsItsPadding() throws Exception {
    runner.on(
        List.of("log"),
        FakeProcessRunner.ok(
            "a".repeat(40)
                + "\u001fAnn    \u001fFix it    \u001e\n"
                + "b".repeat(40)
                + "\u001fBob\u001fsubject with\u001f separator\u001e\n"));
    List<String[]> l = git.log(Path.of("/r"), "", "HEAD", 11);
    assertThat(runner.argvs().get(0))
        .contains("--format=%H%x1f%<(100,trunc)%an%x1f%<(300,trunc)%s%x1e");
    assertThat(l).hasSize(2);
    assertThat(l.get(0)).containsExactly("a".repeat(40), "Ann", "Fix it");
    assertThat(l.get(1)[2]).isEqualTo("subject with\u001f separator");
  }
}
