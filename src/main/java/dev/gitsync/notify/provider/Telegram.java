package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Telegram Bot API {@code sendMessage} (core.telegram.org/bots/api#sendmessage): {@code POST
 * {base}/bot{token}/sendMessage} with {@code chat_id}, {@code parse_mode} HTML (only {@code <>&}
 * need escaping) and at most 4,096 characters. The token is read from {@code token_file} on every
 * send, checked to look like one ({@code digits:letters}, so it can never break the URL or land in
 * an exception message), and never logged: it is in the request path. Answers are {@code
 * {"ok":true}} or {@code {"ok":false,"error_code","description"}}: 429 carries {@code
 * parameters.retry_after} (seconds); 401 (token revoked), 403 (the bot was blocked or removed from
 * the chat) and 400 "chat not found" disable the sink; other 400s drop the message.
 */
final class Telegram implements Provider {
  static final int MAX_TEXT = 4096;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
    String token = token(sink);
    Message msg = new Message(e);
    String text = Providers.text(msg, sink, Markup.HTML, MAX_TEXT, d.warn());
    Map<String, Object> p =
        map(
            "chat_id",
            sink.channel(),
            "text",
            text,
            "parse_mode",
            "HTML",
            "link_preview_options",
            map("is_disabled", true));
    String base = sink.uri().toString().replaceFirst("[?#].*$", "").replaceFirst("/+$", "");
    return Providers.post(
        URI.create(base + "/bot" + token + "/sendMessage"),
        sink,
        Providers.json(p),
        Providers.headers("Content-Type", "application/json"));
  }

  static String token(Sink sink) throws IOException {
    String t = BoundedFiles.readString(sink.tokenFile().orElseThrow(), BoundedFiles.SMALL).strip();
    int colon = t.indexOf(':');
    boolean shaped =
        colon > 0
            && t.substring(0, colon).chars().allMatch(Character::isDigit)
            && colon < t.length() - 1
            && t.substring(colon + 1)
                .chars()
                .allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-'));
    if (!shaped) {
      throw new IOException("token_file does not hold a Telegram bot token (digits:letters)");
    }
    return t;
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    Map<String, Object> body = JsonParser.objectOrEmpty(r.body());
    if (r.status() == 200 && Boolean.TRUE.equals(body.get("ok"))) {
      return Verdict.delivered();
    }
    String description = Text.cut(String.valueOf(body.getOrDefault("description", "")), 160);
    String why = "Telegram HTTP " + r.status() + ": " + description;
    if (r.status() == 429) {
      Object params = body.get("parameters");
      Object after = params instanceof Map ? ((Map<?, ?>) params).get("retry_after") : null;
      return Verdict.retry(
          why,
          after instanceof Number
              ? Optional.of(Duration.ofSeconds(((Number) after).longValue()))
              : Verdict.retryAfter(r));
    }
    if (r.status() == 401
        || r.status() == 403
        || r.status() == 404
        || r.status() == 400 && description.contains("chat not found")) {
      return Verdict.disable(why);
    }
    return Verdict.byStatus(r).orElse(Verdict.drop(why));
  }
}
