package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.util.Map;

/**
 * Webex Messages API ({@code POST https://webexapis.com/v1/messages}, developer.webex.com): {@code
 * roomId} and {@code markdown} (at most 7,439 bytes) with a bearer token read from {@code
 * token_file} on every send. 200 is success; 429 carries {@code Retry-After}; 401 (token) and 404
 * (no such room, or the bot is not in it) disable the sink; other errors follow the shared status
 * rules. Webex mentions are {@code <@all>} and {@code <@personEmail:…>}: {@link Markup#MARKDOWN}
 * escapes {@code <}.
 */
final class Webex implements Provider {
  static final int MAX_BYTES = 7439;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
    String token =
        BoundedFiles.readString(sink.tokenFile().orElseThrow(), BoundedFiles.SMALL).strip();
    if (token.isEmpty() || !token.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IOException("token_file does not hold a Webex access token");
    }
    Message msg = new Message(e);
    String text = Providers.text(msg, sink, Markup.MARKDOWN, MAX_BYTES, d.warn());
    Map<String, Object> p =
        map("roomId", sink.channel(), "markdown", ChatCodes.bytes(text, MAX_BYTES));
    return Providers.post(
        sink.uri(),
        sink,
        Providers.json(p),
        Providers.headers("Content-Type", "application/json", "Authorization", "Bearer " + token));
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    if (r.status() == 401 || r.status() == 404) {
      return Verdict.disable(
          "Webex HTTP " + r.status() + ": the token or the room is wrong, or the bot left it");
    }
    return Verdict.byStatus(r).orElse(Verdict.delivered());
  }
}
