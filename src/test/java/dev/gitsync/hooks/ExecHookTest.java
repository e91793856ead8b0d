package dev.gitsync.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitsync.config.HookSettings;
import dev.gitsync.process.Command;
import dev.gitsync.process.Result;
import dev.gitsync.testing.FakeProcessRunner;
import dev.gitsync.testing.TestLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecHookTest {
  private final TestLog log = new TestLog();
  private final HookSettings settings =
      new HookSettings("/hooks/run", Duration.ofSeconds(30), Duration.ofSeconds(3));
  private final HookContext ctx =
      new HookContext("a".repeat(40), "", "main", "r", "l", Path.of("/wt"), Instant.EPOCH);

  @Test
  void run_execsTheCommandDirectly_inTheWorktree_withTheHash() throws Exception {
    FakeProcessRunner runner = new FakeProcessRunner();
    new ExecHook("exechook", settings, runner, Map.of("GIT_X", "1"), log.log()).run(ctx);
    Command c = runner.commands().get(0);
    assertThat(c.argv()).containsExactly("/hooks/run");
    assertThat(c.cwd()).isEqualTo(Path.of("/wt"));
    assertThat(c.env()).containsEntry("GITSYNC_HASH", "a".repeat(40)).containsEntry("GIT_X", "1");
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void run_failureAndTimeout_sayWhatHappened() {
    FakeProcessRunner failing =
        new FakeProcessRunner().on(List.of(), new Result(3, "out", "broken", false));
    assertThatThrownBy(
            () -> new ExecHook("exechook", settings, failing, Map.of(), log.log()).run(ctx))
        .isInstanceOf(HookException.class)
        .hasMessage("Run(/hooks/run): exit status 3: { stdout: \"out\", stderr: \"broken\" }");
    FakeProcessRunner slow = new FakeProcessRunner().on(List.of(), new Result(-1, "", "", true));
    assertThatThrownBy(() -> new ExecHook("exechook", settings, slow, Map.of(), log.log()).run(ctx))
        .hasMessageContaining("killed after --exechook-timeout=30s");
  }

  @Test
  void run_commandThatCannotStart_isMarkedNotStarted() {
    HookException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            HookException.class,
            () ->
                new ExecHook(
                        "pre-publish-exechook",
                        settings,
                        c -> {
                          throw new IOException("No such file or directory");
                        },
                        Map.of(),
                        log.log())
                    .run(ctx));
    assertThat(e.notStarted()).isTrue();
    assertThat(e.getMessage())
        .contains("--pre-publish-exechook-command /hooks/run", "without a shell");
  }
}
