package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Discord webhook: {@code content} plus one embed, mentions disabled, within Discord's limits
 * (content 2,000, embed title 256, description 4,096, field value 1,024, all embed text 6,000);
 * sent with {@code ?wait=true} so that errors are reported (without it Discord answers 204 and
 * drops a bad message silently). A 429 carries {@code retry_after} (seconds, fractional) in its
 * JSON body; 404 code 10015 (unknown webhook) and 401 code 50027 (invalid token) mean the webhook
 * was deleted: Discord asks clients to stop using it, so the sink is disabled.
 */
final class Discord implements Provider {
  static final int CONTENT = 2000;
  static final int EMBED_TOTAL = 6000;
  static final int DESCRIPTION = 4096;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
    Message msg = new Message(e);
    Markup m = Markup.MARKDOWN;
    List<Object> fields = new ArrayList<>();
    int used = 0;
    for (Message.Fact f : msg.facts()) {
      String value = Text.cutEscaped(f.value(), 1024, m::esc);
      fields.add(map("name", f.name(), "value", value, "inline", true));
      used += f.name().length() + value.length();
    }
    String title = Text.cut(msg.title(), 256);
    used += title.length();
    int room = Math.min(DESCRIPTION, EMBED_TOTAL - used - 50);
    String desc =
        Providers.userText(msg, sink, m, room, d.warn()).orElseGet(() -> msg.body(m, room));
    Map<String, Object> embed =
        map(
            "title",
            title,
            "color",
            Integer.parseInt(Providers.color(msg.severity()).substring(1), 16),
            "fields",
            fields,
            "timestamp",
            e.time().toString());
    if (!desc.isEmpty()) {
      embed.put("description", desc);
    }
    String url = !e.compareUrl().isEmpty() ? e.compareUrl() : e.commitUrl();
    if (!url.isEmpty()) {
      embed.put("url", url);
    }
    Map<String, Object> p =
        map(
            "content",
            Text.cutEscaped(msg.title(), CONTENT, m::esc),
            "embeds",
            List.of(embed),
            "allowed_mentions",
            map("parse", List.of()));
    URI u =
        sink.uri().getRawQuery() != null && sink.uri().getRawQuery().contains("wait=")
            ? sink.uri()
            : Providers.withQuery(sink.uri(), "wait=true");
    return Providers.post(
        u, sink, Providers.json(p), Providers.headers("Content-Type", "application/json"));
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    Map<String, Object> body = JsonParser.objectOrEmpty(r.body());
    if (r.status() == 429) {
      Object after = body.get("retry_after");
      Optional<Duration> wait =
          after instanceof Number
              ? Optional.of(Duration.ofMillis((long) (((Number) after).doubleValue() * 1000)))
              : Verdict.retryAfter(r);
      return Verdict.retry(
          "HTTP 429 (rate limited" + (Boolean.TRUE.equals(body.get("global")) ? ", global)" : ")"),
          wait);
    }
    Object code = body.get("code");
    int c = code instanceof Number ? ((Number) code).intValue() : 0;
    if (r.status() == 404 && (c == 10015 || c == 0) || r.status() == 401 && c == 50027) {
      return Verdict.disable(
          "HTTP "
              + r.status()
              + ": "
              + Text.cut(String.valueOf(body.getOrDefault("message", "")), 100)
              + " (the webhook was deleted or its token is wrong)");
    }
    return Verdict.byStatus(r).orElse(Verdict.delivered());
  }
}
