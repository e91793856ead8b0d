package dev.gitsync.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
import javax.net.ssl.SSLParameters;

/**
 * {@link HttpTransport} on the JDK's {@link HttpClient}, created on first use so a process without
 * webhooks pays nothing for it. Redirects are followed as Go's default client follows them (or not
 * at all, for deliveries). HTTPS trusts the CA bundle {@link CaBundle} chooses ({@code
 * $SSL_CERT_FILE} or the system bundle), read on first use ({@link LazySslContext}). Every body is
 * read bounded, and the whole exchange, body included, must finish within the request's timeout.
 * Exception messages are rewritten so that they never carry the (secret) URL.
 */
public final class JdkHttpTransport implements HttpTransport, AutoCloseable {
  private static final int MAX_BODY = 64 * 1024;

  private final ExecutorService executor;
  private volatile HttpClient client;
  private volatile LazySslContext tls;

  private final HttpClient.Redirect redirects;
  private final Optional<Path> caBundle;

  /** A transport that follows redirects; its threads are named {@code http-client-N}. */
  public JdkHttpTransport() {
    this(true);
  }

  /** A transport; with {@code followRedirects} false a 3xx answer is returned as it is. */
  public JdkHttpTransport(boolean followRedirects) {
    this(followRedirects, Optional.empty());
  }

  /**
   * A transport that trusts only {@code caBundle} when given (a cluster's API server), else the
   * bundle {@link CaBundle} chooses.
   */
  public JdkHttpTransport(boolean followRedirects, Optional<Path> caBundle) {
    this.caBundle = caBundle;
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
          Optional<Path> bundle =
              caBundle.isPresent() ? caBundle : CaBundle.choose(System.getenv());
          if (bundle.isPresent()) {
            tls = LazySslContext.of(bundle.get());
            SSLParameters params = new SSLParameters();
            params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            b.sslContext(tls).sslParameters(params);
          }
          client = b.build();
        }
        c = client;
      }
    }
    return c;
  }

  /**
   * Makes the client and sends one request through it to a throwaway server on the loopback
   * interface, so that the first real delivery finds every class loaded and its code compiled
   * (otherwise it pays for that: about 350 ms on a cold JVM); then, with {@code withTls}, reads the
   * CA bundle. Nothing leaves the machine.
   */
  @Override
  public void warmUp(boolean withTls) {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(5_000);
      Thread answer =
          new Thread(
              () -> {
                try (Socket s = server.accept()) {
                  s.setSoTimeout(5_000);
                  InputStream in = s.getInputStream();
                  int state = 0;
                  while (state < 4) {
                    int c = in.read();
                    if (c < 0) {
                      return;
                    }
                    state = (c == '\r' || c == '\n') ? state + 1 : 0;
                  }
                  in.readNBytes(2);
                  s.getOutputStream()
                      .write(
                          ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                                  + "Connection: close\r\n\r\nok")
                              .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                  // Warming up is best effort.
                }
              },
              "http-client-warm-up");
      answer.setDaemon(true);
      answer.start();
      send(
          new OutboundRequest(
              "POST",
              URI.create("http://127.0.0.1:" + server.getLocalPort() + "/warm-up"),
              List.of(Map.entry("Content-Type", "application/json")),
              "{}".getBytes(StandardCharsets.UTF_8),
              Duration.ofSeconds(5)));
      answer.join(5_000);
      // Last, the slow part that only HTTPS needs: reading the CA bundle.
      LazySslContext t = tls;
      if (withTls && t != null) {
        t.load();
      }
    } catch (IOException | RuntimeException e) {
      // The first real request reports whatever is wrong.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
