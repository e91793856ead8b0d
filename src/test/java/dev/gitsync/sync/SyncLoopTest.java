package dev.gitsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.cli.ArgParser;
import dev.gitsync.cli.bind.ConfigFactory;
import dev.gitsync.config.Config;
import dev.gitsync.git.CommitHash;
import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.time.Wakeup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The loop's policy with a scripted step and fake time that records every wait: no git, no sleep.
 */
class SyncLoopTest {
  private static final CommitHash H1 = CommitHash.of("1".repeat(40));
  private static final CommitHash H2 = CommitHash.of("2".repeat(40));

  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final FakeTime clock = new FakeTime();
  private final Wakeup wakeup = new Wakeup();

  /** A step that plays back outcomes (null = failure) and then stops the loop. */
  private static final class ScriptedStep implements Step {
    final Deque<SyncPass.Outcome> script = new ArrayDeque<>();
    int cleanups;

    ScriptedStep add(SyncPass.Outcome o) {
      script.add(o == null ? FAIL : o);
      return this;
    }

    @Override
    public SyncPass.Outcome run() throws SyncException, InterruptedException {
      SyncPass.Outcome o = script.poll();
      if (o == null) {
        throw new InterruptedException("script finished");
      }
      if (o == FAIL) {
        throw new SyncException("Run(git fetch): exit status 128", null);
      }
      return o;
    }

    @Override
    public void cleanup(CommitHash current) {
      cleanups++;
    }
  }

  private static final SyncPass.Outcome FAIL = out(H1, false, false);

  private static SyncPass.Outcome out(CommitHash h, boolean changed, boolean first) {
    return new SyncPass.Outcome(
        h, changed, first, Optional.empty(), dev.gitsync.fs.AbsPath.of(Path.of("/r/.worktrees")));
  }

  private static Config config(String... args) {
    List<String> l = new ArrayList<>(List.of("--repo=x", "--root=/r"));
    l.addAll(List.of(args));
    return ConfigFactory.build(ArgParser.parse(l, Map.of()), Path.of("/")).config().orElseThrow();
  }

  private SyncLoop loop(Config c, Step step) {
    Log log =
        new Log(
            "",
            9,
            new PrintStream(logBytes, true, StandardCharsets.UTF_8),
            clock,
            new Redactor(),
            Optional.empty());
    return new SyncLoop(
        c.loop(), step, log, clock, wakeup, Optional.empty(), Optional.empty(), SyncListener.NONE);
  }

  private String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void run_defaultMaxFailures_firstFailureEnds() throws Exception {
    ScriptedStep s = new ScriptedStep().add(null);
    assertThat(loop(config(), s).run()).isInstanceOf(LoopEnd.GaveUp.class);
    assertThat(log()).contains("too many failures, aborting");
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void run_maxFailuresTwo_thirdConsecutiveFailureEnds_successResets() throws Exception {
    ScriptedStep s =
        new ScriptedStep()
            .add(null)
            .add(null)
            .add(out(H1, true, true))
            .add(null)
            .add(null)
            .add(null);
    assertThat(loop(config("--max-failures=2"), s).run()).isInstanceOf(LoopEnd.GaveUp.class);
    assertThat(s.script).isEmpty();
    assertThat(s.cleanups).isEqualTo(1);
  }

  @Test
  void run_initMaxFailures_appliesOnlyBeforeFirstSuccess() throws Exception {
    ScriptedStep s =
        new ScriptedStep().add(null).add(null).add(null).add(out(H1, true, true)).add(null);
    Config c = config("--init-max-failures=-1", "--max-failures=0");
    assertThat(loop(c, s).run()).isInstanceOf(LoopEnd.GaveUp.class);
    assertThat(s.script).isEmpty();
  }

  @Test
  void run_initPeriodUntilFirstSuccess_thenPeriod() throws Exception {
    ScriptedStep s =
        new ScriptedStep().add(null).add(out(H1, true, true)).add(out(H1, false, false));
    Config c = config("--init-period=50ms", "--period=7s", "--max-failures=-1");
    try {
      loop(c, s).run();
    } catch (InterruptedException end) {
      // The script ran out.
    }
    assertThat(clock.sleeps())
        .containsExactly(Duration.ofMillis(50), Duration.ofSeconds(7), Duration.ofSeconds(7));
    assertThat(log()).contains("initial sync complete, switching to normal period");
  }

  @Test
  void backoff_doublesFromThePeriodUpToTheMaximum_withJitter_andASuccessResetsIt()
      throws Exception {
    ScriptedStep s = new ScriptedStep().add(out(H1, true, true));
    for (int i = 0; i < 6; i++) {
      s.add(null);
    }
    s.add(out(H1, false, false)).add(null);
    Config c = config("--period=10s", "--backoff-max=1m", "--max-failures=-1");
    double[] r = {0.5};
    try {
      loop(c, s).jitter(() -> r[0]).run();
    } catch (InterruptedException end) {
      // The script ran out.
    }
    // After a success 10s; failures 1..6: 10, 20, 40, 60 (capped), 60, 60; then 10s again.
    assertThat(clock.sleeps())
        .containsExactly(
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            Duration.ofSeconds(40),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10));
    SyncLoop l = loop(c, new ScriptedStep()).jitter(() -> 0.0);
    assertThat(l.wait(Duration.ofSeconds(10), 3)).isEqualTo(Duration.ofSeconds(32));
    l.jitter(() -> 0.999999);
    assertThat(l.wait(Duration.ofSeconds(10), 9))
        .isBetween(Duration.ofSeconds(71), Duration.ofSeconds(72));
  }

  @Test
  void backoff_isOffByDefault_andBelowThePeriodIsAUsageError() throws Exception {
    SyncLoop l = loop(config("--period=10s", "--max-failures=-1"), new ScriptedStep());
    assertThat(l.wait(Duration.ofSeconds(10), 7)).isEqualTo(Duration.ofSeconds(10));
    List<String> errs =
        ConfigFactory.build(
                ArgParser.parse(
                    List.of("--repo=x", "--root=/r", "--period=1m", "--backoff-max=30s"), Map.of()),
                Path.of("/"))
            .errors();
    assertThat(errs)
        .anyMatch(e -> e.contains("--backoff-max (30s) must not be below --period (1m0s)"));
  }

  @Test
  void run_oneTime_endsAfterFirstSuccess() throws Exception {
    ScriptedStep s = new ScriptedStep().add(out(H1, true, true));
    assertThat(loop(config("--one-time"), s).run()).isInstanceOf(LoopEnd.OneTimeDone.class);
  }

  @Test
  void run_refIsSyncedHash_sleepsForever() throws Exception {
    ScriptedStep s = new ScriptedStep().add(out(H2, true, true));
    assertThat(loop(config("--ref=" + H2.hex()), s).run()).isInstanceOf(LoopEnd.Idle.class);
    assertThat(log()).contains("ref appears to be a git hash, no further sync needed");
  }

  @Test
  void run_failureLog_hasUpstreamMessageAndCount() throws Exception {
    ScriptedStep s = new ScriptedStep().add(null).add(null);
    loop(config("--max-failures=1"), s).run();
    assertThat(log())
        .contains(
            "\"msg\":\"error syncing repo, will retry\",\"error\":\"Run(git fetch): exit"
                + " status 128\",\"failCount\":1")
        .contains("\"failCount\":2");
  }
}
