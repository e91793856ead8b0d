package dev.gitsync.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * git-sync's metrics, with upstream's names, types, help texts and labels byte for byte, plus two
 * gauges upstream lacks (the time of the last successful sync and the current hash), rendered in
 * the Prometheus text format together with process and JVM metrics. Only this package knows the
 * exposition format.
 */
public final class Metrics {
  private final Family syncDuration =
      new Family(
          "git_sync_duration_seconds",
          "Summary of git_sync durations",
          Family.Type.SUMMARY,
          "status");
  private final Family syncCount =
      new Family(
          "git_sync_count_total",
          "How many git syncs completed, partitioned by state (success, error, noop)",
          Family.Type.COUNTER,
          "status");
  private final Family fetchCount =
      new Family("git_fetch_count_total", "How many git fetches were run", Family.Type.COUNTER);
  private final Family askpassCount =
      new Family(
          "git_sync_askpass_calls",
          "How many git askpass calls completed, partitioned by state (success, error)",
          Family.Type.COUNTER,
          "status");
  private final Family appTokenCount =
      new Family(
          "git_sync_refresh_github_app_token_count",
          "How many times the GitHub app token was refreshed, partitioned by state (success,"
              + " error)",
          Family.Type.COUNTER,
          "status");
  private final Family hookRunCount =
      new Family(
          "git_sync_hook_run_count_total",
          "How many hook runs completed, partitioned by name and state (success, error)",
          Family.Type.COUNTER,
          "name",
          "status");
  private final Family lastSuccess =
      new Family(
          "git_sync_last_success_timestamp_seconds",
          "When the last successful sync completed, in seconds since the Unix epoch",
          Family.Type.GAUGE);
  private final Family kubeEvents =
      new Family(
          "git_sync_kube_events_total",
          "Kubernetes Events (--kube-events), partitioned by reason and result (sent, error,"
              + " dropped)",
          Family.Type.COUNTER,
          "reason",
          "result");
  private final Family nextSync =
      new Family(
          "git_sync_next_sync_seconds",
          "How long the loop waits before the next pass (longer after failures with"
              + " --backoff-max)",
          Family.Type.GAUGE);
  private final Family currentHash =
      new Family(
          "git_sync_current_hash_info",
          "The commit hash currently published at --link (value is always 1)",
          Family.Type.GAUGE,
          "hash");
  private final Family notifications =
      new Family(
          "git_sync_notifications_total",
          "Notification delivery attempts, partitioned by sink, event and status (sent, retried,"
              + " dropped)",
          Family.Type.COUNTER,
          "sink",
          "event",
          "status");
  private final Family notificationsDropped =
      new Family(
          "git_sync_notifications_dropped_total",
          "Dropped notifications, partitioned by sink and reason (rejected, expired, disabled,"
              + " sink_removed)",
          Family.Type.COUNTER,
          "sink",
          "reason");
  private final Family verifications =
      new Family(
          "git_sync_verify_total",
          "Signature verifications of a commit to publish (--verify), partitioned by result (good,"
              + " unsigned, bad, untrusted, expired, revoked, outside_validity, not_signed_tag,"
              + " error)",
          Family.Type.COUNTER,
          "result");
  private final Family triggers =
      new Family(
          "git_sync_trigger_total",
          "Push-trigger requests, partitioned by source (github, gitlab, gitea, forgejo,"
              + " bitbucket, standard, bearer, unknown) and result (scheduled, coalesced, ignored,"
              + " duplicate, unauthorized, bad_request, too_large, rate_limited, not_found,"
              + " method_not_allowed)",
          Family.Type.COUNTER,
          "source",
          "result");
  private final Family notifyLeader =
      new Family(
          "git_sync_notify_leader",
          "1 while this replica leads the notify Lease (--notify-leader-election), else 0",
          Family.Type.GAUGE,
          "lease");
  private final Family leaseTransitions =
      new Family(
          "git_sync_notify_lease_transitions",
          "The notify Lease's leaseTransitions (how often its holder changed), as last seen",
          Family.Type.GAUGE,
          "lease");
  private final Family leaseErrors =
      new Family(
          "git_sync_notify_lease_api_errors_total",
          "Failed Kubernetes API calls for the notify Lease, by HTTP status (or unreachable)",
          Family.Type.COUNTER,
          "lease",
          "status");
  private volatile java.util.function.Supplier<java.util.Map<String, double[]>> queues =
      java.util.Map::of;
  private final List<Family> families =
      List.of(
          fetchCount,
          syncCount,
          syncDuration,
          askpassCount,
          appTokenCount,
          hookRunCount,
          currentHash,
          lastSuccess,
          nextSync,
          kubeEvents,
          notifications,
          notificationsDropped,
          triggers,
          verifications,
          notifyLeader,
          leaseTransitions,
          leaseErrors);
  private final RuntimeMetrics runtime = new RuntimeMetrics();

