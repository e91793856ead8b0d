package dev.gitsync.notify.provider;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A service's provider, judging first what none of the services answers a delivery with: a 2xx HTML
 * page. That is a sign-in or captive-portal proxy in front of the service (an enterprise egress
 * proxy, an identity-aware proxy, Azure DevOps' sign-in page), or the URL of a web page rather than
 * of the API; counting it as delivered would lose the message without a word, and sending it again
 * changes nothing, so the sink is disabled with that reason (it is probed again later, as any
 * disabled sink). Every kind but the generic webhook, whose receiver is the user's own and may
 * answer with any page, is judged through this.
 */
final class PagesAreNoAnswer implements Provider {
  private final Provider service;
  private final String name;

  PagesAreNoAnswer(Provider service, String name) {
    this.service = service;
    this.name = name;
  }

  @Override
  public OutboundRequest render(NotifyEvent event, Sink sink, DeliveryInfo delivery)
      throws IOException {
    return service.render(event, sink, delivery);
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    if (r.status() >= 200 && r.status() < 300 && isPage(r)) {
      return Verdict.disable(
          name
              + " HTTP "
              + r.status()
              + " with an HTML page instead of its API's answer: a sign-in proxy stands in front"
              + " of it, the token was not accepted, or the URL is a web page's");
    }
    return service.judge(r, sink);
  }

  @Override
  public Optional<Duration> refreshWhileFiring(Sink sink) {
    return service.refreshWhileFiring(sink);
  }

  /** {@code Content-Type: text/html}, or no type and a body that opens an HTML document. */
  static boolean isPage(InboundResponse r) {
    List<String> type = r.headers().get("content-type");
    if (type != null && !type.isEmpty()) {
      return type.get(0).trim().toLowerCase(Locale.ROOT).startsWith("text/html");
    }
    String b = r.body().stripLeading();
    String head = b.substring(0, Math.min(b.length(), 15)).toLowerCase(Locale.ROOT);
    return head.startsWith("<!doctype html") || head.startsWith("<html");
  }
}
