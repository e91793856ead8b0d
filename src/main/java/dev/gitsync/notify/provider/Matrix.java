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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Matrix client-server API (spec.matrix.org, "PUT
 * /_matrix/client/v3/rooms/{roomId}/send/{eventType} /{txnId}"): an {@code m.room.message} of
 * {@code msgtype} {@code m.text} with a plain {@code body} and an {@code org.matrix.custom.html}
 * {@code formatted_body}. The transaction id is derived from the delivery's idempotency key, so a
 * retried message (a timeout after the server stored it) is the same event and never shown twice.
 * {@code "m.mentions": {}} turns off the legacy body-based mention rules ({@code @room} in a commit
 * subject pings nobody). Errors are {@code {"errcode", "error"}}: {@code M_LIMIT_EXCEEDED} (429)
 * carries {@code retry_after_ms}; {@code M_UNKNOWN_TOKEN}, {@code M_MISSING_TOKEN} and {@code
 * M_FORBIDDEN} (not in the room) disable the sink; the rest drop the message.
 */
final class Matrix implements Provider {
  static final int MAX_TEXT = 16_000;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
    String token =
        BoundedFiles.readString(sink.tokenFile().orElseThrow(), BoundedFiles.SMALL).strip();
    if (token.isEmpty() || !token.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IOException("token_file does not hold a Matrix access token");
    }
    Message msg = new Message(e);
    String html = Providers.text(msg, sink, Markup.HTML, MAX_TEXT, d.warn());
    String plain = Providers.text(msg, sink, Markup.PLAIN, MAX_TEXT, d.warn());
    Map<String, Object> p =
        map(
            "msgtype",
            "m.text",
            "body",
            Markup.noMentions(plain).replace("@room", "@" + Markup.ZWSP + "room"),
            "format",
            "org.matrix.custom.html",
            "formatted_body",
            html.replace("\n", "<br>"),
            "m.mentions",
            map());
    String base = sink.uri().toString().replaceFirst("[?#].*$", "").replaceFirst("/+$", "");
    String txn = "gitsync-" + d.key().replaceAll("[^A-Za-z0-9._~-]", "_");
    URI u =
        URI.create(
            base
                + "/_matrix/client/v3/rooms/"
                + URLEncoder.encode(sink.channel(), StandardCharsets.UTF_8)
                + "/send/m.room.message/"
                + txn);
    return Providers.request(
        "PUT",
        u,
        sink,
        Providers.json(p),
        Providers.headers("Content-Type", "application/json", "Authorization", "Bearer " + token));
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    Map<String, Object> body = JsonParser.objectOrEmpty(r.body());
    if (r.status() == 200 && body.get("event_id") instanceof String) {
      return Verdict.delivered();
    }
    String code = String.valueOf(body.getOrDefault("errcode", ""));
    String why =
        "Matrix HTTP "
            + r.status()
            + " "
            + Text.cut(code, 40)
            + ": "
            + Text.cut(String.valueOf(body.getOrDefault("error", "")), 160);
    if (code.equals("M_LIMIT_EXCEEDED") || r.status() == 429) {
      Object ms = body.get("retry_after_ms");
      return Verdict.retry(
          why,
          ms instanceof Number
              ? Optional.of(Duration.ofMillis(((Number) ms).longValue()))
              : Verdict.retryAfter(r));
    }
    if (code.equals("M_UNKNOWN_TOKEN")
        || code.equals("M_MISSING_TOKEN")
        || code.equals("M_FORBIDDEN")) {
      return Verdict.disable(why);
    }
    if (r.status() == 200) {
      return Verdict.drop("Matrix answered 200 without an event_id");
    }
    return Verdict.byStatus(r).orElse(Verdict.drop(why));
  }
}
