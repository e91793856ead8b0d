package dev.gitsync.trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Turns accepted triggers into sync requests, at most one per {@code minInterval}.
 *
 * <p>Design: a trigger that comes when the last trigger-started pass began at least {@code
 * minInterval} ago wakes the loop at once. One that comes sooner schedules a single wakeup at the
 * end of the interval; every trigger until then joins it. Nothing is lost by joining: the push is
 * already in the remote when its webhook arrives, and the scheduled pass fetches after that. A
 * trigger that arrives while a pass runs is remembered by the loop's {@code Wakeup}, so it causes
 * exactly one more pass.
 */
final class Pacer implements AutoCloseable {
  /** What became of a trigger. */
  enum Outcome {
    /** A pass was requested now. */
    NOW,
    /** A pass is scheduled at the end of the interval. */
    LATER,
    /** A pass was already scheduled; this trigger joined it. */
    JOINED
  }

  private final Duration minInterval;
  private final Clock clock;
  private final Consumer<String> fire;
  private final ScheduledThreadPoolExecutor timer;
  private Instant last;
  private boolean scheduled;

  Pacer(Duration minInterval, Clock clock, Consumer<String> fire) {
    this.minInterval = minInterval;
    this.clock = clock;
    this.fire = fire;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "trigger-timer");
              t.setDaemon(true);
              return t;
            });
    this.timer.setRemoveOnCancelPolicy(true);
  }

  /** Requests a pass for {@code why}. */
  synchronized Outcome request(String why) {
    if (scheduled) {
      return Outcome.JOINED;
    }
    Instant now = clock.instant();
    Duration wait = last == null ? Duration.ZERO : Duration.between(now, last.plus(minInterval));
    if (wait.isNegative() || wait.isZero()) {
      last = now;
      fire.accept(why);
      return Outcome.NOW;
    }
    scheduled = true;
    timer.schedule(() -> fireLater(why), wait.toNanos(), TimeUnit.NANOSECONDS);
    return Outcome.LATER;
  }

  private void fireLater(String why) {
    synchronized (this) {
      scheduled = false;
      last = clock.instant();
    }
    fire.accept(why);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
