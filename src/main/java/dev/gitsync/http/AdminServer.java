package dev.gitsync.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gitsync.config.BindAddress;
import dev.gitsync.log.Log;
import dev.gitsync.metrics.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code --http-bind} endpoint. {@code /} is upstream's probe (503 {@code repo is not ready}
 * until the first successful sync, then 200 with an empty body, for any path not served otherwise);
 * {@code /healthz} says the process is alive; {@code /readyz} adds a staleness check; {@code
 * /metrics} and {@code /debug/pprof/} are served when enabled.
 */
public final class AdminServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * Binds the server (it starts serving at {@link #start()}).
   *
   * @throws IOException when the address cannot be bound
   */
  public AdminServer(
      BindAddress bind, Health health, Optional<Metrics> metrics, boolean pprof, Log log)
      throws IOException {
    InetSocketAddress addr =
        bind.host().isEmpty()
            ? new InetSocketAddress(bind.port())
            : new InetSocketAddress(bind.host(), bind.port());
    server = HttpServer.create(addr, 16);
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "http-server-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/",
        ex ->
            handle(
                ex,
                log,
                () ->
                    health.everSynced()
                        ? new Reply(200, "text/plain; charset=utf-8", new byte[0])
                        : text(503, "repo is not ready")));
    server.createContext(
        "/healthz", ex -> handle(ex, log, () -> exact(ex, "/healthz", text(200, "ok"))));
    server.createContext(
        "/readyz",
        ex ->
            handle(
                ex,
                log,
                () ->
                    exact(
                        ex,
                        "/readyz",
                        health.notReady().map(why -> text(503, why)).orElse(text(200, "ok")))));
    if (metrics.isPresent()) {
      server.createContext(
          "/metrics",
          ex ->
              handle(
                  ex,
                  log,
                  () ->
                      new Reply(
                          200,
                          "text/plain; version=0.0.4; charset=utf-8",
                          metrics.get().render().getBytes(StandardCharsets.UTF_8))));
    }
    if (pprof) {
      DebugEndpoints debug = new DebugEndpoints();
      server.createContext("/debug/pprof", ex -> handle(ex, log, () -> debug.serve(ex)));
    }
  }

  /** Starts serving. */
  public void start() {
    server.start();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** A response. */
  record Reply(int status, String contentType, byte[] body) {}

  /** Builds a response; may block (profiles) or fail. */
  interface Responder {
    Reply reply() throws IOException, InterruptedException;
  }

  static Reply text(int status, String body) {
    return new Reply(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static Reply exact(HttpExchange ex, String path, Reply r) {
    return ex.getRequestURI().getPath().equals(path) ? r : text(404, "404 page not found");
  }

  private static void handle(HttpExchange ex, Log log, Responder responder) {
    try (ex) {
      Reply r;
      try {
        r = responder.reply();
      } catch (IOException | RuntimeException e) {
        log.error(
            String.valueOf(e.getMessage()),
            "HTTP handler failed",
            "path",
            ex.getRequestURI().getPath());
        r = text(500, "internal error");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        r = text(503, "shutting down");
      }
      ex.getResponseHeaders().set("Content-Type", r.contentType());
      boolean head = ex.getRequestMethod().equals("HEAD");
      ex.sendResponseHeaders(r.status(), head || r.body().length == 0 ? -1 : r.body().length);
      if (!head && r.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    } catch (IOException e) {
      log.info(1, "HTTP client went away", "error", String.valueOf(e.getMessage()));
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
