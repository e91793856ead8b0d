package dev.gitsync.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link HttpTransport} on the JDK's {@link HttpClient}, created on first use so a process without
 * webhooks pays nothing for it. Redirects are followed as Go's default client follows them. HTTPS
 * trusts the CA bundle {@link CaBundle} chooses ({@code $SSL_CERT_FILE} or the system bundle).
 * Exception messages are rewritten so that they never carry the (secret) URL.
 */
public final class JdkHttpTransport implements HttpTransport, AutoCloseable {
  private static final int MAX_BODY = 64 * 1024;

  private final ExecutorService executor;
  private volatile HttpClient client;

  private final HttpClient.Redirect redirects;

  /** A transport that follows redirects; its threads are named {@code http-client-N}. */
  public JdkHttpTransport() {
    this(true);
  }

  /** A transport; with {@code followRedirects} false a 3xx answer is returned as it is. */
  public JdkHttpTransport(boolean followRedirects) {
    this.redirects = followRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "http-client-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  private HttpClient client() throws IOException {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          HttpClient.Builder b =
              HttpClient.newBuilder().followRedirects(redirects).executor(executor);
          Optional<Path> bundle = CaBundle.choose(System.getenv());
          if (bundle.isPresent()) {
            b.sslContext(CaBundle.context(bundle.get()));
          }
          client = b.build();
        }
        c = client;
      }
    }
    return c;
  }

  @Override
  public InboundResponse send(OutboundRequest r) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(r.uri())
            .timeout(r.timeout())
            .method(
                r.method(),
                r.body().length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(r.body()));
    for (Map.Entry<String, String> h : r.headers()) {
      b.header(h.getKey(), h.getValue());
    }
    HttpResponse<byte[]> resp;
    try {
      resp = client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new IOException("request timed out after " + r.timeout().toMillis() + "ms");
    } catch (IOException e) {
      throw new IOException(
          "request failed: " + e.getClass().getSimpleName() + sanitized(e.getMessage(), r));
    } catch (IllegalArgumentException e) {
      throw new IOException("request rejected: " + sanitized(e.getMessage(), r));
    }
    byte[] body = resp.body();
    String text = new String(body, 0, Math.min(body.length, MAX_BODY), StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    resp.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    return new InboundResponse(resp.statusCode(), text, headers);
  }

  private static String sanitized(String message, OutboundRequest r) {
    if (message == null) {
      return "";
    }
    String m = message.replace(r.uri().toString(), "<url>");
    String path = r.uri().getRawPath();
    return ": " + (path != null && path.length() > 1 ? m.replace(path, "/<path>") : m);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
