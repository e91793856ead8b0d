package dev.gitsync.notify.event;

/** The events git-sync notifies about. */
public enum EventType {
  /** A new commit was published. */
  SYNC_SUCCEEDED("sync.succeeded", "succeeded"),
  /** Syncing failed (after the threshold; repeated at most once per repeat interval). */
  SYNC_FAILED("sync.failed", "failed"),
  /** The first success after a failure alert. */
  SYNC_RECOVERED("sync.recovered", "recovered"),
  /** An exec hook or the webhook failed. */
  HOOK_FAILED("hook.failed", "hook_failed"),
  /**
   * A hook that alerted succeeded again (closes an incident; chat sinks get it only when asked in
   * {@code events=}).
   */
  HOOK_RECOVERED("hook.recovered", "hook_recovered"),
  /** A fetched commit failed {@code --verify} and was not published (once per commit). */
  VERIFICATION_FAILED("sync.verification_failed", "verification_failed"),
  /** Too many failures: git-sync exits. */
  GIVING_UP("sync.giving_up", "giving_up"),
  /** Sent by {@code --notify-test}. */
  TEST("test", "test");

  private final String wire;
  private final String shortName;

  EventType(String wire, String shortName) {
    this.wire = wire;
    this.shortName = shortName;
  }

  /** The name used in JSON events, metrics and {@code events=} filters. */
  public String wire() {
    return wire;
  }

  /** The short name accepted in {@code events=}: {@code succeeded}, {@code failed}, … */
  public String shortName() {
    return shortName;
  }

  /** Whether this event opens (or keeps open) an incident: something is wrong. */
  public boolean fires() {
    return this == SYNC_FAILED
        || this == GIVING_UP
        || this == VERIFICATION_FAILED
        || this == HOOK_FAILED;
  }

  /** Whether this event closes an incident. */
  public boolean resolves() {
    return this == SYNC_RECOVERED || this == HOOK_RECOVERED;
  }

  /** Finds a type by wire or short name, or returns null. */
  public static EventType byName(String name) {
    for (EventType t : values()) {
      if (t.wire.equals(name) || t.shortName().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
