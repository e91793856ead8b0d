package dev.gitsync.git;

/**
 * A git command failed, timed out, or could not start. The message has upstream's shape, {@code
 * Run(git fetch …): exit status 128: { stdout: "…", stderr: "…" }}, with credentials redacted.
 */
public class GitException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception with a message (already redacted). */
  public GitException(String message) {
    super(message);
  }

  /** An exception with a message (already redacted) and a cause. */
  public GitException(String message, Throwable cause) {
    super(message, cause);
  }
}
