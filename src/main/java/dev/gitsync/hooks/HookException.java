package dev.gitsync.hooks;

/** A hook run failed; the message names the cause and never holds a secret. */
public class HookException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public HookException(String message) {
    super(message);
  }
}
