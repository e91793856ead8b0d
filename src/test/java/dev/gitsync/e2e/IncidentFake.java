package dev.gitsync.e2e;

import dev.gitsync.json.JsonParser;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * PagerDuty, Opsgenie and Alertmanager as they are documented to answer, keeping the incidents they
 * would show:
 *
 * <ul>
 *   <li>PagerDuty Events API v2 (developer.pagerduty.com, events-API-v2 "Overview": Response Codes
 *       & Retry Logic; "Send an Alert Event"): {@code POST /v2/enqueue}; 202 {@code
 *       {"status":"success","message":"Event processed","dedup_key":…}}; 400 {@code "invalid
 *       event"} for a bad routing key or event (summary over 1,024, an unknown severity or action);
 *       429 without Retry-After. A trigger on an open dedup key adds to it; one on a resolved key
 *       opens a new incident; a resolve of an unknown key is accepted and does nothing.
 *   <li>Opsgenie Alert API (docs.opsgenie.com/docs/alert-api): {@code Authorization: GenieKey};
 *       create {@code POST /v2/alerts} (message at most 130, alias at most 512) and close {@code
 *       POST /v2/alerts/{alias}/close?identifierType=alias}, both 202 {@code {"result":"Request
 *       will be processed",…}} (processed asynchronously); 401 "Could not authenticate"; 422 for an
 *       invalid body; 429.
 *   <li>Alertmanager API v2 ({@code POST /api/v2/alerts}, a list of postableAlert): 200; 400 when
 *       labels are missing, a time is not RFC 3339 or {@code endsAt} precedes {@code startsAt}. An
 *       alert whose {@code endsAt} passed is resolved.
 * </ul>
 */
final class IncidentFake implements Function<Receiver.Request, Receiver.Answer> {
  enum Kind {
    PAGERDUTY,
    OPSGENIE,
    ALERTMANAGER
  }

  /** One incident as the service shows it. */
  static final class Incident {
    final String key;
    volatile boolean open = true;
    volatile int updates;
    volatile String summary;
    volatile Map<String, Object> labels = Map.of();
    volatile Instant endsAt = Instant.MAX;

    Incident(String key, String summary) {
      this.key = key;
      this.summary = summary;
    }

    boolean firing() {
      return open && endsAt.isAfter(Instant.now());
    }
  }

  final Kind kind;
  final String key;
  final List<Incident> incidents = new CopyOnWriteArrayList<>();
  final Map<String, Incident> byKey = new ConcurrentHashMap<>();
  final List<String> rejections = new CopyOnWriteArrayList<>();
  final List<String> answers = new CopyOnWriteArrayList<>();
  final ConcurrentLinkedDeque<String> faults = new ConcurrentLinkedDeque<>();

  IncidentFake(Kind kind, String key) {
    this.kind = kind;
    this.key = key;
  }

  @Override
  public synchronized Receiver.Answer apply(Receiver.Request r) {
    Receiver.Answer a;
    if ("rate_limited".equals(faults.poll())) {
      a =
          kind == Kind.PAGERDUTY
              ? new Receiver.Answer(
                  429,
                  "{\"status\":\"throttle event\",\"message\":\"Requests for this service are"
                      + " arriving too quickly.  Please retry later.\"}")
              : new Receiver.Answer(429, "{\"message\":\"Too many requests\"}");
    } else {
      a = answer(r);
    }
    answers.add(a.status() + " " + r.path());
    return a;
  }

  private Receiver.Answer answer(Receiver.Request r) {
    Object body;
    try {
      body = JsonParser.parse(r.body());
    } catch (IllegalArgumentException e) {
      return new Receiver.Answer(400, "{\"message\":\"bad json\"}");
    }
    switch (kind) {
      case PAGERDUTY:
        return pagerDuty(castMap(body));
      case OPSGENIE:
        return opsgenie(r, castMap(body));
      default:
        return alertmanager(body);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  private Receiver.Answer pagerDuty(Map<String, Object> p) {
    if (!key.equals(p.get("routing_key"))) {
      return invalid("Invalid routing key");
    }
    String action = String.valueOf(p.get("event_action"));
    String dedup = String.valueOf(p.get("dedup_key"));
    if (dedup.length() > 255) {
      return invalid("dedup_key is too long");
    }
    switch (action) {
      case "trigger":
        Map<String, Object> payload = castMap(p.get("payload"));
        String summary = String.valueOf(payload.get("summary"));
        if (summary.isEmpty() || summary.length() > 1024 || !payload.containsKey("source")) {
          rejections.add("summary (1..1024) and source are required");
          return invalid("'payload.summary' is invalid");
        }
        if (!Set.of("critical", "error", "warning", "info").contains(payload.get("severity"))) {
          rejections.add("severity " + payload.get("severity"));
          return invalid("'payload.severity' is invalid");
        }
        open(dedup, summary);
        break;
      case "resolve":
      case "acknowledge":
        close(dedup);
        break;
      default:
        return invalid("'event_action' is invalid");
    }
    return new Receiver.Answer(
        202,
        "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"" + dedup + "\"}");
  }

  private static Receiver.Answer invalid(String error) {
    return new Receiver.Answer(
        400,
        "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\""
            + error
            + "\"]}");
  }

  private Receiver.Answer opsgenie(Receiver.Request r, Map<String, Object> p) {
    if (!("GenieKey " + key).equals(r.header("Authorization"))) {
      return new Receiver.Answer(
          401, "{\"message\":\"Could not authenticate\",\"took\":0.0,\"requestId\":\"r1\"}");
    }
    String path = r.path();
    if (path.equals("/v2/alerts")) {
      String message = String.valueOf(p.getOrDefault("message", ""));
      String alias = String.valueOf(p.getOrDefault("alias", ""));
      if (message.isEmpty() || message.length() > 130 || alias.length() > 512) {
        rejections.add("message (1..130) / alias (..512)");
        return new Receiver.Answer(
            422,
            "{\"message\":\"Request body is not processable. Please check the errors.\","
                + "\"errors\":{\"message\":\"Message can not be longer than 130 characters\"}}");
      }
      open(alias, message);
    } else if (path.startsWith("/v2/alerts/") && path.endsWith("/close?identifierType=alias")) {
      close(path.substring("/v2/alerts/".length(), path.indexOf("/close")));
    } else {
      return new Receiver.Answer(404, "{\"message\":\"Not found\"}");
    }
    return new Receiver.Answer(
        202, "{\"result\":\"Request will be processed\",\"took\":0.01,\"requestId\":\"r2\"}");
  }

  private Receiver.Answer alertmanager(Object body) {
    if (!(body instanceof List)) {
      return new Receiver.Answer(400, "{\"message\":\"body must be a list of alerts\"}");
    }
    for (Object o : (List<?>) body) {
      Map<String, Object> a = castMap(o);
      Map<String, Object> labels = castMap(a.get("labels"));
      if (labels.isEmpty() || !labels.containsKey("alertname")) {
        rejections.add("labels");
        return new Receiver.Answer(400, "{\"message\":\"labels: at least one label pair\"}");
      }
      Instant starts;
      Instant ends;
      try {
        starts = a.containsKey("startsAt") ? Instant.parse(a.get("startsAt").toString()) : null;
        ends = a.containsKey("endsAt") ? Instant.parse(a.get("endsAt").toString()) : null;
      } catch (java.time.format.DateTimeParseException e) {
        rejections.add("time " + e.getMessage());
        return new Receiver.Answer(400, "{\"message\":\"parsing time\"}");
      }
      if (starts != null && ends != null && ends.isBefore(starts)) {
        rejections.add("endsAt before startsAt");
        return new Receiver.Answer(400, "{\"message\":\"start time must be before end time\"}");
      }
      String fingerprint = new java.util.TreeMap<>(labels).toString();
      Incident i = byKey.get(fingerprint);
      if (i == null || !i.firing()) {
        i = new Incident(fingerprint, String.valueOf(castMap(a.get("annotations")).get("summary")));
        i.labels = labels;
        incidents.add(i);
        byKey.put(fingerprint, i);
      } else {
        i.updates++;
      }
      i.endsAt = ends == null ? Instant.now().plusSeconds(300) : ends;
    }
    return new Receiver.Answer(200, "");
  }

  private void open(String dedup, String summary) {
    Incident i = byKey.get(dedup);
    if (i != null && i.open) {
      i.updates++;
      i.summary = summary;
      return;
    }
    i = new Incident(dedup, summary);
    incidents.add(i);
    byKey.put(dedup, i);
  }

  private void close(String dedup) {
    Incident i = byKey.get(dedup);
    if (i != null) {
      i.open = false;
    }
  }
}
