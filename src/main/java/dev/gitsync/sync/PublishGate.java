package dev.gitsync.sync;

import dev.gitsync.fs.AbsPath;
import dev.gitsync.git.CommitHash;
import java.time.Instant;
import java.util.Optional;

/** Must pass before a new worktree is published (the pre-publish hook). */
@FunctionalInterface
public interface PublishGate {
  /** A gate that always passes. */
  PublishGate OPEN = (hash, previous, worktree, deadline) -> {};

  /**
   * Checks the worktree that is about to be published.
   *
   * @throws SyncException to stop the publish; the pass fails and the old tree stays published
   */
  void check(CommitHash hash, Optional<CommitHash> previous, AbsPath worktree, Instant deadline)
      throws SyncException, InterruptedException;
}
