package dev.gitsync.config;

/**
 * A listen address in Go's {@code host:port} syntax: {@code :1234} (all interfaces), {@code
 * 127.0.0.1:1234}, {@code [::1]:1234} or {@code localhost:1234}.
 *
 * @param host the host, or empty for all interfaces
 * @param port the TCP port (0 picks a free one)
 */
public record BindAddress(String host, int port) {
  /**
   * Parses an address.
   *
   * @throws IllegalArgumentException when it is not {@code host:port}
   */
  public static BindAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("missing port in address \"" + text + "\"");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "too many colons in address \"" + text + "\" (write IPv6 hosts as [::1]:port)");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid port in address \"" + text + "\"");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("invalid port in address \"" + text + "\"");
    }
    return new BindAddress(host, port);
  }
}
