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
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Opsgenie Alert API (docs.opsgenie.com/docs/alert-api): trouble creates an alert ({@code POST
 * /v2/alerts}: message at most 130 characters, {@code alias} = {@link Incident#key} so a repeat
 * updates the open alert, description at most 15,000, source, tags, entity, priority P1–P3); its
 * recovery closes it by alias ({@code POST /v2/alerts/{alias}/close?identifierType=alias}). The API
 * key ({@code Authorization: GenieKey …}) is read from {@code api_key_file} on every send; the EU
 * host ({@code api.eu.opsgenie.com}) works the same. Requests are processed asynchronously: 202 is
 * success; 401, 403 and 404 disable the sink; 422 drops the message; 429 and 5xx are retried.
 * {@code --notify-test} closes a test alias, which checks the key and opens nothing.
 */
final class Opsgenie implements Provider {
  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
    String key =
        BoundedFiles.readString(sink.tokenFile().orElseThrow(), BoundedFiles.SMALL).strip();
    if (key.isEmpty() || !key.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IOException("api_key_file does not hold an Opsgenie API key");
    }
    String base = sink.uri().toString().replaceFirst("[?#].*$", "").replaceFirst("/+$", "");
    String where = e.namespace().isEmpty() ? e.pod() : e.namespace() + "/" + e.pod();
    String source = Text.cut(where.isEmpty() ? "git-sync" : "git-sync " + where, 100);
    List<Map.Entry<String, String>> h =
        Providers.headers("Content-Type", "application/json", "Authorization", "GenieKey " + key);
    if (e.type() == EventType.TEST || e.type().resolves()) {
      String alias = e.type() == EventType.TEST ? "git-sync-test" : Incident.key(e);
      return Providers.post(
          URI.create(base + "/" + alias + "/close?identifierType=alias"),
          sink,
          Providers.json(map("source", source, "note", Text.cut(new Message(e).title(), 1000))),
          h);
    }
    Map<String, Object> p =
        map(
            "message",
            Incident.summary(e, 130),
            "alias",
            Incident.key(e),
            "description",
            Incident.details(e, 15_000),
            "source",
            source,
            "entity",
            Text.cut(e.repo() + " " + e.ref(), 512),
            "tags",
            List.of("git-sync", Text.cut(Incident.trouble(e), 50)),
            "priority",
            e.type() == EventType.HOOK_FAILED
                ? "P3"
                : e.type() == EventType.SYNC_FAILED ? "P2" : "P1",
            "details",
            map("commit", e.hash(), "event", e.type().wire()));
    return Providers.post(URI.create(base), sink, Providers.json(p), h);
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    if (r.status() == 202 || r.status() == 200) {
      return Verdict.delivered();
    }
    String why =
        "Opsgenie HTTP "
            + r.status()
            + ": "
            + Text.cut(
                String.valueOf(JsonParser.objectOrEmpty(r.body()).getOrDefault("message", "")),
                200);
    if (r.status() == 401 || r.status() == 403 || r.status() == 404) {
      return Verdict.disable(why);
    }
    return Verdict.byStatus(r).orElse(Verdict.drop(why));
  }
}
