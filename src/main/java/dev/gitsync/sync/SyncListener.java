package dev.gitsync.sync;

import java.time.Duration;

/** Told about every pass of the loop: the seam for metrics, readiness and hooks. */
public interface SyncListener {
  /** A listener that does nothing. */
  SyncListener NONE =
      new SyncListener() {
        @Override
        public void synced(SyncPass.Outcome outcome, Duration took) {}

        @Override
        public void failed(Duration took, String error, int failCount) {}
      };

  /** The loop waits {@code wait} (or until woken) before the next pass. */
  default void nextSync(Duration wait) {}

  /** A pass succeeded (whether or not it published something new). */
  void synced(SyncPass.Outcome outcome, Duration took);

  /** A pass failed; {@code failCount} counts consecutive failures. */
  void failed(Duration took, String error, int failCount);

  /**
   * A pass refused the fetched commit ({@code --verify}); a failure for everything that counts
   * them, told apart so it is notified as what it is.
   */
  default void refused(VerificationRefused.Refusal refusal, Duration took, int failCount) {
    failed(took, refusal.describe(), failCount);
  }
}
