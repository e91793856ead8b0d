package dev.gitsync.notify.delivery;

/**
 * Asked right before each send whether this replica may send a delivery now: replicas that share
 * one notifier ({@code --notify-leader-election}) decide at the last moment, so a leader that lost
 * its lease while a message waited does not send it.
 */
@FunctionalInterface
public interface SendGate {
  /** What to do with the delivery at the head of the queue. */
  enum Decision {
    /** Send it now. */
    SEND,
    /** Keep it, and ask again shortly (who sends is not known yet). */
    HOLD,
    /** Drop it: another replica sends it. */
    DROP,
    /** Drop it: the record this replica took over shows the sink has it already. */
    ANNOUNCED
  }

  /** The decision for {@code d}, now. */
  Decision decide(Delivery d);

  /** Everything is sent. */
  SendGate OPEN = d -> Decision.SEND;
}
