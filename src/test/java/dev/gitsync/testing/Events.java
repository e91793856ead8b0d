package dev.gitsync.testing;

import dev.gitsync.notify.event.Commit;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Notification events for tests, with sensible defaults. */
public final class Events {
  private Events() {}

  /** An event about {@code repo} at ref main, 3 failures, broken for 75 minutes. */
  public static NotifyEvent event(EventType t, String repo, List<Commit> commits, String error) {
    return new NotifyEvent(
        t,
        "id-1",
        Instant.parse("2026-01-01T00:00:00Z"),
        repo,
        "main",
        "a".repeat(40),
        "b".repeat(40),
        error,
        3,
        Duration.ofMinutes(75),
        commits,
        0,
        "",
        "",
        "",
        "web-1",
        "prod",
        "",
        "");
  }

  /** The same event with links and another ref. */
  public static NotifyEvent withLinks(NotifyEvent e, String ref, String commitUrl, String compare) {
    return new NotifyEvent(
        e.type(),
        e.id(),
        e.time(),
        e.repo(),
        ref,
        e.hash(),
        e.previousHash(),
        e.error(),
        e.failures(),
        e.brokenFor(),
        e.commits(),
        e.moreCommits(),
        e.diffSummary(),
        commitUrl,
        compare,
        e.pod(),
        e.namespace(),
        e.hook(),
        e.signer());
  }

  /** {@code n} commits with the given subject. */
  public static List<Commit> commits(int n, String subject) {
    Commit[] c = new Commit[n];
    for (int i = 0; i < n; i++) {
      c[i] = new Commit(String.format("%040x", i + 1), "Author " + i, subject);
    }
    return List.of(c);
  }
}
