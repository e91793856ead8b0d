package dev.gitsync.sync;

import java.time.Duration;

/** The seam for waiting between passes; tests use a fake that advances a fake clock. */
public interface Waiter {
  /**
   * Waits for {@code d}, or less when a sync is requested (by {@code --sync-on-signal}).
   *
   * @return true when woken early by a sync request
   * @throws InterruptedException on shutdown
   */
  boolean await(Duration d) throws InterruptedException;
}
