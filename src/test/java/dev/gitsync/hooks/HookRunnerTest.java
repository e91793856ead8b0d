package dev.gitsync.hooks;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gitsync.log.Log;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.testing.TestLog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The runner's policy with a scripted hook and a sleeper that does not sleep. */
class HookRunnerTest {
  private final TestLog testLog = new TestLog();
  private final Log log = testLog.log();
  private final List<String> observed = new CopyOnWriteArrayList<>();
  private final FakeTime time = new FakeTime();

  private static HookContext ctx(String hash) {
    return new HookContext(hash, "", "main", "r", "l", Path.of("/"), Instant.EPOCH);
  }

  /** Fails the first {@code failures} runs; records every run; can block on a latch. */
  private static final class ScriptedHook implements Hook {
    final List<String> runs = new CopyOnWriteArrayList<>();
    final List<String> entered = new CopyOnWriteArrayList<>();
    int failures;
    CountDownLatch gate;

    @Override
    public String name() {
      return "exechook";
    }

    @Override
    public void run(HookContext c) throws HookException, InterruptedException {
      entered.add(c.hash());
      if (gate != null) {
        gate.await();
      }
      runs.add(c.hash());
      if (failures-- > 0) {
        throw new HookException("scripted failure");
      }
    }
  }

  private HookRunner runner(ScriptedHook h, boolean oneTime) {
    return new HookRunner(
        h,
        Duration.ofSeconds(3),
        oneTime,
        log,
        (name, ok, hash, error) -> observed.add(name + ":" + ok),
        time);
  }

  @Test
  void failure_isRetriedAfterBackoff_andCounted() throws Exception {
    ScriptedHook h = new ScriptedHook();
    h.failures = 2;
    try (HookRunner r = runner(h, false)) {
      r.start();
      r.send(ctx("a"));
      await().atMost(60, SECONDS).until(() -> h.runs.size() == 3);
      assertThat(h.runs).containsExactly("a", "a", "a");
      assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
      await().atMost(60, SECONDS).until(() -> observed.size() == 3);
      assertThat(observed).containsExactly("exechook:false", "exechook:false", "exechook:true");
    }
  }

  @Test
  void latestWins_whileARunIsInProgress() throws Exception {
    ScriptedHook h = new ScriptedHook();
    h.gate = new CountDownLatch(1);
    try (HookRunner r = runner(h, false)) {
      r.start();
      r.send(ctx("a"));
      await().atMost(60, SECONDS).until(() -> h.entered.contains("a"));
      r.send(ctx("b"));
      r.send(ctx("c"));
      h.gate.countDown();
      await().atMost(60, SECONDS).until(() -> h.runs.contains("c"));
      assertThat(h.runs).containsExactly("a", "c");
    }
  }

  @Test
  void sameHashAfterSuccess_isNotRunAgain() throws Exception {
    ScriptedHook h = new ScriptedHook();
    try (HookRunner r = runner(h, false)) {
      r.start();
      r.send(ctx("a"));
      await().atMost(60, SECONDS).until(() -> h.runs.size() == 1);
      // The same hash again, alone in the mailbox: the runner takes it and skips it.
      r.send(ctx("a"));
      await()
          .atMost(60, SECONDS)
          .until(() -> testLog.text().contains("hook already succeeded for this hash"));
      assertThat(h.runs).containsExactly("a");
      r.send(ctx("b"));
      await().atMost(60, SECONDS).until(() -> h.runs.size() == 2);
      assertThat(h.runs).containsExactly("a", "b");
    }
  }

  @Test
  void oneTime_reportsFirstAttempt_noRetry() throws Exception {
    ScriptedHook h = new ScriptedHook();
    h.failures = 1;
    try (HookRunner r = runner(h, true)) {
      r.start();
      r.send(ctx("a"));
      assertThat(r.firstResult()).isFalse();
      assertThat(h.runs).containsExactly("a");
      assertThat(time.sleeps()).isEmpty();
    }
  }

  @Test
  void prePublishGate_retriesWhileTheDeadlineAllows_thenFails() throws Exception {
    ScriptedHook h = new ScriptedHook();
    h.failures = 100;
    PrePublishGate gate =
        new PrePublishGate(
            h,
            Duration.ofSeconds(1),
            time,
            (name, ok, hash, error) -> observed.add(name + ":" + ok),
            log);
    Instant deadline = time.instant().plusMillis(2500);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> gate.check(ctx("a"), deadline))
        .isInstanceOf(HookException.class)
        .hasMessageContaining("not publishing a");
    assertThat(h.runs).hasSize(3);
    assertThat(time.sleeps()).hasSize(2);
  }

  @Test
  void prePublishGate_passesOnRetry() throws Exception {
    ScriptedHook h = new ScriptedHook();
    h.failures = 1;
    PrePublishGate gate =
        new PrePublishGate(
            h,
            Duration.ofSeconds(1),
            time,
            (name, ok, hash, error) -> observed.add(name + ":" + ok),
            log);
    gate.check(ctx("a"), time.instant().plusSeconds(60));
    assertThat(observed).containsExactly("exechook:false", "exechook:true");
  }
}
