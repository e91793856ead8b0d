package dev.gitsync.notify;

import dev.gitsync.json.JsonParser;
import dev.gitsync.log.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
  String announced = "";
  boolean failing;
  int failures;
  Instant failingSince;
  boolean alerted;
  Instant lastAlert;
  final Map<String, String> threads = new LinkedHashMap<>();
  final List<String> disabled = new ArrayList<>();
  final Map<String, String> hookAlerted = new LinkedHashMap<>();

  private NotifyState(Path file) {
    this.file = file;
  }

  @SuppressWarnings("unchecked")
  static NotifyState load(Path dir) throws IOException {
    NotifyState s = new NotifyState(dir.resolve("state.json"));
    if (!Files.exists(s.file)) {
      return s;
    }
    Map<String, Object> m = JsonParser.objectOrEmpty(Files.readString(s.file));
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
    Outbox.writeAtomically(file.getParent(), file, sb.toString());
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static Instant instant(Object o) {
    return o instanceof String && !((String) o).isEmpty() ? Instant.parse((String) o) : null;
  }
}
