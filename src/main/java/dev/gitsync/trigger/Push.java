package dev.gitsync.trigger;

import java.util.List;

/**
 * What a verified delivery says, whatever forge sent it.
 *
 * @param source the sender: github, gitlab, gitea, forgejo, bitbucket, standard or bearer
 * @param event the sender's event name
 * @param kind what to do with it
 * @param refs the refs it changed (empty when it does not say)
 * @param repoUrls the repository's URLs it names (empty when it does not say)
 * @param defaultBranch the repository's default branch, or empty
 */
record Push(
    String source,
    String event,
    Kind kind,
    List<Change> refs,
    List<String> repoUrls,
    String defaultBranch) {
  /** What a delivery is. */
  enum Kind {
    /** A push (or a request to sync). */
    PUSH,
    /** A test of the webhook (GitHub's ping, Bitbucket Server's diagnostics:ping). */
    PING,
    /** Another event, which never moves a ref. */
    OTHER
  }

  /**
   * One ref the push changed.
   *
   * @param ref the full ref, e.g. {@code refs/heads/main}
   * @param deleted true when the push deleted it
   */
  record Change(String ref, boolean deleted) {}

  Push {
    refs = List.copyOf(refs);
    repoUrls = List.copyOf(repoUrls);
  }
}
