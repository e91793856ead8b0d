package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Feishu and Lark custom bots ({@code open.feishu.cn} / {@code open.larksuite.com}, {@code
 * /open-apis/bot/v2/hook/ID}): a rich-text {@code post} whose elements are plain {@code text} and
 * {@code a} links, so nothing a commit says is parsed as markup or can mention anyone (mentions are
 * {@code at} elements, never sent). With {@code secret_file}, {@code timestamp} (seconds) and
 * {@code sign} = base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = empty)) go in the
 * body. Success is {@code code} 0 (older deployments answer {@code StatusCode} 0); 19021 (signature
 * or a timestamp over an hour old), 19024 (keyword), 19022 (IP) and 19001 (no such webhook) disable
 * the sink; 11232 (rate limited: 100 a minute, 5 a second) backs off; 9499 and the rest drop the
 * message. A request is at most 20 KB.
 */
final class Feishu implements Provider {
  static final int MAX_BODY = 20 * 1024;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
    Message msg = new Message(e);
    Map<String, Object> p = new java.util.LinkedHashMap<>();
    Optional<String> secret = ChatCodes.secret(sink);
    if (secret.isPresent()) {
      long ts = Instant.now().getEpochSecond();
      p.put("timestamp", Long.toString(ts));
      p.put("sign", ChatCodes.hmac(ts + "\n" + secret.get(), ""));
    }
    int room = 12_000;
    while (true) {
      int max = room;
      String text =
          Providers.userText(msg, sink, Markup.PLAIN, max, d.warn())
              .orElseGet(() -> msg.body(Markup.PLAIN, max));
      List<List<Object>> lines = new ArrayList<>();
      for (String line : text.split("\n")) {
        lines.add(List.of(map("tag", "text", "text", line)));
      }
      String link = !e.compareUrl().isEmpty() ? e.compareUrl() : e.commitUrl();
      if (!link.isEmpty()) {
        lines.add(List.of(map("tag", "a", "text", "Open", "href", link)));
      }
      p.put("msg_type", "post");
      p.put(
          "content",
          map("post", map("zh_cn", map("title", Text.cut(msg.title(), 200), "content", lines))));
      byte[] body = Providers.json(p);
      if (body.length <= MAX_BODY || room < 500) {
        return Providers.post(
            sink.uri(),
            sink,
            body,
            Providers.headers("Content-Type", "application/json; charset=utf-8"));
      }
      room /= 2;
    }
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    return ChatCodes.judge(
        r,
        "Feishu",
        "code",
        Set.of(19021, 19022, 19024, 19001),
        Map.of(11232, Duration.ofSeconds(60)));
  }
}
