package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Slack incoming webhook: Block Kit (header, section, context) with a {@code text} fallback, every
 * text field escaped ({@code & < >}, as Slack requires), within Block Kit's limits (header 150,
 * section and context text 3,000 characters); success is 200 with the body {@code ok}. Slack's
 * documented errors: 400 {@code invalid_payload} (drop), 403 {@code action_prohibited} and 404
 * {@code no_service}/{@code channel_not_found}, 410 {@code channel_is_archived} (the hook is
 * unusable: disable), 429 with {@code Retry-After} and 500 {@code rollup_error} (retry).
 */
final class SlackWebhook implements Provider {
  static final int HEADER = 150;
  static final int SECTION = 3000;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
    return Providers.post(
        sink.uri(),
        sink,
        Providers.json(payload(e, sink, d.warn())),
        Providers.headers("Content-Type", "application/json"));
  }

  static Map<String, Object> payload(NotifyEvent e, Sink sink, Consumer<String> warn) {
    Message msg = new Message(e);
    Markup m = Markup.SLACK;
    String fallback = Text.cutEscaped(msg.title(), SECTION, m::esc);
    List<Object> blocks = new ArrayList<>();
    Optional<String> user = Providers.userText(msg, sink, m, SECTION, warn);
    if (user.isPresent()) {
      blocks.add(section(user.get()));
    } else {
      blocks.add(
          map(
              "type",
              "header",
              "text",
              map(
                  "type",
                  "plain_text",
                  "text",
                  Text.cutEscaped(msg.title(), HEADER, m::esc),
                  "emoji",
                  true)));
      String body = msg.body(m, SECTION);
      if (!body.isEmpty()) {
        blocks.add(section(body));
      }
      blocks.add(
          map(
              "type",
              "context",
              "elements",
              List.of(map("type", "mrkdwn", "text", msg.context(m)))));
    }
    return map("text", fallback, "blocks", blocks);
  }

  private static Map<String, Object> section(String mrkdwn) {
    return map("type", "section", "text", map("type", "mrkdwn", "text", mrkdwn));
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    String body = r.body().strip();
    if (r.status() == 403 || r.status() == 404) {
      return Verdict.disable("HTTP " + r.status() + ": " + Text.cut(body, 100));
    }
    Optional<Verdict> v = Verdict.byStatus(r);
    if (v.isPresent()) {
      return v.get();
    }
    return body.equals("ok")
        ? Verdict.delivered()
        : Verdict.drop("unexpected answer: " + Text.cut(body, 100));
  }
}