  /** Sync statuses, as upstream labels them. */
  public enum Status {
    /** A pass that published a change, or the first pass in the process. */
    SUCCESS,
    /** A pass that failed. */
    ERROR,
    /** A pass that found nothing new. */
    NOOP
  }

  /** Records one pass of the loop. */
  public void syncPass(Status status, Duration took) {
    String s = status.name().toLowerCase();
    syncDuration.observe(took.toNanos() / 1e9, s);
    syncCount.add(1, s);
  }

  /** Counts a pass that needed an update (upstream's misnamed git_fetch_count_total). */
  public void fetched() {
    fetchCount.add(1);
  }

  /** Records what is published and when. */
  public void published(String hash, Instant when) {
    currentHash.clear();
    currentHash.set(1, hash);
    lastSuccess.set(when.toEpochMilli() / 1000.0);
  }

  /** Counts a Kubernetes Event. */
  public void kubeEvent(String reason, String result) {
    kubeEvents.add(1, reason, result);
  }

  /** The wait before the next pass. */
  public void nextSync(Duration wait) {
    nextSync.set(wait.toNanos() / 1e9);
  }

  /** Counts a hook run. */
  public void hookRan(String name, boolean success) {
    hookRunCount.add(1, name, success ? "success" : "error");
  }

  /** Whether this replica leads the notify Lease. */
  public void notifyLeader(String lease, boolean leading) {
    notifyLeader.set(leading ? 1 : 0, lease);
  }

  /** The notify Lease's transitions, as last seen. */
  public void leaseTransitions(String lease, int transitions) {
    leaseTransitions.set(transitions, lease);
  }

  /** Counts a failed call for the notify Lease. */
  public void leaseApiError(String lease, String status) {
    leaseErrors.add(1, lease, status);
  }

  /** Counts a push-trigger request. */
  public void trigger(String source, String result) {
    triggers.add(1, source, result);
  }

  /** Counts the outcome of verifying a commit to publish. */
  public void verified(String result) {
    verifications.add(1, result);
  }

  /** Counts an askpass call. */
  public void askpass(boolean success) {
    askpassCount.add(1, success ? "success" : "error");
  }

  /** Counts a GitHub App token refresh. */
  public void appTokenRefreshed(boolean success) {
    appTokenCount.add(1, success ? "success" : "error");
  }

  /** Counts a notification delivery attempt. */
  public void notification(String sink, String event, String status, String reason) {
    notifications.add(1, sink, event, status);
    if (status.equals("dropped")) {
      notificationsDropped.add(1, sink, reason);
    }
  }

  /** Where queue depth, oldest-pending age and whether it is disabled, per sink, come from. */
  public void notificationQueues(java.util.function.Supplier<java.util.Map<String, double[]>> s) {
    queues = s;
  }

  private void writeQueues(StringBuilder sb) {
    java.util.Map<String, double[]> q = queues.get();
    if (q.isEmpty()) {
      return;
    }
    Family depth =
        new Family(
            "git_sync_notification_queue_depth",
            "Notifications waiting per sink",
            Family.Type.GAUGE,
            "sink");
    Family age =
        new Family(
            "git_sync_notification_oldest_pending_seconds",
            "Age of the oldest notification waiting per sink",
            Family.Type.GAUGE,
            "sink");
    Family disabled =
        new Family(
            "git_sync_notification_sink_disabled",
            "1 while a sink is disabled (its service said it is gone), else 0",
            Family.Type.GAUGE,
            "sink");
    q.forEach(
        (sink, v) -> {
          depth.set(v[0], sink);
          age.set(v[1], sink);
          disabled.set(v.length > 2 ? v[2] : 0, sink);
        });
    depth.write(sb);
    age.write(sb);
    disabled.write(sb);
  }

  /** The Prometheus text exposition (version 0.0.4), families sorted by name. */
  public String render() {
    StringBuilder sb = new StringBuilder(4096);
    java.util.Map<String, Family> byName = new java.util.TreeMap<>();
    families.forEach(f -> byName.put(f.name, f));
    byName.values().forEach(f -> f.write(sb));
    writeQueues(sb);
    runtime.write(sb);
    return sb.toString();
  }
}
