package dev.gitsync.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which events to send: the anti-spam policy, free of I/O so it is tested on its own.
 *
 * <p>A commit is announced once (remembered across restarts), and each announcement describes the
 * changes since the previous one, so the announcements form an unbroken chain even when a crash
 * fell between a flip and its announcement. Failures alert only after {@code failureThreshold}
 * consecutive failures, then at most once per {@code repeatInterval} while failing; the first
 * success after an alert recovers (with how long syncing was broken); a failing hook alerts once
 * per hook and commit; a commit refused by {@code --verify} alerts once. Only the notifier calls
 * it, under its lock.
 */
final class NotifyPolicy {
  /**
   * What the policy remembers, as saved in {@code state.json}.
   *
   * @param announced the last commit announced, or empty
   * @param failing whether syncing is failing
   * @param failures consecutive failures
   * @param failingSince when the failing started, or null
   * @param alerted whether a failure alert went out for this outage
   * @param lastAlert when the last failure alert went out, or null
   * @param hookAlerted per hook, the commit its last failure alert was about
   * @param refused the last commit a verification refusal was alerted for, or empty
   */
  record Snapshot(
      String announced,
      boolean failing,
      int failures,
      Instant failingSince,
      boolean alerted,
      Instant lastAlert,
      Map<String, String> hookAlerted,
      String refused) {
    static final Snapshot EMPTY = new Snapshot("", false, 0, null, false, null, Map.of(), "");

    Snapshot {
      hookAlerted = Map.copyOf(hookAlerted);
    }
  }

  /**
   * What a successful pass calls for.
   *
   * @param recovered send a recovery (syncing had failed and an alert went out)
   * @param failures how many failures the outage had
   * @param brokenFor how long it lasted
   * @param announce announce the commit
   * @param lastAnnounced the commit announced before this one (for the announcement's id)
   */
  record Success(
      boolean recovered, int failures, Duration brokenFor, boolean announce, String lastAnnounced) {
    static final Success NOTHING = new Success(false, 0, Duration.ZERO, false, "");
  }

  private final int failureThreshold;
  private final Duration repeatInterval;
  private String announced;

  /** The last commit a pass succeeded with (announced or not), so a poll repeats nothing. */
  private String lastSynced;

  private boolean failing;
  private int failures;
  private Instant failingSince;
  private boolean alerted;
  private Instant lastAlert;
  private final Map<String, String> hookAlerted;
  private String refused;

  NotifyPolicy(int failureThreshold, Duration repeatInterval, Snapshot s) {
    this.failureThreshold = failureThreshold;
    this.repeatInterval = repeatInterval;
    this.announced = s.announced();
    this.lastSynced = s.announced();
    this.failing = s.failing();
    this.failures = s.failures();
    this.failingSince = s.failingSince();
    this.alerted = s.alerted();
    this.lastAlert = s.lastAlert();
    this.hookAlerted = new LinkedHashMap<>(s.hookAlerted());
    this.refused = s.refused();
  }

  /**
   * When a success at {@code hash} will be announced, the commit the announcement starts from: the
   * last one announced, or (the first time) {@code previous}; empty when nothing is to announce.
   */
  Optional<String> announcementBase(String hash, String previous) {
    if (hash.equals(announced)) {
      return Optional.empty();
    }
    return Optional.of(announced.isEmpty() ? previous : announced);
  }

  /** A sync pass succeeded with {@code hash} published, by the replica that announces it. */
  Success succeeded(String hash, Instant now) {
    return succeeded(hash, now, true);
  }

  /**
   * A sync pass succeeded with {@code hash} published. Only the replica that sends ({@code
   * announcing}) moves the chain of announcements on: one that follows, or does not know yet
   * whether it leads, keeps the last commit it knows was announced, so that if it takes over and
   * finds no record on the Lease (its predecessor stopped before writing one) it continues from
   * there and loses nothing.
   */
  Success succeeded(String hash, Instant now, boolean announcing) {
    if (!failing && hash.equals(announcing ? announced : lastSynced)) {
      return Success.NOTHING;
    }
    boolean recovered = failing && alerted;
    Duration broken = failingSince == null ? Duration.ZERO : Duration.between(failingSince, now);
    Success s = new Success(recovered, failures, broken, !hash.equals(announced), announced);
    failing = false;
    alerted = false;
    failures = 0;
    failingSince = null;
    lastSynced = hash;
    if (announcing) {
      announced = hash;
    }
    return s;
  }

  /** A pass failed for the {@code n}-th time in a row; true when an alert is due. */
  boolean failed(int n, Instant now) {
    if (!failing) {
      failing = true;
      failingSince = now;
    }
    failures = n;
    boolean due =
        !alerted
            || lastAlert == null
            || Duration.between(lastAlert, now).compareTo(repeatInterval) >= 0;
    if (n >= failureThreshold && due) {
      alerted = true;
      lastAlert = now;
      return true;
    }
    return false;
  }

  /**
   * A pass refused to publish {@code hash} ({@code --verify}), the {@code n}-th failure in a row:
   * it counts as a failure (a later success recovers), and is alerted once per refused commit,
   * restarts included, whatever the failure threshold (a refusal is not a flaky network).
   */
  boolean refused(String hash, int n, Instant now, boolean alerting) {
    if (!failing) {
      failing = true;
      failingSince = now;
    }
    failures = n;
    if (!alerting || hash.equals(refused)) {
      return false;
    }
    refused = hash;
    alerted = true;
    lastAlert = now;
    return true;
  }

  /**
   * Continues the chain of announcements from {@code hash} (what the previous leader announced), so
   * the next success announces the changes since it.
   */
  void adopt(String hash) {
    announced = hash;
    lastSynced = hash;
  }

  /**
   * Takes back the alert {@link #failed} just allowed (another replica sends it), so a later
   * failure asks again and a success sends no recovery for it.
   */
  void withdrawAlert(Instant previousAlert) {
    alerted = false;
    lastAlert = previousAlert;
  }

  /** When the current failing started, or null. */
  Instant failingSince() {
    return failingSince;
  }

  /** When the last failure alert went out, or null. */
  Instant lastAlert() {
    return lastAlert;
  }

  /** A hook failed at {@code hash}; true when this hook has not alerted about this commit yet. */
  boolean hookFailed(String hook, String hash) {
    if (hash.equals(hookAlerted.get(hook))) {
      return false;
    }
    hookAlerted.put(hook, hash);
    return true;
  }

  /**
   * A hook succeeded; true when it had alerted (its incident closes, and its next failure alerts
   * again, whatever the commit).
   */
  boolean hookSucceeded(String hook) {
    return hookAlerted.remove(hook) != null;
  }

  Snapshot snapshot() {
    return new Snapshot(
        announced, failing, failures, failingSince, alerted, lastAlert, hookAlerted, refused);
  }
}
