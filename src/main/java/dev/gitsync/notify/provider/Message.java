package dev.gitsync.notify.provider;

import dev.gitsync.notify.event.Commit;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content a person wants in the channel, built once per event and formatted by each provider
 * with its own {@link Markup}: a title, a body (commits, diff summary, error, links), facts (repo,
 * ref, commit, pod), and a severity for colours.
 *
 * <p>Design: limits are kept per field, on plain text, before escaping: a commit subject is cut to
 * {@link #MAX_SUBJECT} characters, the error to what the body has room for, and when the body must
 * still shrink, whole commit lines give way ("… and N more") while the Compare and Commit links
 * stay. Nothing is cut after escaping, so no cut splits an entity, a link or a grapheme.
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
  static final int MAX_SUBJECT = 150;
  static final int MAX_AUTHOR = 60;
  static final int MAX_FACT = 300;

  final NotifyEvent event;

  Message(NotifyEvent event) {
    this.event = event;
  }

  Severity severity() {
    switch (event.type()) {
      case SYNC_SUCCEEDED:
      case SYNC_RECOVERED:
      case HOOK_RECOVERED:
        return Severity.GOOD;
      case SYNC_FAILED:
      case GIVING_UP:
      case VERIFICATION_FAILED:
        return Severity.BAD;
      case HOOK_FAILED:
        return Severity.WARN;
      default:
        return Severity.INFO;
    }
  }

  /** True for the events people must see in the channel, not only in a thread. */
  boolean isAlert() {
    return event.type() == EventType.SYNC_FAILED
        || event.type() == EventType.GIVING_UP
        || event.type() == EventType.SYNC_RECOVERED
        || event.type() == EventType.HOOK_FAILED
        || event.type() == EventType.HOOK_RECOVERED
        || event.type() == EventType.VERIFICATION_FAILED;
  }

  /** The title, plain text (the repo's name and the ref are cut to sane lengths). */
  String title() {
    NotifyEvent e = event;
    String what = Text.cut(e.repoName(), 80) + " " + Text.cut(e.ref(), 80);
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
      case HOOK_RECOVERED:
        return "✅ " + e.hook() + " works again for " + what + " at " + e.shortHash();
      case GIVING_UP:
        return "🛑 git-sync gave up on " + what + " after " + plural(e.failures(), "failure");
      case VERIFICATION_FAILED:
        return "🚫 Refused to publish unverified commit " + e.shortHash() + " of " + what;
      default:
        return "🔔 Test notification from git-sync for " + what;
    }
  }

  /** The body in {@code m}'s markup, at most {@code max} characters. */
  String body(Markup m, int max) {
    NotifyEvent e = event;
    List<String> tail = new ArrayList<>();
    if (e.type() == EventType.SYNC_SUCCEEDED && !e.diffSummary().isEmpty()) {
      tail.add(m.esc(Text.cut(e.diffSummary(), 200)));
    }
    if (e.type() == EventType.SYNC_RECOVERED && !e.hash().isEmpty()) {
      tail.add("Now at " + m.code(e.shortHash()) + ".");
    }
    if (e.type() == EventType.GIVING_UP) {
      tail.add("The process exits now; Kubernetes will restart it.");
    }
    if (e.type() == EventType.VERIFICATION_FAILED) {
      tail.add(
          "Signer: "
              + (e.signer().isEmpty() ? "none (unsigned)" : m.esc(Text.cut(e.signer(), 200)))
              + ". The published tree stays where it was.");
    }
    List<String> links = new ArrayList<>();
    if (!e.compareUrl().isEmpty()) {
      links.add(m.link(e.compareUrl(), "Compare " + e.shortPrevious() + "…" + e.shortHash()));
    }
    if (!e.commitUrl().isEmpty()) {
      links.add(m.link(e.commitUrl(), "Commit " + e.shortHash()));
    }
    if (!links.isEmpty()) {
      tail.add(String.join(" | ", links));
    }
    int budget = max - String.join("\n", tail).length() - (tail.isEmpty() ? 0 : 1);
    List<String> head = new ArrayList<>();
    if (e.type() == EventType.SYNC_SUCCEEDED || e.type() == EventType.VERIFICATION_FAILED) {
      head.addAll(commitLines(m, budget));
    }
    if (!e.error().isEmpty() && budget > 20) {
      head.add(
          Text.cutEscaped(
              Text.cut(e.error(), MAX_ERROR), budget - (head.isEmpty() ? 0 : 1), m::codeBlock));
    }
    head.addAll(tail);
    String body = String.join("\n", head);
    // Only when even the fixed lines do not fit (absurd limits): cut at a safe place.
    return body.length() <= max ? body : Text.cutMarkup(body, max);
  }

  /** The commit lines that fit in {@code budget}, with "… and N more" for the rest. */
  private List<String> commitLines(Markup m, int budget) {
    NotifyEvent e = event;
    List<String> all = new ArrayList<>();
    for (Commit c : e.commits()) {
      all.add(
          "• "
              + m.code(c.shortHash())
              + " "
              + m.esc(Text.cut(c.subject(), MAX_SUBJECT))
              + " — "
              + m.esc(Text.cut(c.author(), MAX_AUTHOR)));
    }
    List<String> out = new ArrayList<>();
    int used = 0;
    int reserve = 60;
    for (int i = 0; i < all.size(); i++) {
      String line = all.get(i);
      boolean last = i == all.size() - 1 && e.moreCommits() == 0;
      if (used + line.length() + 1 + (last ? 0 : reserve) > budget) {
        break;
      }
      out.add(line);
      used += line.length() + 1;
    }
    int more = e.moreCommits() + (all.size() - out.size());
    if (e.moreCommits() < 0) {
      out.add("… older commits not fetched (shallow clone, see --depth)");
    } else if (more > 0) {
      out.add("… and " + more + " more");
    }
    return out;
  }

  /** One line of context: where this runs and what it syncs. */
  String context(Markup m) {
    String where =
        event.namespace().isEmpty() ? event.pod() : event.namespace() + "/" + event.pod();
    return m.esc(Text.cut("pod " + where + " · " + event.repo() + " " + event.ref(), 1000));
  }

  List<Fact> facts() {
    List<Fact> f = new ArrayList<>();
    f.add(new Fact("Repo", Text.cut(event.repo(), MAX_FACT)));
    f.add(new Fact("Ref", Text.cut(event.ref(), MAX_FACT)));
    if (!event.hash().isEmpty()) {
      f.add(new Fact("Commit", event.hash()));
    }
    String where =
        event.namespace().isEmpty() ? event.pod() : event.namespace() + "/" + event.pod();
    f.add(new Fact("Pod", Text.cut(where, MAX_FACT)));
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
    v.put("error", Text.cut(e.error(), MAX_ERROR));
    v.put("failures", e.failures() == 0 ? "" : Integer.toString(e.failures()));
    v.put("broken_for", e.brokenFor().isZero() ? "" : human(e.brokenFor()));
    List<Map<String, Object>> commits = new ArrayList<>();
    for (Commit c : e.commits()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("hash", c.hash());
      cm.put("short_hash", c.shortHash());
      cm.put("author", Text.cut(c.author(), MAX_AUTHOR));
      cm.put("subject", Text.cut(c.subject(), MAX_SUBJECT));
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
    v.put("signer", e.signer());
    v.put("time", e.time().toString());
    return v;
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
