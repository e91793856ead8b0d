package dev.gitsync.notify;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.json.JsonParser;
import dev.gitsync.log.Json;
import dev.gitsync.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the notifier remembers across restarts, in {@code state.json} beside the outbox: the last
 * commit announced (so a success is announced once per commit), the failure state (so a restart in
 * the middle of an outage neither re-alerts nor forgets to send the recovery), Slack thread ids,
 * and sinks disabled by a 410.
 */
final class NotifyState {
  private final Path file;
  private final boolean groupWrite;
  String announced = "";
  boolean failing;
  int failures;
  Instant failingSince;
  boolean alerted;
  Instant lastAlert;
  final Map<String, String> threads = new LinkedHashMap<>();
  final List<String> disabled = new ArrayList<>();
  final Map<String, String> hookAlerted = new LinkedHashMap<>();

  private NotifyState(Path file, boolean groupWrite) {
    this.file = file;
    this.groupWrite = groupWrite;
  }

  /**
   * Loads the state. A file that cannot be understood (not UTF-8, not JSON, nested or sized beyond
   * the parser's limits, a field of the wrong type) is renamed to {@code state.json.corrupt-<time>}
   * and logged once, and the notifier starts afresh: at worst one commit is announced again.
   */
  static NotifyState load(Path dir, boolean groupWrite, Log log) throws IOException {
    Path file = dir.resolve("state.json");
    if (!Files.exists(file)) {
      return new NotifyState(file, groupWrite);
    }
    try {
      return parse(file, groupWrite);
    } catch (IOException | RuntimeException e) {
      Path aside = file.resolveSibling("state.json.corrupt-" + System.currentTimeMillis());
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      log.error(
          String.valueOf(e.getMessage()),
          "unreadable notification state set aside; starting afresh",
          "file",
          aside.toString());
      return new NotifyState(file, groupWrite);
    }
  }

  @SuppressWarnings("unchecked")
  private static NotifyState parse(Path file, boolean groupWrite) throws IOException {
    NotifyState s = new NotifyState(file, groupWrite);
    Object parsed = JsonParser.parse(BoundedFiles.readString(file, BoundedFiles.SMALL));
    if (!(parsed instanceof Map)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<String, Object> m = (Map<String, Object>) parsed;
    s.announced = str(m.get("announced"));
    s.failing = Boolean.TRUE.equals(m.get("failing"));
    s.failures = m.get("failures") instanceof Number ? ((Number) m.get("failures")).intValue() : 0;
    s.failingSince = instant(m.get("failing_since"));
    s.alerted = Boolean.TRUE.equals(m.get("alerted"));
    s.lastAlert = instant(m.get("last_alert"));
    if (m.get("threads") instanceof Map) {
      ((Map<String, Object>) m.get("threads")).forEach((k, v) -> s.threads.put(k, str(v)));
    }
    if (m.get("disabled") instanceof List) {
      ((List<Object>) m.get("disabled")).forEach(v -> s.disabled.add(str(v)));
    }
    if (m.get("hook_alerted") instanceof Map) {
      ((Map<String, Object>) m.get("hook_alerted")).forEach((k, v) -> s.hookAlerted.put(k, str(v)));
    }
    return s;
  }

  synchronized void save() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("announced", announced);
    m.put("failing", failing);
    m.put("failures", failures);
    m.put("failing_since", failingSince == null ? null : failingSince.toString());
    m.put("alerted", alerted);
    m.put("last_alert", lastAlert == null ? null : lastAlert.toString());
    m.put("threads", new LinkedHashMap<>(threads));
    m.put("disabled", new ArrayList<>(disabled));
    m.put("hook_alerted", new LinkedHashMap<>(hookAlerted));
    StringBuilder sb = new StringBuilder();
    Json.append(sb, m, null);
    Outbox.writeAtomically(file.getParent(), file, sb.toString(), groupWrite);
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static Instant instant(Object o) {
    return o instanceof String && !((String) o).isEmpty() ? Instant.parse((String) o) : null;
  }
}
