package dev.gitsync.notify;

import dev.gitsync.http.InboundResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * A provider's judgement of one answer.
 *
 * @param outcome what to do with the delivery
 * @param retryAfter how long the service asked us to wait, if it did
 * @param reason a short reason for logs (never secret)
 * @param threadId a thread id the service returned (Slack bot's {@code ts}), or empty
 */
public record Verdict(
    Outcome outcome, Optional<Duration> retryAfter, String reason, String threadId) {
  /** What to do with a delivery. */
  public enum Outcome {
    /** Confirmed: remove it from the outbox. */
    DELIVERED,
    /** Transient failure: try again later. */
    RETRY,
    /** Permanent failure of this message: drop it. */
    DROP,
    /** The sink is gone (410): drop everything for it and stop sending. */
    DISABLE
  }

  static Verdict delivered() {
    return new Verdict(Outcome.DELIVERED, Optional.empty(), "", "");
  }

  static Verdict retry(String reason, Optional<Duration> after) {
    return new Verdict(Outcome.RETRY, after, reason, "");
  }

  static Verdict drop(String reason) {
    return new Verdict(Outcome.DROP, Optional.empty(), reason, "");
  }

  /**
   * The status-code rules every service shares: 2xx is for the provider to confirm (empty here);
   * 408, 429 and 5xx other than 501 are retried (honouring Retry-After); 410 disables the sink; any
   * other status drops the message.
   */
  static Optional<Verdict> byStatus(InboundResponse r) {
    int s = r.status();
    if (s >= 200 && s < 300) {
      return Optional.empty();
    }
    String why =
        "HTTP " + s + (r.body().isBlank() ? "" : ": " + Message.truncate(r.body().strip(), 200));
    if (s == 408 || s == 429 || s >= 500 && s != 501) {
      return Optional.of(retry(why, retryAfter(r)));
    }
    if (s == 410) {
      return Optional.of(new Verdict(Outcome.DISABLE, Optional.empty(), why, ""));
    }
    return Optional.of(drop(why));
  }

  /** Parses {@code Retry-After}: delta seconds (possibly fractional) or an HTTP date. */
  static Optional<Duration> retryAfter(InboundResponse r) {
    List<String> h = r.headers().get("retry-after");
    if (h == null || h.isEmpty()) {
      return Optional.empty();
    }
    String v = h.get(0).trim();
    try {
      double secs = Double.parseDouble(v);
      return Optional.of(Duration.ofMillis((long) Math.max(0, secs * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(when.getZone()), when);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }
}
