package dev.gitsync.notify.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try a failed delivery again: exponential backoff from 1 s, doubling per attempt up to 5
 * minutes, with jitter (a random point in the upper half of the window) so that many sidecars do
 * not retry in step; a service's own {@code Retry-After} (or Discord's {@code retry_after}) wins,
 * capped at an hour.
 */
public final class RetryPolicy {
  static final Duration BASE = Duration.ofSeconds(1);
  static final Duration CAP = Duration.ofMinutes(5);
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  private final RandomGenerator random;

  /** A policy drawing its jitter from {@code random}. */
  public RetryPolicy(RandomGenerator random) {
    this.random = random;
  }

  /** How long to wait after the {@code attempts}-th failed attempt. */
  public Duration delay(int attempts, Optional<Duration> retryAfter) {
    if (retryAfter.isPresent()) {
      Duration d = retryAfter.get();
      return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }
    long exp = BASE.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
    long window = Math.min(CAP.toMillis(), exp);
    return Duration.ofMillis(window / 2 + (long) (random.nextDouble() * (window / 2.0)));
  }
}
