package dev.gitsync.sync;

import java.io.IOException;

/** Work done at the start of every pass, before git talks to the remote: refreshing credentials. */
@FunctionalInterface
public interface Preflight {
  /** Nothing to do. */
  Preflight NONE = deep -> {};

  /**
   * Runs before the fetch.
   *
   * @param deep true on the first pass and after a failure, when everything is redone
   */
  void run(boolean deep) throws IOException, InterruptedException;
}
