package dev.gitsync.sync;

/**
 * A fetched commit failed {@code --verify}: nothing of it was checked out. Carries what the
 * notification and the log say about it.
 */
public final class VerificationRefused extends SyncException {
  private static final long serialVersionUID = 1L;

  /** What was refused and why (plain text, bounded; never a secret). */
  private final transient Refusal refusal;

  /**
   * Why a commit was not published.
   *
   * @param commit the commit that was to be published
   * @param object the commit or tag whose signature failed (the commit, or one under it)
   * @param author the author the commit claims (the pusher's word, not verified)
   * @param signer the signing key's fingerprint and identity, or empty when unsigned
   * @param result the {@code git_sync_verify_total} label
   * @param reason why, for people
   */
  public record Refusal(
      String commit, String object, String author, String signer, String result, String reason) {
    /** One line for the log, the error file and the notification. */
    public String describe() {
      String what =
          object.equals(commit) ? "commit " + commit : "commit " + commit + " (at " + object + ")";
      return "refused to publish "
          + what
          + ": "
          + reason
          + (signer.isEmpty() ? "" : "; signer " + signer)
          + (author.isEmpty() ? "" : "; author (claimed) " + author);
    }
  }

  /** A refusal described by {@link Refusal#describe()}. */
  public VerificationRefused(Refusal refusal) {
    super(refusal.describe(), null);
    this.refusal = refusal;
  }

  /** What was refused. */
  public Refusal refusal() {
    return refusal;
  }
}
