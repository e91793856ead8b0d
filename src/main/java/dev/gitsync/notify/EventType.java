package dev.gitsync.notify;

import java.util.Locale;

/** The events git-sync notifies about. */
public enum EventType {
  /** A new commit was published. */
  SYNC_SUCCEEDED("sync.succeeded"),
  /** Syncing failed (after the threshold; repeated at most once per repeat interval). */
  SYNC_FAILED("sync.failed"),
  /** The first success after a failure alert. */
  SYNC_RECOVERED("sync.recovered"),
  /** An exec hook or the webhook failed. */
  HOOK_FAILED("hook.failed"),
  /** Too many failures: git-sync exits. */
  GIVING_UP("sync.giving_up"),
  /** Sent by {@code --notify-test}. */
  TEST("test");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  /** The name used in JSON events, metrics and {@code events=} filters. */
  public String wire() {
    return wire;
  }

  /** The short name accepted in {@code events=}: {@code succeeded}, {@code failed}, … */
  public String shortName() {
    String w = wire.substring(wire.indexOf('.') + 1);
    return w.toLowerCase(Locale.ROOT);
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
