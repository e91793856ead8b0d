package dev.gitsync.notify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content a person wants in the channel, built once per event and formatted by each provider
 * with its own {@link Markup}: a title, a body (commits, diff summary, error, links), facts (repo,
 * ref, commit, pod), and a severity for colours.
 */
final class Message {
  /** Colour class of a message. */
  enum Severity {
    GOOD,
    BAD,
    WARN,
    INFO
  }

  /**
   * A name/value pair shown as a field.
   *
   * @param name the label
   * @param value the value (plain text)
   */
  record Fact(String name, String value) {}

  static final int MAX_ERROR = 1500;

  final NotifyEvent event;

  Message(NotifyEvent event) {
    this.event = event;
  }

  Severity severity() {
    switch (event.type()) {
      case SYNC_SUCCEEDED:
      case SYNC_RECOVERED:
        return Severity.GOOD;
      case SYNC_FAILED:
      case GIVING_UP:
        return Severity.BAD;
      case HOOK_FAILED:
        return Severity.WARN;
      default:
        return Severity.INFO;
    }
  }

  /** The title, plain text. */
  String title() {
    NotifyEvent e = event;
    String what = e.repoName() + " " + e.ref();
    switch (e.type()) {
      case SYNC_SUCCEEDED:
        return "✅ Synced "
            + what
            + ": "
            + (e.previousHash().isEmpty()
                ? e.shortHash()
                : e.shortPrevious() + " → " + e.shortHash());
      case SYNC_FAILED:
        return "❌ Sync failing for "
            + what
            + " ("
            + plural(e.failures(), "consecutive failure")
            + ")";
      case SYNC_RECOVERED:
        return "✅ Sync recovered for "
            + what
            + " after "
            + human(e.brokenFor())
            + " ("
            + plural(e.failures(), "failure")
            + ")";
      case HOOK_FAILED:
        return "⚠️ " + e.hook() + " failed for " + what + " at " + e.shortHash();
      case GIVING_UP:
        return "🛑 git-sync gave up on " + what + " after " + plural(e.failures(), "failure");
      default:
        return "🔔 Test notification from git-sync for " + what;
    }
  }

  /** The body in {@code m}'s markup. */
  String body(Markup m) {
    NotifyEvent e = event;
    List<String> lines = new ArrayList<>();
    if (e.type() == EventType.SYNC_SUCCEEDED) {
      for (Commit c : e.commits()) {
        lines.add(
            "• " + m.code(c.shortHash()) + " " + m.esc(c.subject()) + " — " + m.esc(c.author()));
      }
      if (e.moreCommits() > 0) {
        lines.add("… and " + e.moreCommits() + " more");
      } else if (e.moreCommits() < 0) {
        lines.add("… older commits not fetched (shallow clone, see --depth)");
      }
      if (!e.diffSummary().isEmpty()) {
        lines.add(m.esc(e.diffSummary()));
      }
    }
    if (e.type() == EventType.SYNC_RECOVERED && !e.hash().isEmpty()) {
      lines.add("Now at " + m.code(e.shortHash()) + ".");
    }
    if (!e.error().isEmpty()) {
      lines.add(m.codeBlock(truncate(e.error(), MAX_ERROR)));
    }
    if (e.type() == EventType.GIVING_UP) {
      lines.add("The process exits now; Kubernetes will restart it.");
    }
    List<String> links = new ArrayList<>();
    if (!e.compareUrl().isEmpty()) {
      links.add(m.link(e.compareUrl(), "Compare " + e.shortPrevious() + "…" + e.shortHash()));
    }
    if (!e.commitUrl().isEmpty()) {
      links.add(m.link(e.commitUrl(), "Commit " + e.shortHash()));
    }
    if (!links.isEmpty()) {
      lines.add(String.join(" | ", links));
    }
    return String.join("\n", lines);
  }

  /** One line of context: where this runs and what it syncs. */
  String context(Markup m) {
    String where =
        event.namespace().isEmpty() ? event.pod() : event.namespace() + "/" + event.pod();
    return m.esc("pod " + where + " · " + event.repo() + " " + event.ref());
  }

  List<Fact> facts() {
    List<Fact> f = new ArrayList<>();
    f.add(new Fact("Repo", event.repo()));
    f.add(new Fact("Ref", event.ref()));
    if (!event.hash().isEmpty()) {
      f.add(new Fact("Commit", event.hash()));
    }
    String where =
        event.namespace().isEmpty() ? event.pod() : event.namespace() + "/" + event.pod();
    f.add(new Fact("Pod", where));
    return f;
  }

  /** The variables a user template sees. */
  Map<String, Object> templateValues() {
    NotifyEvent e = event;
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("event", e.type().wire());
    v.put("repo", e.repo());
    v.put("repo_name", e.repoName());
    v.put("ref", e.ref());
    v.put("hash", e.hash());
    v.put("short_hash", e.shortHash());
    v.put("previous_hash", e.previousHash());
    v.put("short_previous_hash", e.shortPrevious());
    v.put("error", e.error());
    v.put("failures", e.failures() == 0 ? "" : Integer.toString(e.failures()));
    v.put("broken_for", e.brokenFor().isZero() ? "" : human(e.brokenFor()));
    List<Map<String, Object>> commits = new ArrayList<>();
    for (Commit c : e.commits()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("hash", c.hash());
      cm.put("short_hash", c.shortHash());
      cm.put("author", c.author());
      cm.put("subject", c.subject());
      commits.add(cm);
    }
    v.put("commits", commits);
    v.put("more_commits", e.moreCommits() == 0 ? "" : Integer.toString(e.moreCommits()));
    v.put("diff_summary", e.diffSummary());
    v.put("commit_url", e.commitUrl());
    v.put("compare_url", e.compareUrl());
    v.put("pod", e.pod());
    v.put("namespace", e.namespace());
    v.put("hook", e.hook());
    v.put("time", e.time().toString());
    return v;
  }

  static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int cut = max - 1;
    if (Character.isHighSurrogate(s.charAt(cut - 1))) {
      cut--;
    }
    return s.substring(0, cut) + "…";
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
    }
    return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : " " + (s % 3600) / 60 + "m");
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
