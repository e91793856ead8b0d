package dev.gitsync.notify.provider;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * One service's strategy: it only <em>renders</em> an event into a request and <em>judges</em> the
 * answer. Sending, retrying, pacing and durability belong to the dispatcher.
 */
public interface Provider {
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
   * How often a delivered event that opened an incident is sent again while it stays open, for
   * services that forget what is not refreshed (Alertmanager); empty for the others.
   */
  default java.util.Optional<java.time.Duration> refreshWhileFiring(Sink sink) {
    return java.util.Optional.empty();
  }

  /**
   * What a provider may know about the delivery beyond the event.
   *
   * @param key the idempotency key (stable across retries and restarts)
   * @param threadId the thread to reply in (Slack bot), or empty
   * @param warn where to report a problem with the sink's configuration (e.g. a template that
   *     renders empty); the caller logs each distinct warning once
   * @param appToken the GitHub App's installation token, when {@code --github-app-*} is given
   */
  record DeliveryInfo(String key, String threadId, Consumer<String> warn, AppToken appToken) {
    /** Info without a thread, whose warnings go nowhere. */
    public DeliveryInfo(String key) {
      this(key, "", w -> {}, AppToken.NONE);
    }

    /** Info without an App token. */
    public DeliveryInfo(String key, String threadId, Consumer<String> warn) {
      this(key, threadId, warn, AppToken.NONE);
    }
  }

  /** Where a GitHub App installation token comes from (requested again when it expires). */
  @FunctionalInterface
  interface AppToken {
    /** No App configured. */
    AppToken NONE = java.util.Optional::empty;

    /** The current token, or empty without {@code --github-app-*}. */
    java.util.Optional<String> get() throws IOException, InterruptedException;
  }
}
