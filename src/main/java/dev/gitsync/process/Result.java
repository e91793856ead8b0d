package dev.gitsync.process;

/**
 * How a process ended.
 *
 * @param exitCode the exit status, or -1 when it was killed at its timeout
 * @param stdout everything it wrote to stdout
 * @param stderr everything it wrote to stderr
 * @param timedOut true when it was killed because it ran past its timeout
 */
public record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
  /** True when the process exited with status 0. */
  public boolean ok() {
    return exitCode == 0 && !timedOut;
  }
}
