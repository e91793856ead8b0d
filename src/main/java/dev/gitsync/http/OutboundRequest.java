package dev.gitsync.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One outbound HTTP request.
 *
 * @param method the HTTP method
 * @param uri the target (may be secret: never log it whole)
 * @param headers header name/value pairs, in order
 * @param body the body; empty for none
 * @param timeout the time allowed for the whole exchange
 */
public record OutboundRequest(
    String method,
    URI uri,
    List<Map.Entry<String, String>> headers,
    byte[] body,
    Duration timeout) {
  /** Copies the header list. */
  public OutboundRequest {
    headers = List.copyOf(headers);
  }
}
