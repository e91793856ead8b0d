package dev.gitsync.sync;

import dev.gitsync.git.CommitHash;
import dev.gitsync.git.Git;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Must pass before anything of a fetched commit is checked out ({@code --verify}): it sees the
 * fetched object (an annotated tag, or the commit itself) and the commit it peels to.
 */
@FunctionalInterface
public interface CommitCheck {
  /** A check that always passes. */
  CommitCheck NONE = (git, root, fetched, commit, published) -> {};

  /**
   * Checks a fetched commit before it is checked out.
   *
   * @param git git with the pass's deadline
   * @param root the repository
   * @param fetched what the fetch got: an annotated tag's object, or the commit
   * @param commit the commit to publish
   * @param published the commit published now, if any
   * @throws VerificationRefused when it may not be published
   * @throws SyncException when it could not be checked
   */
  void check(
      Git git, Path root, CommitHash fetched, CommitHash commit, Optional<CommitHash> published)
      throws SyncException, InterruptedException;
}
