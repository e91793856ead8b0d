package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Google Chat space webhook: {@code text} in Google Chat's own format (no entity escaping: see
 * {@link Markup#GCHAT}) plus a {@code cardsV2} card with the facts (card text is HTML, so it is
 * HTML-escaped) and a link button, within the 32,000-byte message limit. Successes about one repo
 * and ref share a thread ({@code thread.threadKey} with {@code
 * REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD}); alerts are posted as new messages so they are seen in the
 * space, not only by the thread's followers. Errors come as JSON {@code
 * {"error":{"code","message","status"}}}: 429 {@code RESOURCE_EXHAUSTED} is retried, 400 {@code
 * INVALID_ARGUMENT} dropped, 401/403/404 (the webhook or space is gone) disable the sink.
 */
final class GoogleChat implements Provider {
  static final int TEXT = 4000;
  static final int MAX_BYTES = 32_000;

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
    Message msg = new Message(e);
    Markup m = Markup.GCHAT;
    String text =
        Providers.userText(msg, sink, m, TEXT, d.warn())
            .orElseGet(
                () -> {
                  String title = m.bold(m.esc(msg.title()));
                  String context = msg.context(m);
                  return title
                      + "\n"
                      + msg.body(m, TEXT - title.length() - context.length() - 2)
                      + "\n"
                      + context;
                });
    List<Object> widgets = new ArrayList<>();
    for (Message.Fact f : msg.facts()) {
      widgets.add(map("decoratedText", map("topLabel", f.name(), "text", htmlEscape(f.value()))));
    }
    if (!e.compareUrl().isEmpty() || !e.commitUrl().isEmpty()) {
      String url = e.compareUrl().isEmpty() ? e.commitUrl() : e.compareUrl();
      widgets.add(
          map(
              "buttonList",
              map(
                  "buttons",
                  List.of(
                      map(
                          "text",
                          e.compareUrl().isEmpty() ? "Commit" : "Compare",
                          "onClick",
                          map("openLink", map("url", url)))))));
    }
    Map<String, Object> card =
        map(
            "cardId",
            "git-sync-" + e.type().shortName(),
            "card",
            map(
                "header",
                map(
                    "title",
                    Text.cut(msg.title(), 200),
                    "subtitle",
                    Text.cut(e.repoName() + " " + e.ref(), 200)),
                "sections",
                List.of(map("widgets", widgets))));
    Map<String, Object> p = map("text", text, "cardsV2", List.of(card));
    URI u = sink.uri();
    if (!msg.isAlert()) {
      p.put("thread", map("threadKey", threadKey(e)));
      u = Providers.withQuery(u, "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
    }
    byte[] body = Providers.json(p);
    if (body.length > MAX_BYTES) {
      p.put("text", Text.cutMarkup(text, TEXT / 4));
      body = Providers.json(p);
    }
    return Providers.post(
        u, sink, body, Providers.headers("Content-Type", "application/json; charset=UTF-8"));
  }

  static String threadKey(NotifyEvent e) {
    return "git-sync-" + Integer.toHexString((e.repo() + "#" + e.ref()).hashCode());
  }

  static String htmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    int s = r.status();
    if (s == 401 || s == 403 || s == 404) {
      Object err = JsonParser.objectOrEmpty(r.body()).get("error");
      String status =
          err instanceof Map ? String.valueOf(((Map<?, ?>) err).get("status")) : "HTTP " + s;
      return Verdict.disable(status + ": the webhook or the space is gone");
    }
    return Verdict.byStatus(r).orElse(Verdict.delivered());
  }
}
