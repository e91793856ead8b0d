package dev.gitsync.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code --webhook-*} settings.
 *
 * @param url the URL, a secret (a Slack webhook URL is its own credential)
 * @param method the HTTP method
 * @param successStatus the status that counts as success; 0 accepts any (fire and forget)
 * @param timeout the request timeout
 * @param backoff the wait before retrying a failed request
 * @param headers extra headers; their values are secrets
 * @param payload the body template, if any (upstream sends an empty body)
 */
public record WebhookSettings(
    Secret url,
    String method,
    int successStatus,
    Duration timeout,
    Duration backoff,
    List<Header> headers,
    Optional<PayloadTemplate> payload) {

  /**
   * One extra header.
   *
   * @param name the header name
   * @param value the value, kept secret
   */
  public record Header(String name, Secret value) {}
}
