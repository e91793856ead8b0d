package dev.gitsync.process;

/**
 * How a process ended.
 *
 * @param exitCode the exit status, or -1 when it was killed at its timeout
 * @param stdout what it wrote to stdout, bounded by {@link BoundedOutput}
 * @param stderr what it wrote to stderr, bounded by {@link BoundedOutput}
 * @param timedOut true when it was killed because it ran past its timeout
 */
public record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
  /** True when the process exited with status 0. */
  public boolean ok() {
    return exitCode == 0 && !timedOut;
  }
}
