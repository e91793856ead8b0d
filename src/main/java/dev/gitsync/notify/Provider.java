package dev.gitsync.notify;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import java.io.IOException;

/**
 * One service's strategy: it only <em>renders</em> an event into a request and <em>judges</em> the
 * answer. Sending, retrying, pacing and durability belong to the dispatcher.
 */
interface Provider {
  /**
   * Builds the request for {@code event}.
   *
   * @param delivery the delivery's idempotency key and the sink's thread state
   * @throws IOException when a secret file (token, signing secret) cannot be read
   */
  OutboundRequest render(NotifyEvent event, Sink sink, DeliveryInfo delivery) throws IOException;

  /** Judges the service's answer. */
  Verdict judge(InboundResponse response, Sink sink);

  /**
   * What a provider may know about the delivery beyond the event.
   *
   * @param key the idempotency key (stable across retries and restarts)
   * @param threadId the thread to reply in (Slack bot), or empty
   */
  record DeliveryInfo(String key, String threadId) {}
}
