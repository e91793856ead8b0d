package dev.gitsync.http;

import java.io.IOException;

/** The seam for outbound HTTP: webhooks (and, later, notifications) go through it. */
public interface HttpTransport {
  /**
   * Sends a request and reads the response.
   *
   * @throws IOException on connection failures and timeouts (messages never contain the URL)
   * @throws InterruptedException on shutdown
   */
  InboundResponse send(OutboundRequest request) throws IOException, InterruptedException;

  /**
   * Prepares what the first request needs (a client and, with {@code tls}, the CA bundle), so that
   * it leaves at once. Blocks; call it on a background thread.
   */
  default void warmUp(boolean tls) {}
}
