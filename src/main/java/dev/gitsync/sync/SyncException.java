package dev.gitsync.sync;

/** A sync pass failed; the message is redacted and names the cause. */
public class SyncException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception with a redacted message and its cause. */
  public SyncException(String message, Throwable cause) {
    super(message, cause);
  }
}
