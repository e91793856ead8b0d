package dev.gitsync.notify.provider;

import dev.gitsync.http.InboundResponse;
import java.net.URI;
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
 * @param clearThread the saved thread is gone: forget it and send again as a new parent
 */
public record Verdict(
    Outcome outcome,
    Optional<Duration> retryAfter,
    String reason,
    String threadId,
    boolean clearThread) {
  /** What to do with a delivery. */
  public enum Outcome {
    /** Confirmed: remove it from the outbox. */
    DELIVERED,
    /** Transient failure: try again later. */
    RETRY,
    /** Permanent failure of this message: drop it. */
    DROP,
    /**
     * The sink itself is gone (revoked token, deleted webhook, archived channel): drop its messages
     * and skip it until what disabled it changes or a probe finds it working again.
     */
    DISABLE
  }

  /** Delivered. */
  public static Verdict delivered() {
    return delivered("");
  }

  /** Delivered, and the service named the message's thread. */
  public static Verdict delivered(String threadId) {
    return new Verdict(Outcome.DELIVERED, Optional.empty(), "", threadId, false);
  }

  /** Try again later (after {@code after} when the service said so). */
  public static Verdict retry(String reason, Optional<Duration> after) {
    return new Verdict(Outcome.RETRY, after, reason, "", false);
  }

  /** The saved thread is gone: send again at once, as a new message. */
  public static Verdict retryInNewThread(String reason) {
    return new Verdict(Outcome.RETRY, Optional.of(Duration.ZERO), reason, "", true);
  }

  /** This message can never be delivered. */
  public static Verdict drop(String reason) {
    return new Verdict(Outcome.DROP, Optional.empty(), reason, "", false);
  }

  /** The sink is gone. */
  public static Verdict disable(String reason) {
    return new Verdict(Outcome.DISABLE, Optional.empty(), reason, "", false);
  }

  /**
   * The status-code rules every service shares: 2xx is for the provider to confirm (empty here); a
   * 3xx is a failure (deliveries never follow redirects, which would turn the POST into a GET, as
   * Standard Webhooks says too); 408, 429 and 5xx other than 501 are retried (honouring
   * Retry-After); 410 disables the sink; any other status drops the message.
   */
  static Optional<Verdict> byStatus(InboundResponse r) {
    int s = r.status();
    if (s >= 200 && s < 300) {
      return Optional.empty();
    }
    if (s >= 300 && s < 400) {
      return Optional.of(
          drop(
              "HTTP "
                  + s
                  + " redirect"
                  + location(r)
                  + " not followed: a redirect would turn the POST into a GET; configure the"
                  + " URL it points to"));
    }
    String why = "HTTP " + s + (r.body().isBlank() ? "" : ": " + Text.cut(r.body().strip(), 200));
    if (s == 408 || s == 429 || s >= 500 && s != 501) {
      return Optional.of(retry(why, retryAfter(r)));
    }
    if (s == 410) {
      return Optional.of(disable(why));
    }
    return Optional.of(drop(why));
  }

  /** " to https://host/…" from the Location header (scheme and host only: paths hold tokens). */
  private static String location(InboundResponse r) {
    List<String> l = r.headers().get("location");
    if (l == null || l.isEmpty()) {
      return "";
    }
    try {
      URI u = URI.create(l.get(0).trim());
      return u.getHost() == null
          ? " to a relative path"
          : " to " + u.getScheme() + "://" + u.getHost() + "/…";
    } catch (IllegalArgumentException e) {
      return "";
    }
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
