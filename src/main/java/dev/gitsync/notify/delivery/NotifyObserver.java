package dev.gitsync.notify.delivery;

/** Told about deliveries (the metrics seam). */
public interface NotifyObserver {
  /** Nothing observed. */
  NotifyObserver NONE = (sink, event, status, reason) -> {};

  /**
   * A delivery attempt ended.
   *
   * @param sink the sink's name (kind and id; not secret)
   * @param event the event's wire name
   * @param status sent, retried, failed or dropped
   * @param reason for drops: why (rejected, expired, disabled, sink_removed), else empty
   */
  void delivery(String sink, String event, String status, String reason);
}
