package dev.gitsync.sync;

/** How the sync loop ended, with what the caller needs to act on it. */
public sealed interface LoopEnd {
  /** {@code --one-time}: the pass succeeded (exit 0 unless a hook failed). */
  record OneTimeDone() implements LoopEnd {}

  /**
   * Too many consecutive failures (exit 1, after the giving-up notification).
   *
   * @param error the last error (redacted)
   * @param failures how many in a row
   * @param hash the commit still published, or empty
   */
  record GaveUp(String error, int failures, String hash) implements LoopEnd {}

  /** The ref is a commit hash that has synced: nothing more to do until shutdown. */
  record Idle() implements LoopEnd {}
}
