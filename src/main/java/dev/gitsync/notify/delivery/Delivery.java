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
 * @param chain an announcement's number in the replicas' chain ({@code Coordination}), or 0
 */
public record Delivery(
    long seq, String sinkId, NotifyEvent event, int attempts, Instant notBefore, long chain) {
  /** A delivery outside any chain. */
  public Delivery(long seq, String sinkId, NotifyEvent event, int attempts, Instant notBefore) {
    this(seq, sinkId, event, attempts, notBefore, 0);
  }

  /** The idempotency key: the event id and the sink, stable across retries and restarts. */
  public String key() {
    return event.id() + "-" + sinkId;
  }

  /** A copy after one more failed attempt. */
  public Delivery retried(Instant next) {
    return new Delivery(seq, sinkId, event, attempts + 1, next, chain);
  }

  /** A copy held until {@code next} without counting an attempt. */
  public Delivery held(Instant next) {
    return new Delivery(seq, sinkId, event, attempts, next, chain);
  }
}
