package dev.gitsync.sync;

import dev.gitsync.git.GitException;
import java.io.IOException;
import java.time.Instant;

/** Work done at the start of every pass, before git talks to the remote: refreshing credentials. */
@FunctionalInterface
public interface Preflight {
  /** Nothing to do. */
  Preflight NONE = (deep, deadline) -> {};

  /**
   * Runs before the fetch.
   *
   * @param deep true on the first pass and after a failure, when everything is redone
   * @param deadline when the pass must be over
   */
  void run(boolean deep, Instant deadline) throws IOException, GitException, InterruptedException;
}
