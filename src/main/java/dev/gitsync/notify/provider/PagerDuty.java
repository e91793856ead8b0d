package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"): {@code POST
 * https://events.pagerduty.com/v2/enqueue} with the integration's {@code routing_key} (read from
 * {@code routing_key_file} on every send). Trouble is a {@code trigger} with {@link Incident#key}
 * as {@code dedup_key}, a {@code payload} (summary at most 1,024 characters, source, severity,
 * component, group, class, custom_details) and a link to the commit; its recovery a {@code resolve}
 * with the same key. 202 is success; 400 is an event PagerDuty refuses (dropped), or a routing key
 * it does not know (the sink is disabled); 429 and 5xx are retried. {@code --notify-test} resolves
 * a test key, which checks the routing key and opens nothing.
 */
final class PagerDuty implements Provider {
  static final int MAX_SUMMARY = 1024;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
    String key =
        BoundedFiles.readString(sink.tokenFile().orElseThrow(), BoundedFiles.SMALL).strip();
    if (key.isEmpty()) {
      throw new IOException("routing_key_file is empty");
    }
    Map<String, Object> p;
    if (e.type() == EventType.TEST) {
      p = map("routing_key", key, "event_action", "resolve", "dedup_key", "git-sync-test");
    } else if (e.type().resolves()) {
      p = map("routing_key", key, "event_action", "resolve", "dedup_key", Incident.key(e));
    } else {
      String where = e.namespace().isEmpty() ? e.pod() : e.namespace() + "/" + e.pod();
      p =
          map(
              "routing_key",
              key,
              "event_action",
              "trigger",
              "dedup_key",
              Incident.key(e),
              "client",
              "git-sync",
              "payload",
              map(
                  "summary",
                  Incident.summary(e, MAX_SUMMARY),
                  "source",
                  Text.cut(where.isEmpty() ? "git-sync" : where, 255),
                  "severity",
                  Incident.severity(e),
                  "timestamp",
                  e.time().toString(),
                  "component",
                  Text.cut(e.repo(), 255),
                  "group",
                  Text.cut(e.ref(), 255),
                  "class",
                  e.type().wire(),
                  "custom_details",
                  map("details", Incident.details(e, 8000))));
      if (!e.commitUrl().isEmpty()) {
        p.put("links", List.of(map("href", e.commitUrl(), "text", "Commit " + e.shortHash())));
      }
    }
    return Providers.post(
        sink.uri(), sink, Providers.json(p), Providers.headers("Content-Type", "application/json"));
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    if (r.status() == 202 || r.status() == 200) {
      return Verdict.delivered();
    }
    Map<String, Object> body = JsonParser.objectOrEmpty(r.body());
    String why =
        "PagerDuty HTTP "
            + r.status()
            + ": "
            + Text.cut(String.valueOf(body.getOrDefault("message", "")), 100)
            + " "
            + Text.cut(String.valueOf(body.getOrDefault("errors", "")), 200);
    if (r.status() == 400 && why.toLowerCase(java.util.Locale.ROOT).contains("routing")) {
      return Verdict.disable(why);
    }
    if (r.status() == 401 || r.status() == 403 || r.status() == 404) {
      return Verdict.disable(why);
    }
    return Verdict.byStatus(r).orElse(Verdict.drop(why));
  }
}
