package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * WeCom (企业微信) group robot ({@code qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…}): a {@code
 * markdown} message whose content is at most 4,096 bytes of UTF-8 (cut at a safe place, so Chinese
 * text, three bytes a character, is never split). Success is {@code errcode} 0; 93000 (invalid
 * webhook URL: the robot was removed) disables the sink; 45009 (more than 20 a minute) backs off a
 * minute; others drop the message. {@link Markup#LITE_MARKDOWN} breaks {@code <@userid>} mentions.
 */
final class WeCom implements Provider {
  static final int MAX_BYTES = 4096;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
    Message msg = new Message(e);
    String text = ChatCodes.markdown(msg, sink, Markup.LITE_MARKDOWN, MAX_BYTES, d);
    Map<String, Object> p =
        map("msgtype", "markdown", "markdown", map("content", ChatCodes.bytes(text, MAX_BYTES)));
    return Providers.post(
        sink.uri(),
        sink,
        Providers.json(p),
        Providers.headers("Content-Type", "application/json; charset=utf-8"));
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    return ChatCodes.judge(
        r, "WeCom", "errcode", Set.of(93000), Map.of(45009, Duration.ofSeconds(60)));
  }
}
