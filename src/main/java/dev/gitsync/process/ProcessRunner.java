package dev.gitsync.process;

import java.io.IOException;

/**
 * The seam through which the program starts every external process. The real implementation is
 * {@link SystemProcessRunner}; unit tests use a scripted fake.
 */
public interface ProcessRunner {
  /**
   * Runs a command to completion, draining both output streams.
   *
   * @return the result, also when the process failed or timed out
   * @throws IOException when the process cannot be started
   * @throws InterruptedException when the calling thread is interrupted (the process tree is then
   *     stopped before this returns)
   */
  Result run(Command command) throws IOException, InterruptedException;
}
