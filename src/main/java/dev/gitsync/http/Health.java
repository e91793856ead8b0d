package dev.gitsync.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the probes report. Upstream's {@code /} is ready forever after the first successful sync;
 * {@code /readyz} also goes unready when the last successful sync is older than {@code maxAge} (a
 * stuck or failing sync), except once a commit-hash ref has synced and polling has stopped.
 */
public final class Health {
  private final Clock clock;
  private final Duration maxAge;
  private volatile Instant lastSuccess;
  private volatile boolean idle;

  /** Health with an age limit for /readyz; {@link Duration#ZERO} disables the age check. */
  public Health(Clock clock, Duration maxAge) {
    this.clock = clock;
    this.maxAge = maxAge;
  }

  /** A sync pass succeeded now. */
  public void synced() {
    lastSuccess = clock.instant();
  }

  /** Polling stopped for good (a commit-hash ref has synced). */
  public void idle() {
    idle = true;
  }

  /** True once a sync has succeeded: upstream's readiness, which never reverts. */
  public boolean everSynced() {
    return lastSuccess != null;
  }

  /** Why /readyz should fail, or empty when ready. */
  public Optional<String> notReady() {
    Instant last = lastSuccess;
    if (last == null) {
      return Optional.of("repo is not ready");
    }
    if (idle || maxAge.isZero()) {
      return Optional.empty();
    }
    Duration age = Duration.between(last, clock.instant());
    if (age.compareTo(maxAge) > 0) {
      return Optional.of("last successful sync was " + age.toSeconds() + "s ago");
    }
    return Optional.empty();
  }
}
