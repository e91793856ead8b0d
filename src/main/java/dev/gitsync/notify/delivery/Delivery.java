package dev.gitsync.notify.delivery;

import dev.gitsync.notify.event.NotifyEvent;
import java.time.Instant;

/**
 * One event on its way to one sink: an outbox entry.
 *
 * @param seq the outbox sequence number (orders deliveries per sink)
 * @param sinkId the sink's id
 * @param event the event
 * @param attempts how many sends were tried
 * @param notBefore when the next attempt may happen
 */
public record Delivery(
    long seq, String sinkId, NotifyEvent event, int attempts, Instant notBefore) {
  /** The idempotency key: the event id and the sink, stable across retries and restarts. */
  public String key() {
    return event.id() + "-" + sinkId;
  }

  /** A copy after one more failed attempt. */
  public Delivery retried(Instant next) {
    return new Delivery(seq, sinkId, event, attempts + 1, next);
  }
}
