package dev.gitsync.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;

/**
 * The one seam for time: what time it is (it is a {@link Clock}), a monotonic clock for measuring
 * elapsed time ({@link #nanos()}, which an NTP step of the wall clock does not move), sleeping, and
 * waiting for a {@link Wakeup}. The real one follows the system clocks; tests use one whose sleeps
 * and waits move a fake clock forward at once, so no test sleeps.
 */
public abstract class Time extends Clock {
  /** The system's time. */
  public static final Time SYSTEM = new SystemTime(Clock.systemDefaultZone());

  /**
   * A monotonic reading in nanoseconds, for elapsed time only (as {@link System#nanoTime()}):
   * expiry decisions use it, never {@link #instant()}, which the wall clock's steps move.
   */
  public abstract long nanos();

  /** Waits for {@code d}; interruption means shutdown. */
  public abstract void sleep(Duration d) throws InterruptedException;

  /**
   * Waits for {@code d}, or less when {@code wakeup} fires (or had fired since the last wait).
   *
   * @return true when woken early
   */
  public abstract boolean await(Wakeup wakeup, Duration d) throws InterruptedException;

  /** {@link #SYSTEM}, in another zone. */
  private static final class SystemTime extends Time {
    private final Clock clock;

    SystemTime(Clock clock) {
      this.clock = clock;
    }

    @Override
    public long nanos() {
      return System.nanoTime();
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
      TimeUnit.NANOSECONDS.sleep(d.toNanos());
    }

    @Override
    public boolean await(Wakeup wakeup, Duration d) throws InterruptedException {
      return wakeup.await(d);
    }

    @Override
    public ZoneId getZone() {
      return clock.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return new SystemTime(clock.withZone(zone));
    }

    @Override
    public Instant instant() {
      return clock.instant();
    }
  }
}
