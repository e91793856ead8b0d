package dev.gitsync.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  public void warmUp() {
    try {
      client();
    } catch (IOException | RuntimeException e) {
      // The first request will report it.
    }
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
    CompletableFuture<HttpResponse<byte[]>> f;
    try {
      f = client().sendAsync(b.build(), info -> new BoundedBody(MAX_BODY));
    } catch (IllegalArgumentException e) {
      throw new IOException("request rejected: " + sanitized(e.getMessage(), r));
    }
    try {
      // The whole exchange, body included, within the timeout: a server that trickles its
      // answer cannot hold a worker forever.
      resp = f.get(r.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IOException("request timed out after " + r.timeout().toMillis() + "ms");
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof HttpTimeoutException) {
        throw new IOException("request timed out after " + r.timeout().toMillis() + "ms");
      }
      if (c instanceof IllegalArgumentException) {
        throw new IOException("request rejected: " + sanitized(c.getMessage(), r));
      }
      throw new IOException(
          "request failed: " + c.getClass().getSimpleName() + sanitized(c.getMessage(), r));
    }
    byte[] body = resp.body();
    String text = new String(body, StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    resp.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    return new InboundResponse(resp.statusCode(), text, headers);
  }

  /**
   * Keeps the first {@code max} bytes of a body and then hangs up: a service answering 200 MB costs
   * {@code max} bytes, not a heap.
   */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        int n = Math.min(b.remaining(), max - buf.size());
        byte[] chunk = new byte[n];
        b.get(chunk);
        buf.write(chunk, 0, n);
      }
      if (buf.size() >= max) {
        subscription.cancel();
        result.complete(buf.toByteArray());
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(buf.toByteArray());
    }
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
