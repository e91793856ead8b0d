package dev.gitsync.sync;

import dev.gitsync.git.CommitHash;

/** What the loop drives: one sync pass and the cleanup after a successful one. */
public interface Step {
  /** Runs one pass. */
  SyncPass.Outcome run() throws SyncException, InterruptedException;

  /** Removes stale worktrees after a successful pass that published {@code current}. */
  void cleanup(CommitHash current) throws SyncException, InterruptedException;
}
