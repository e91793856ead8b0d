package dev.gitsync.trigger;

import dev.gitsync.config.TriggerSettings;
import dev.gitsync.http.NioHttpServer;
import dev.gitsync.log.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The {@code --trigger-bind} listener: its own small HTTP server (so the admin endpoint never has
 * to face the internet), bounded as {@link NioHttpServer.Limits#trigger()} says, answering {@code
 * POST /trigger} with a {@link TriggerHandler}.
 */
public final class TriggerServer implements AutoCloseable {
  private final NioHttpServer server;
  private final Pacer pacer;

  /**
   * Binds the listener (it serves from {@link #start()}).
   *
   * @param repo {@code --repo}, without credentials
   * @param ref {@code --ref}
   * @param fire wakes the sync loop, saying why
   * @param count told each request's source and result, for metrics
   * @throws IOException when the address cannot be bound
   */
  public TriggerServer(
      TriggerSettings settings,
      String repo,
      String ref,
      Clock clock,
      Log log,
      Consumer<String> fire,
      BiConsumer<String, String> count)
      throws IOException {
    this.pacer = new Pacer(settings.minInterval(), clock, fire);
    TriggerHandler handler =
        new TriggerHandler(
            new SecretFile(settings.secretFile()),
            repo,
            ref,
            pacer,
            settings.minInterval(),
            clock,
            log,
            count);
    InetSocketAddress addr =
        settings.bind().host().isEmpty()
            ? new InetSocketAddress(settings.bind().port())
            : new InetSocketAddress(settings.bind().host(), settings.bind().port());
    try {
      this.server =
          new NioHttpServer(
              addr, NioHttpServer.Limits.trigger(), "trigger-server", handler, r -> false);
    } catch (IOException e) {
      pacer.close();
      throw e;
    }
  }

  /** Starts serving. */
  public void start() {
    server.start();
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    pacer.close();
  }
}
