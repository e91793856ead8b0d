package dev.gitsync.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers as scripted: a queue of
 * statuses (then a default), an optional delay, or a validating function that answers like a real
 * service (e.g. Slack's incoming webhook).
 */
final class Receiver implements AutoCloseable {
  /** One recorded request. */
  record Request(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** A scripted answer. */
  record Answer(int status, String body, Map<String, String> headers) {
    Answer(int status, String body) {
      this(status, body, Map.of());
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  final ConcurrentLinkedDeque<Integer> statuses = new ConcurrentLinkedDeque<>();
  volatile int defaultStatus = 200;
  volatile long delayMillis;
  volatile Function<Request, Answer> validator;
  private final HttpServer server;
  private final String scheme;

  Receiver() throws IOException {
    this(null);
  }

  /** An HTTPS receiver when {@code tls} is given (its certificate must name 127.0.0.1). */
  Receiver(javax.net.ssl.SSLContext tls) throws IOException {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(any, 16);
      scheme = "http";
    } else {
      com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(any, 16);
      https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
      server = https;
      scheme = "https";
    }
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  String url(String path) {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Request r =
          new Request(
              ex.getRequestMethod(),
              ex.getRequestURI().toString(),
              Map.copyOf(ex.getRequestHeaders()),
              body);
      requests.add(r);
      if (delayMillis > 0) {
        try {
          TimeUnit.MILLISECONDS.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Answer a;
      if (validator != null) {
        a = validator.apply(r);
      } else {
        Integer s = statuses.poll();
        a = new Answer(s == null ? defaultStatus : s, "ok");
      }
      a.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream o = ex.getResponseBody()) {
          o.write(out);
        }
      }
    }
  }

  /** Answers like a Slack incoming webhook: JSON with "text" (or "blocks") required. */
  static Answer slack(Request r) {
    String ct = r.header("Content-Type");
    if (r.body().isEmpty()) {
      return new Answer(400, "no_text");
    }
    if (ct == null || !ct.startsWith("application/json")) {
      return new Answer(400, "invalid_payload");
    }
    Object parsed;
    try {
      parsed = dev.gitsync.json.JsonParser.parse(r.body());
    } catch (IllegalArgumentException e) {
      return new Answer(400, "invalid_payload");
    }
    if (!(parsed instanceof Map)) {
      return new Answer(400, "invalid_payload");
    }
    Object text = ((Map<?, ?>) parsed).get("text");
    if (!(text instanceof String) || ((String) text).isEmpty()) {
      return new Answer(400, "no_text");
    }
    return new Answer(200, "ok");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
