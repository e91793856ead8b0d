package dev.gitsync.hooks;

/** A hook run failed; the message names the cause and never holds a secret. */
public class HookException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean notStarted;

  /** An exception with a message: the hook ran and failed. */
  public HookException(String message) {
    this(message, false);
  }

  /**
   * An exception with a message; {@code notStarted} says the command could not be started at all
   * (missing or not executable), which retrying within the same worktree cannot change.
   */
  public HookException(String message, boolean notStarted) {
    super(message);
    this.notStarted = notStarted;
  }

  /** True when the command could not be started at all. */
  public boolean notStarted() {
    return notStarted;
  }
}
