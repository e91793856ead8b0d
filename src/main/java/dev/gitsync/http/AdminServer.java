package dev.gitsync.http;

import dev.gitsync.config.BindAddress;
import dev.gitsync.log.Log;
import dev.gitsync.metrics.Metrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The {@code --http-bind} endpoint. {@code /} is upstream's probe (503 {@code repo is not ready}
 * until the first successful sync, then 200 with an empty body, for any path not served otherwise);
 * {@code /healthz} says the process is alive; {@code /readyz} adds a staleness check; {@code
 * /metrics} and {@code /debug/pprof/} are served when enabled. It runs on {@link NioHttpServer}, so
 * the probes answer while slow clients and profiles are in progress.
 */
public final class AdminServer implements AutoCloseable {
  private final NioHttpServer server;

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
    Optional<DebugEndpoints> debug = pprof ? Optional.of(new DebugEndpoints()) : Optional.empty();
    NioHttpServer.Handler handler =
        r -> {
          try {
            return route(r, health, metrics, debug);
          } catch (IOException | RuntimeException e) {
            log.error(String.valueOf(e.getMessage()), "HTTP handler failed", "path", r.path());
            return NioHttpServer.Response.text(500, "internal error");
          }
        };
    server =
        new NioHttpServer(
            addr,
            NioHttpServer.Limits.admin(),
            "http-server",
            handler,
            r -> debug.isPresent() && r.path().startsWith("/debug/pprof"));
  }

  static NioHttpServer.Response route(
      NioHttpServer.Request r,
      Health health,
      Optional<Metrics> metrics,
      Optional<DebugEndpoints> debug)
      throws IOException, InterruptedException {
    String path = r.path();
    if (path.startsWith("/healthz")) {
      return exact(path, "/healthz", text(200, "ok"));
    }
    if (path.startsWith("/readyz")) {
      return exact(
          path, "/readyz", health.notReady().map(why -> text(503, why)).orElse(text(200, "ok")));
    }
    if (metrics.isPresent() && path.startsWith("/metrics")) {
      return new NioHttpServer.Response(
          200,
          "text/plain; version=0.0.4; charset=utf-8",
          metrics.get().render().getBytes(StandardCharsets.UTF_8));
    }
    if (debug.isPresent() && path.startsWith("/debug/pprof")) {
      return debug.get().serve(path, r.query());
    }
    return health.everSynced()
        ? new NioHttpServer.Response(200, "text/plain; charset=utf-8", new byte[0])
        : text(503, "repo is not ready");
  }

  /** Starts serving. */
  public void start() {
    server.start();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.port();
  }

  static NioHttpServer.Response text(int status, String body) {
    return NioHttpServer.Response.text(status, body);
  }

  private static NioHttpServer.Response exact(
      String actual, String path, NioHttpServer.Response r) {
    return actual.equals(path) ? r : text(404, "404 page not found");
  }

  @Override
  public void close() {
    server.close();
  }
}
