package dev.gitsync.hooks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The seam for backoff waits; tests use one that returns at once. */
@FunctionalInterface
public interface Sleeper {
  /** The real one. */
  Sleeper SYSTEM = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());

  /** Waits for {@code d}; interruption means shutdown. */
  void sleep(Duration d) throws InterruptedException;
}
