package dev.gitsync.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.BiPredicate;

/**
 * git's smart HTTP protocol on 127.0.0.1: {@code git http-backend} run as a CGI program behind the
 * JDK's HTTP server, with HTTP basic auth that accepts only what {@link #auth} accepts and an
 * optional required cookie. Repositories are the directories under {@code projectRoot}.
 */
final class GitHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final Path projectRoot;

  /** Decides whether a username and password are accepted; null means no auth is required. */
  volatile BiPredicate<String, String> auth;

  /** A {@code name=value} cookie every request must carry, or null. */
  volatile String requiredCookie;

  /** The usernames of requests that passed auth, in order. */
  final List<String> users = new CopyOnWriteArrayList<>();

  /** Requests refused with 401 or 403. */
  final List<String> refused = new CopyOnWriteArrayList<>();

  GitHttpServer(Path projectRoot) throws IOException {
    this.projectRoot = projectRoot;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  /** Accepts exactly this username and password. */
  GitHttpServer require(String username, String password) {
    auth = (u, p) -> u.equals(username) && p.equals(password);
    return this;
  }

  /** The URL of the repository in {@code projectRoot/name}. */
  String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String user = "";
      BiPredicate<String, String> check = auth;
      if (check != null) {
        String[] up = basic(ex.getRequestHeaders().getFirst("Authorization"));
        if (up == null || !check.test(up[0], up[1])) {
          refused.add(ex.getRequestURI().getPath());
          ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
          ex.sendResponseHeaders(401, -1);
          return;
        }
        user = up[0];
        users.add(user);
      }
      String cookie = requiredCookie;
      if (cookie != null) {
        String sent = String.valueOf(ex.getRequestHeaders().getFirst("Cookie"));
        if (!List.of(sent.split(";\\s*")).contains(cookie)) {
          refused.add(ex.getRequestURI().getPath());
          ex.sendResponseHeaders(403, -1);
          return;
        }
      }
      cgi(ex, user);
    }
  }

  private static String[] basic(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return null;
    }
    String s = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
    int colon = s.indexOf(':');
    return colon < 0 ? null : new String[] {s.substring(0, colon), s.substring(colon + 1)};
  }

  private void cgi(HttpExchange ex, String user) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    List<String> argv = new ArrayList<>(List.of("git", "http-backend"));
    ProcessBuilder pb = new ProcessBuilder(argv);
    Map<String, String> env = pb.environment();
    env.put("GIT_PROJECT_ROOT", projectRoot.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("REQUEST_METHOD", ex.getRequestMethod());
    env.put("PATH_INFO", ex.getRequestURI().getRawPath());
    env.put(
        "QUERY_STRING",
        ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
    env.put("CONTENT_LENGTH", Integer.toString(body.length));
    env.put("REMOTE_USER", user);
    env.put("REMOTE_ADDR", "127.0.0.1");
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type != null) {
      env.put("CONTENT_TYPE", type);
    }
    String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding != null) {
      env.put("HTTP_CONTENT_ENCODING", encoding);
    }
    String protocol = ex.getRequestHeaders().getFirst("Git-Protocol");
    if (protocol != null) {
      env.put("HTTP_GIT_PROTOCOL", protocol);
    }
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(body);
    }
    byte[] out;
    try (InputStream o = p.getInputStream()) {
      out = o.readAllBytes();
    }
    int headerEnd = indexOf(out, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    int sep = 4;
    if (headerEnd < 0) {
      headerEnd = indexOf(out, "\n\n".getBytes(StandardCharsets.US_ASCII));
      sep = 2;
    }
    if (headerEnd < 0) {
      ex.sendResponseHeaders(502, -1);
      return;
    }
    int status = 200;
    for (String line : new String(out, 0, headerEnd, StandardCharsets.UTF_8).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.split(" ")[0]);
      } else {
        ex.getResponseHeaders().add(name, value);
      }
    }
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    rest.write(out, headerEnd + sep, out.length - headerEnd - sep);
    ex.sendResponseHeaders(status, rest.size() == 0 ? -1 : rest.size());
    if (rest.size() > 0) {
      ex.getResponseBody().write(rest.toByteArray());
    }
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
