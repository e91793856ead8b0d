package dev.gitsync.notify.event;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A notification, independent of any service. It is also the documented JSON event the generic
 * webhook sends and the outbox stores: {@code {"type","id","timestamp","data":{…}}}.
 *
 * @param type what happened
 * @param id a unique id, the idempotency key across retries and restarts
 * @param time when it happened
 * @param repo the repo URL without credentials
 * @param ref the ref synced
 * @param hash the commit now published (may be empty for failures before the first sync)
 * @param previousHash the commit published before (empty when unknown)
 * @param error the error, for failures
 * @param failures consecutive failures so far
 * @param brokenFor how long syncing was failing, for recoveries
 * @param commits the commits between previous and new hash, newest first, bounded
 * @param moreCommits how many more commits there were than listed; -1 when unknown (shallow)
 * @param diffSummary git's short diff stat, or empty
 * @param commitUrl a web link to the commit, or empty
 * @param compareUrl a web link to the comparison, or empty
 * @param pod the pod name (or host name)
 * @param namespace the pod's namespace, or empty
 * @param hook the hook's name, for hook failures
 * @param signer for a refused commit, the signing key and identity ("" when unsigned)
 */
public record NotifyEvent(
    EventType type,
    String id,
    Instant time,
    String repo,
    String ref,
    String hash,
    String previousHash,
    String error,
    int failures,
    Duration brokenFor,
    List<Commit> commits,
    int moreCommits,
    String diffSummary,
    String commitUrl,
    String compareUrl,
    String pod,
    String namespace,
    String hook,
    String signer) {

  /** Copies the list. */
  public NotifyEvent {
    commits = List.copyOf(commits);
  }

  /** A copy naming the hook that failed. */
  public NotifyEvent withHook(String name) {
    return copy(id, name, signer);
  }

  /** A copy with another id. */
  public NotifyEvent withId(String newId) {
    return copy(newId, hook, signer);
  }

  /** A copy naming the signer of a refused commit. */
  public NotifyEvent withSigner(String who) {
    return copy(id, hook, who);
  }

  private NotifyEvent copy(String newId, String newHook, String newSigner) {
    return new NotifyEvent(
        type,
        newId,
        time,
        repo,
        ref,
        hash,
        previousHash,
        error,
        failures,
        brokenFor,
        commits,
        moreCommits,
        diffSummary,
        commitUrl,
        compareUrl,
        pod,
        namespace,
        newHook,
        newSigner);
  }

  /** Which trouble an incident event is about: {@code sync}, or {@code hook:NAME}. */
  public String trouble() {
    return type == EventType.HOOK_FAILED || type == EventType.HOOK_RECOVERED
        ? "hook:" + hook
        : "sync";
  }

  /** The first seven digits of the hash. */
  public String shortHash() {
    return hash.length() > 7 ? hash.substring(0, 7) : hash;
  }

  /** The first seven digits of the previous hash. */
  public String shortPrevious() {
    return previousHash.length() > 7 ? previousHash.substring(0, 7) : previousHash;
  }

  /** The repo's name: the last path segment without {@code .git}. */
  public String repoName() {
    String r = repo.replaceAll("/+$", "");
    String name = r.substring(Math.max(r.lastIndexOf('/'), r.lastIndexOf(':')) + 1);
    return name.endsWith(".git") ? name.substring(0, name.length() - 4) : name;
  }

  /** The documented JSON event (and outbox record) as nested maps. */
  public Map<String, Object> toJson() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("repo", repo);
    data.put("ref", ref);
    data.put("hash", hash);
    data.put("previous_hash", previousHash);
    data.put("error", error);
    data.put("failures", failures);
    data.put("broken_for_seconds", brokenFor.toSeconds());
    List<Map<String, Object>> cs = new ArrayList<>();
    for (Commit c : commits) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("hash", c.hash());
      m.put("author", c.author());
      m.put("subject", c.subject());
      cs.add(m);
    }
    data.put("commits", cs);
    data.put("more_commits", moreCommits);
    data.put("diff_summary", diffSummary);
    data.put("commit_url", commitUrl);
    data.put("compare_url", compareUrl);
    data.put("pod", pod);
    data.put("namespace", namespace);
    data.put("hook", hook);
    data.put("signer", signer);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type.wire());
    m.put("id", id);
    m.put("timestamp", time.toString());
    m.put("data", data);
    return m;
  }

  /**
   * Reads an event written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException when it is not one
   */
  @SuppressWarnings("unchecked")
  public static NotifyEvent fromJson(Map<String, Object> m) {
    EventType t = EventType.byName(str(m.get("type")));
    if (t == null || !(m.get("data") instanceof Map)) {
      throw new IllegalArgumentException("not a notification event");
    }
    Map<String, Object> d = (Map<String, Object>) m.get("data");
    List<Commit> commits = new ArrayList<>();
    if (d.get("commits") instanceof List) {
      for (Object o : (List<Object>) d.get("commits")) {
        Map<String, Object> c = (Map<String, Object>) o;
        commits.add(new Commit(str(c.get("hash")), str(c.get("author")), str(c.get("subject"))));
      }
    }
    return new NotifyEvent(
        t,
        str(m.get("id")),
        Instant.parse(str(m.get("timestamp"))),
        str(d.get("repo")),
        str(d.get("ref")),
        str(d.get("hash")),
        str(d.get("previous_hash")),
        str(d.get("error")),
        num(d.get("failures")),
        Duration.ofSeconds(num(d.get("broken_for_seconds"))),
        commits,
        num(d.get("more_commits")),
        str(d.get("diff_summary")),
        str(d.get("commit_url")),
        str(d.get("compare_url")),
        str(d.get("pod")),
        str(d.get("namespace")),
        str(d.get("hook")),
        str(d.get("signer")));
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static int num(Object o) {
    return o instanceof Number ? ((Number) o).intValue() : 0;
  }
}
