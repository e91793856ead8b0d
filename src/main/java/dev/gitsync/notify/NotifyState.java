package dev.gitsync.notify;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.json.JsonParser;
import dev.gitsync.log.Json;
import dev.gitsync.log.Log;
import dev.gitsync.notify.delivery.Outbox;
import dev.gitsync.notify.delivery.SinkStates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code state.json} beside the outbox: the policy's memory ({@link NotifyPolicy.Snapshot}: the
 * last commit announced, the failure state, which hook alerted about which commit) and the sinks'
 * ({@link SinkStates}: Slack threads, disabled sinks).
 *
 * <p>Design: each part has one owner (the notifier for the policy, {@link SinkStates} for the
 * sinks); what crosses to this class is an immutable snapshot or a copy taken under the owner's
 * lock, and {@link #save()} holds only this object's lock, so a worker saving a thread id can never
 * meet a map being changed. The file is written atomically (temp file, fsync, rename).
 */
final class NotifyState {
  private final Path file;
  private final boolean groupWrite;
  private final Log log;
  private final SinkStates sinks = new SinkStates();
  private volatile NotifyPolicy.Snapshot policy = NotifyPolicy.Snapshot.EMPTY;

  private NotifyState(Path file, boolean groupWrite, Log log) {
    this.file = file;
    this.groupWrite = groupWrite;
    this.log = log;
    sinks.onChange(this::save);
  }

  /**
   * Loads the state. A file that cannot be understood (not UTF-8, not JSON, nested or sized beyond
   * the parser's limits, a value of the wrong kind) is renamed to {@code state.json.corrupt-<time>}
   * and logged once, and the notifier starts afresh: at worst one commit is announced again.
   * Disabled sinks are due for a probe at once: a restart tries them again.
   */
  static NotifyState load(Path dir, boolean groupWrite, Log log) throws IOException {
    Path file = dir.resolve("state.json");
    NotifyState s = new NotifyState(file, groupWrite, log);
    if (!Files.exists(file)) {
      return s;
    }
    try {
      s.read();
    } catch (IOException | RuntimeException e) {
      Path aside = file.resolveSibling("state.json.corrupt-" + System.currentTimeMillis());
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      log.error(
          String.valueOf(e.getMessage()),
          "unreadable notification state set aside; starting afresh",
          "file",
          aside.toString());
      return new NotifyState(file, groupWrite, log);
    }
    return s;
  }

  /** Reads the state of a running git-sync without changing anything ({@code --notify-test}). */
  static NotifyState peek(Path dir, Log log) throws IOException {
    NotifyState s = new NotifyState(dir.resolve("state.json"), false, log);
    s.sinks.onChange(() -> {});
    if (Files.exists(s.file)) {
      s.read();
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  private void read() throws IOException {
    Object parsed = JsonParser.parse(BoundedFiles.readString(file, BoundedFiles.SMALL));
    if (!(parsed instanceof Map)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<String, Object> m = (Map<String, Object>) parsed;
    Map<String, String> hooks = new LinkedHashMap<>();
    if (m.get("hook_alerted") instanceof Map) {
      ((Map<String, Object>) m.get("hook_alerted")).forEach((k, v) -> hooks.put(k, str(v)));
    }
    policy =
        new NotifyPolicy.Snapshot(
            str(m.get("announced")),
            Boolean.TRUE.equals(m.get("failing")),
            m.get("failures") instanceof Number ? ((Number) m.get("failures")).intValue() : 0,
            instant(m.get("failing_since")),
            Boolean.TRUE.equals(m.get("alerted")),
            instant(m.get("last_alert")),
            hooks,
            str(m.get("refused")));
    sinks.restore(m.get("threads"), m.get("disabled"));
    sinks.probeAllNow();
  }

  SinkStates sinks() {
    return sinks;
  }

  NotifyPolicy.Snapshot policy() {
    return policy;
  }

  /** Records the policy's new state and saves. */
  void policy(NotifyPolicy.Snapshot s) {
    policy = s;
    save();
  }

  /** Writes the file; a failure is logged, never thrown (the state is a cache of decisions). */
  synchronized void save() {
    NotifyPolicy.Snapshot p = policy;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("announced", p.announced());
    m.put("failing", p.failing());
    m.put("failures", p.failures());
    m.put("failing_since", p.failingSince() == null ? null : p.failingSince().toString());
    m.put("alerted", p.alerted());
    m.put("last_alert", p.lastAlert() == null ? null : p.lastAlert().toString());
    m.put("hook_alerted", p.hookAlerted());
    m.put("refused", p.refused());
    m.putAll(sinks.toJson());
    StringBuilder sb = new StringBuilder();
    Json.append(sb, m, null);
    try {
      Outbox.writeAtomically(file.getParent(), file, sb.toString(), groupWrite);
    } catch (IOException e) {
      log.error(String.valueOf(e.getMessage()), "can't save notification state");
    }
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static Instant instant(Object o) {
    return o instanceof String && !((String) o).isEmpty() ? Instant.parse((String) o) : null;
  }
}
