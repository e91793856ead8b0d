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
  void log_takesHashesFromRevList_andFieldsSeparatedByNul_strippingPadding() throws Exception {
    String a = "a".repeat(40);
    String b = "b".repeat(40);
    runner.on(List.of("rev-list"), FakeProcessRunner.ok(a + "\n" + b + "\n"));
    runner.on(
        List.of("log"),
        FakeProcessRunner.ok(
            a
                + "\u0000Ann    \u0000Fix it    \u0000"
                + b
                + "\u0000Bob\u0000subject with\u001f\u001e x"));
    List<String[]> l = git.log(Path.of("/r"), "", "HEAD", 11);
    assertThat(runner.argvs().get(0))
        .containsExactly("git", "rev-list", "--max-count=11", "HEAD", "--");
    assertThat(runner.argvs().get(1))
        .contains(
            "-z", "--no-walk=unsorted", "--format=%H%x00%<(100,trunc)%an%x00%<(300,trunc)%s", a, b);
    assertThat(l).hasSize(2);
    assertThat(l.get(0)).containsExactly(a, "Ann", "Fix it");
    assertThat(l.get(1)[2]).isEqualTo("subject with\u001f\u001e x");
  }

  /** A pusher writes git's old record separators into an author: no forged entry comes out. */
  @Test
  void log_authorsHoldingRecordSeparators_forgeNothing() throws Exception {
    String real = "c".repeat(40);
    runner.on(List.of("rev-list"), FakeProcessRunner.ok(real + "\n"));
    runner.on(
        List.of("log"),
        FakeProcessRunner.ok(
            real
                + "\u0000Mallory\u001e"
                + "f".repeat(40)
                + "\u001fFAKEAUTHOR\u001fFAKESUBJ\u0000real"));
    List<String[]> l = git.log(Path.of("/r"), "", "HEAD", 11);
    assertThat(l).hasSize(1);
    assertThat(l.get(0)[0]).isEqualTo(real);
    assertThat(l.get(0)[1]).startsWith("Mallory");
  }

  @Test
  void log_aRecordThatDoesNotLineUp_isReadAgainOnItsOwn_andAnAlienHashIsRefused() throws Exception {
    String a = "a".repeat(40);
    String b = "b".repeat(40);
    runner.on(List.of("rev-list"), FakeProcessRunner.ok(a + "\n" + b + "\n"));
    runner.on(
        List.of("log", "--no-walk=unsorted"),
        FakeProcessRunner.ok(a + "\u0000A\u0000cut short ... 900 bytes left out ..."));
    runner.on(
        List.of("log", "--no-walk", "-z"),
        c ->
            FakeProcessRunner.ok(
                c.argv().contains(b)
                    ? b + "\u0000B\u0000second"
                    : "e".repeat(40) + "\u0000E\u0000alien"));
    List<String[]> l = git.log(Path.of("/r"), "", "HEAD", 11);
    assertThat(l).hasSize(2);
    assertThat(l.get(1)).containsExactly(b, "B", "second");
    FakeProcessRunner bad = new FakeProcessRunner();
    bad.on(List.of("rev-list"), FakeProcessRunner.ok("not a hash\n"));
    Git g = new Git(bad, "git", Map.of(), new FakeTime(), new TestLog().log());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.log(Path.of("/r"), "", "HEAD", 11))
        .isInstanceOf(GitException.class);
  }

  @Test
  void clip_countsCodePoints_notColumns() {
    String accents = "e" + "\u0301".repeat(600_000);
    assertThat(Git.clip(accents, 300).codePointCount(0, Git.clip(accents, 300).length()))
        .isEqualTo(301);
    assertThat(Git.clip("\uD83D\uDE00".repeat(400), 300)).hasSize(601);
  }
}
