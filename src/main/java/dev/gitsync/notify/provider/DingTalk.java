package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * DingTalk custom robot ({@code oapi.dingtalk.com/robot/send?access_token=…}): a {@code markdown}
 * message. With {@code secret_file} (the robot's 加签 secret), {@code timestamp} (ms) and {@code
 * sign} = URL-encoded base64(HMAC-SHA256(secret, timestamp + "\n" + secret)) go in the query.
 * Success is HTTP 200 and {@code errcode} 0; 310000 (signature, keyword or IP refused) and 300001 /
 * 400101 / 400102 (no such robot, robot stopped) disable the sink with the reason; 130101 ("send
 * too fast": 20 a minute, then blocked for 10 minutes) backs off for those 10 minutes. Mentions
 * need {@code at.atMobiles}, which is never sent; {@link Markup#LITE_MARKDOWN} breaks the rest.
 */
final class DingTalk implements Provider {
  static final int MAX_TEXT = 5000;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
    Message msg = new Message(e);
    Markup m = Markup.LITE_MARKDOWN;
    String text = ChatCodes.markdown(msg, sink, m, MAX_TEXT, d);
    Map<String, Object> p =
        map(
            "msgtype",
            "markdown",
            "markdown",
            map("title", Text.cut(msg.title(), 100), "text", text),
            "at",
            map("isAtAll", false));
    URI u = sink.uri();
    Optional<String> secret = ChatCodes.secret(sink);
    if (secret.isPresent()) {
      long ts = Instant.now().toEpochMilli();
      String sign = ChatCodes.hmac(secret.get(), ts + "\n" + secret.get());
      u =
          Providers.withQuery(
              u, "timestamp=" + ts + "&sign=" + URLEncoder.encode(sign, StandardCharsets.UTF_8));
    }
    return Providers.post(
        u,
        sink,
        Providers.json(p),
        Providers.headers("Content-Type", "application/json; charset=utf-8"));
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    return ChatCodes.judge(
        r,
        "DingTalk",
        "errcode",
        Set.of(310000, 300001, 400101, 400102),
        Map.of(130101, Duration.ofMinutes(10)));
  }
}
