package dev.gitsync.http;

import java.util.List;
import java.util.Map;

/**
 * A response to an {@link OutboundRequest}.
 *
 * @param status the HTTP status code
 * @param body the body as text (truncated by the transport to a sane size)
 * @param headers the response headers, names in lower case
 */
public record InboundResponse(int status, String body, Map<String, List<String>> headers) {}
