package dev.gitsync.git;

import java.util.Optional;

/**
 * A git command failed, timed out, or could not start. The message has upstream's shape, {@code
 * Run(git fetch …): exit status 128: { stdout: "…", stderr: "…" }}; it and every field are redacted
 * once, by {@link Git}, before the exception exists.
 */
public class GitException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * What failed.
   *
   * @param command the command line as logs show it
   * @param exitCode the exit status, or -1 when it was killed or did not start
   * @param stderr what it wrote to stderr (bounded)
   * @param timedOut true when it ran past its deadline
   */
  public record Failure(String command, int exitCode, String stderr, boolean timedOut) {}

  private final transient Optional<Failure> failure;

  /** An exception with a message (already redacted). */
  public GitException(String message) {
    this(message, (Failure) null);
  }

  /** An exception with a message (already redacted) and what failed. */
  public GitException(String message, Failure failure) {
    super(message);
    this.failure = Optional.ofNullable(failure);
  }

  /** An exception with a message (already redacted) and a cause. */
  public GitException(String message, Throwable cause) {
    super(message, cause);
    this.failure = Optional.empty();
  }

  /** The failed command, when one ran. */
  public Optional<Failure> failure() {
    return failure;
  }
}
