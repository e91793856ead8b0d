package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mattermost and Rocket.Chat incoming webhooks: a Slack-compatible attachment whose text is
 * Markdown. Untrusted text is escaped and {@code @channel}, {@code @here}, {@code @all} are broken
 * up, since both services notify everyone for them. Mattermost answers 200 {@code ok}, Rocket.Chat
 * 200 {@code {"success":true}}; a 404 means the hook was deleted (disable).
 */
final class SlackCompatible implements Provider {
  static final int TEXT = 4000;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
    Message msg = new Message(e);
    Markup m = Markup.SLACK_COMPATIBLE;
    List<Object> fields = new ArrayList<>();
    for (Message.Fact f : msg.facts()) {
      fields.add(map("title", f.name(), "value", m.esc(f.value()), "short", true));
    }
    String body =
        Providers.userText(msg, sink, m, TEXT, d.warn()).orElseGet(() -> msg.body(m, TEXT));
    String title = Markup.noMentions(msg.title());
    Map<String, Object> attachment =
        map(
            "fallback",
            Text.cut(title, 300),
            "color",
            Providers.color(msg.severity()),
            "title",
            Text.cut(title, 250),
            "text",
            body,
            "fields",
            fields);
    return Providers.post(
        sink.uri(),
        sink,
        Providers.json(map("text", Text.cut(title, TEXT), "attachments", List.of(attachment))),
        Providers.headers("Content-Type", "application/json"));
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    if (r.status() == 404) {
      return Verdict.disable("HTTP 404: the incoming webhook does not exist");
    }
    Optional<Verdict> v = Verdict.byStatus(r);
    if (v.isPresent()) {
      return v.get();
    }
    Object success = JsonParser.objectOrEmpty(r.body()).get("success");
    return Boolean.FALSE.equals(success)
        ? Verdict.drop("answered success:false: " + Text.cut(r.body().strip(), 200))
        : Verdict.delivered();
  }
}
