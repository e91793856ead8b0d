package dev.gitsync.notify.sink;

import dev.gitsync.notify.event.EventType;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * One configured notification target, parsed from its URL.
 *
 * @param id a stable identifier (a hash of the URL, not secret), used in the outbox and metrics
 * @param kind the service
 * @param uri where to send (our own options removed); a secret
 * @param events the events this sink gets
 * @param template a user template for the message text, if any
 * @param timeout the time allowed for one request
 * @param minInterval the minimum time between two messages (rate limit)
 * @param tokenFile the Slack bot token file (slackbot only)
 * @param channel the Slack channel (slackbot only)
 * @param secretFile the signing secret file (generic only)
 * @param signature which signatures to add (generic only): standard, github, both
 * @param cloudEvents CloudEvents mode (generic only): binary or structured
 */
public record Sink(
    String id,
    SinkKind kind,
    URI uri,
    Set<EventType> events,
    Optional<Template> template,
    Duration timeout,
    Duration minInterval,
    Optional<Path> tokenFile,
    String channel,
    Optional<Path> secretFile,
    String signature,
    String cloudEvents) {

  /** A name for logs and metrics that reveals nothing secret: kind and id. */
  public String name() {
    return kind.label() + "-" + id;
  }

  /** Scheme and host, for logs. */
  public String host() {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
  }
}
