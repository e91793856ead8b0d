package dev.gitsync.testing;

import dev.gitsync.time.Time;
import dev.gitsync.time.Wakeup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Time that moves only when told to, or when something sleeps or waits: a sleep moves it by the
 * sleep's length at once, a wait by the wait's length unless a wakeup is pending. Every sleep and
 * wait is recorded. The wall clock can also be stepped alone ({@link #stepWallClock}).
 */
public final class FakeTime extends Time {
  private volatile Instant now;
  private volatile long nanos = 1_000_000_000L;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  /** Time at {@code start}. */
  public FakeTime(Instant start) {
    this.now = start;
  }

  /** Time at 2026-01-01T00:00:00Z. */
  public FakeTime() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Moves time forward (both the wall clock and the monotonic one). */
  public void advance(Duration d) {
    now = now.plus(d);
    nanos += d.toNanos();
  }

  /** Steps the wall clock alone, as NTP does; the monotonic clock does not move. */
  public void stepWallClock(Duration d) {
    now = now.plus(d);
  }

  @Override
  public long nanos() {
    return nanos;
  }

  /** Every sleep and wait so far, in order. */
  public List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    sleeps.add(d);
    advance(d);
  }

  @Override
  public boolean await(Wakeup wakeup, Duration d) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    sleeps.add(d);
    if (wakeup.take()) {
      return true;
    }
    advance(d);
    return false;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
