package dev.gitsync.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.gitsync.json.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The Kubernetes API server's Lease endpoints over HTTPS, behaving as the API server is documented
 * to (shared/reference/kubernetes-lease.md): bearer-token authentication (401 for anything else), a
 * resourceVersion on every write, 409 Conflict for a stale one and AlreadyExists for a second
 * create, 422 Invalid for a PUT without a resourceVersion or a spec the validation refuses (a
 * duration ≤ 0, negative transitions, a MicroTime not in the RFC3339Micro layout), 404 NotFound,
 * 415 for a body that is not JSON, and every error as a {@code Status} object. Outages (403
 * Forbidden as RBAC answers, 500, 503) are switched on by the test, and tokens can be rotated.
 */
public final class FakeKubeApi implements AutoCloseable {
  /** What the server does with every request. */
  public enum Mode {
    /** Serve. */
    UP,
    /** 403 as RBAC answers a service account without the grant. */
    FORBIDDEN,
    /** 500 InternalError. */
    ERROR,
    /** 503 ServiceUnavailable. */
    UNAVAILABLE
  }

  private static final Pattern PATH =
      Pattern.compile("/apis/coordination\\.k8s\\.io/v1/namespaces/([^/]+)/leases(?:/([^/]+))?");
  private static final Pattern MICRO =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}(Z|[+-]\\d{2}:\\d{2})");

  private final HttpsServer server;
  private final Map<String, Map<String, Object>> leases = new ConcurrentHashMap<>();
  private long version = 1000;

  /** Tokens accepted now. */
  public final Set<String> tokens = ConcurrentHashMap.newKeySet();

  /** What every request gets. */
  public volatile Mode mode = Mode.UP;

  /** Every request: "METHOD name status". */
  public final List<String> calls = new CopyOnWriteArrayList<>();

  /** The holder of every successful write, in order. */
  public final List<String> holders = new CopyOnWriteArrayList<>();

  /**
   * Serves on 127.0.0.1 with a certificate signed by {@code pkiDir/ca.pem} (made here).
   *
   * @param token the first accepted token
   */
  public FakeKubeApi(Path pkiDir, String token) throws Exception {
    SSLContext tls = Pki.server(pkiDir);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
    tokens.add(token);
  }

  /** The API server's URL. */
  public String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The Lease as stored, or null. */
  public Map<String, Object> lease(String namespace, String name) {
    return leases.get(namespace + "/" + name);
  }

  /** Deletes a Lease, as {@code kubectl delete lease} does. */
  public synchronized void delete(String namespace, String name) {
    leases.remove(namespace + "/" + name);
  }

  /**
   * Stores a Lease object as given (as {@code kubectl apply} would, with labels, owner references
   * and spec fields leader election does not know), with a new resourceVersion.
   */
  @SuppressWarnings("unchecked")
  public synchronized void put(String namespace, String name, Map<String, Object> object) {
    Map<String, Object> o = (Map<String, Object>) JsonParser.parse(json(object));
    Map<String, Object> meta = (Map<String, Object>) o.get("metadata");
    meta.put("name", name);
    meta.put("namespace", namespace);
    meta.put("resourceVersion", Long.toString(++version));
    leases.put(namespace + "/" + name, o);
  }

  /**
   * Another writer changes the object's metadata (a label, say): the resourceVersion moves, the
   * spec does not.
   */
  @SuppressWarnings("unchecked")
  public synchronized void touch(String namespace, String name) {
    Map<String, Object> meta = (Map<String, Object>) lease(namespace, name).get("metadata");
    meta.put("resourceVersion", Long.toString(++version));
  }

  /** A Lease's spec field, or null. */
  public Object spec(String namespace, String name, String field) {
    Map<String, Object> l = lease(namespace, name);
    return l == null ? null : ((Map<?, ?>) l.get("spec")).get(field);
  }

  /** A Lease's annotation, or null. */
  public String annotation(String namespace, String name, String key) {
    Map<String, Object> l = lease(namespace, name);
    if (l == null) {
      return null;
    }
    Object a = ((Map<?, ?>) l.get("metadata")).get("annotations");
    return a instanceof Map ? (String) ((Map<?, ?>) a).get(key) : null;
  }

  /** Pods by "namespace/name": their UID. */
  public final Map<String, String> pods = new ConcurrentHashMap<>();

  /** Events by "namespace/name", as stored (merge patches applied). */
  public final Map<String, Map<String, Object>> events = new ConcurrentHashMap<>();

  /** When set, events answer 403 as RBAC without the grant does. */
  public volatile boolean forbidEvents;

  private static final Pattern CORE =
      Pattern.compile("/api/v1/namespaces/([^/]+)/(events|pods)(?:/([^/]+))?");

  /**
   * Events (core/v1) and pods, as the API server answers: create needs a JSON Event with a name, an
   * involvedObject in the namespace, a reason and a type Normal or Warning (422 Invalid otherwise,
   * 409 AlreadyExists for a name in use); a PATCH needs a merge or strategic-merge patch content
   * type (415 otherwise) and an existing Event (404).
   */
  @SuppressWarnings("unchecked")
  private int core(HttpExchange ex, String method, Matcher m) throws IOException {
    byte[] raw = ex.getRequestBody().readAllBytes();
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
      return send(ex, 401, status("Unauthorized", "Unauthorized", 401));
    }
    String ns = m.group(1);
    String name = m.group(3);
    if (m.group(2).equals("pods")) {
      String uid = name == null ? null : pods.get(ns + "/" + name);
      return uid == null || !method.equals("GET")
          ? send(ex, 404, status("NotFound", "pods \"" + name + "\" not found", 404))
          : send(ex, 200, Map.of("kind", "Pod", "metadata", Map.of("name", name, "uid", uid)));
    }
    if (forbidEvents) {
      return send(
          ex,
          403,
          status(
              "Forbidden",
              "events is forbidden: User \"system:serviceaccount:"
                  + ns
                  + ":git-sync\" cannot "
                  + verb(method)
                  + " resource \"events\" in API group \"\" in the namespace \""
                  + ns
                  + "\"",
              403));
    }
    String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
    Object body;
    try {
      body = JsonParser.parse(new String(raw, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return send(ex, 400, status("BadRequest", "invalid JSON", 400));
    }
    Map<String, Object> b = body instanceof Map ? (Map<String, Object>) body : Map.of();
    synchronized (this) {
      if (method.equals("POST") && name == null) {
        if (!type.startsWith("application/json")) {
          return send(ex, 415, status("UnsupportedMediaType", "not JSON", 415));
        }
        Map<String, Object> md = (Map<String, Object>) b.getOrDefault("metadata", Map.of());
        Map<String, Object> io = (Map<String, Object>) b.getOrDefault("involvedObject", Map.of());
        String n = String.valueOf(md.get("name"));
        if (md.get("name") == null
            || !ns.equals(io.get("namespace"))
            || b.get("reason") == null
            || !List.of("Normal", "Warning").contains(b.get("type"))) {
          return send(ex, 422, status("Invalid", "Event \"" + n + "\" is invalid", 422));
        }
        if (events.containsKey(ns + "/" + n)) {
          return send(ex, 409, status("AlreadyExists", "events \"" + n + "\" already exists", 409));
        }
        events.put(ns + "/" + n, new LinkedHashMap<>(b));
        return send(ex, 201, b);
      }
      if (method.equals("PATCH") && name != null) {
        if (!type.startsWith("application/merge-patch+json")
            && !type.startsWith("application/strategic-merge-patch+json")) {
          return send(
              ex, 415, status("UnsupportedMediaType", "the patch type is not supported", 415));
        }
        Map<String, Object> e = events.get(ns + "/" + name);
        if (e == null) {
          return send(ex, 404, status("NotFound", "events \"" + name + "\" not found", 404));
        }
        e.putAll(b);
        return send(ex, 200, e);
      }
    }
    return send(ex, 405, status("MethodNotAllowed", "not allowed", 405));
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    Matcher core = CORE.matcher(ex.getRequestURI().getPath());
    if (core.matches()) {
      int s;
      try {
        s = core(ex, method, core);
      } catch (RuntimeException e) {
        s = send(ex, 500, status("InternalError", "Internal error occurred: " + e, 500));
      }
      calls.add(method + " " + core.group(2) + " " + s);
      return;
    }
    Matcher m = PATH.matcher(ex.getRequestURI().getPath());
    String name = m.matches() && m.group(2) != null ? m.group(2) : "";
    int status;
    try {
      status = answer(ex, method, m);
    } catch (RuntimeException e) {
      status = send(ex, 500, status("InternalError", "Internal error occurred: " + e, 500));
    }
    calls.add(method + " " + name + " " + status);
  }

  private int answer(HttpExchange ex, String method, Matcher m) throws IOException {
    byte[] raw = ex.getRequestBody().readAllBytes();
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
      return send(ex, 401, status("Unauthorized", "Unauthorized", 401));
    }
    if (!m.matches()) {
      return send(
          ex, 404, status("NotFound", "the server could not find the requested resource", 404));
    }
    String ns = m.group(1);
    String name = m.group(2);
    switch (mode) {
      case FORBIDDEN:
        return send(
            ex,
            403,
            status(
                "Forbidden",
                "leases.coordination.k8s.io \""
                    + (name == null ? "" : name)
                    + "\" is forbidden: User \"system:serviceaccount:"
                    + ns
                    + ":git-sync\" cannot "
                    + verb(method)
                    + " resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \""
                    + ns
                    + "\"",
                403));
      case ERROR:
        return send(
            ex,
            500,
            status("InternalError", "Internal error occurred: etcdserver: leader changed", 500));
      case UNAVAILABLE:
        return send(
            ex,
            503,
            status(
                "ServiceUnavailable", "the server is currently unable to handle the request", 503));
      default:
        break;
    }
    synchronized (this) {
      switch (method) {
        case "GET":
          if (name == null) {
            return send(ex, 405, status("MethodNotAllowed", "list is not served here", 405));
          }
          Map<String, Object> l = leases.get(ns + "/" + name);
          return l == null
              ? send(
                  ex,
                  404,
                  status("NotFound", "leases.coordination.k8s.io \"" + name + "\" not found", 404))
              : send(ex, 200, l);
        case "POST":
          return write(ex, ns, null, raw, true);
        case "PUT":
          return name == null
              ? send(ex, 405, status("MethodNotAllowed", "PUT needs a name", 405))
              : write(ex, ns, name, raw, false);
        default:
          return send(
              ex,
              405,
              status(
                  "MethodNotAllowed",
                  "the server does not allow this method on the requested resource",
                  405));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private int write(HttpExchange ex, String ns, String pathName, byte[] raw, boolean create)
      throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      return send(
          ex,
          415,
          status("UnsupportedMediaType", "the body of the request was in an unknown format", 415));
    }
    Object parsed;
    try {
      parsed = JsonParser.parse(new String(raw, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return send(
          ex,
          400,
          status("BadRequest", "the object provided is unrecognized: " + e.getMessage(), 400));
    }
    if (!(parsed instanceof Map)) {
      return send(ex, 400, status("BadRequest", "the object provided is unrecognized", 400));
    }
    Map<String, Object> obj = new LinkedHashMap<>((Map<String, Object>) parsed);
    Map<String, Object> meta =
        new LinkedHashMap<>(
            obj.get("metadata") instanceof Map
                ? (Map<String, Object>) obj.get("metadata")
                : Map.of());
    Map<String, Object> spec =
        obj.get("spec") instanceof Map ? (Map<String, Object>) obj.get("spec") : Map.of();
    String name = meta.get("name") instanceof String ? (String) meta.get("name") : "";
    List<String> invalid = validate(spec, name);
    if (pathName != null && !pathName.equals(name)) {
      return send(
          ex,
          400,
          status(
              "BadRequest",
              "the name of the object ("
                  + name
                  + ") does not match the name on the URL ("
                  + pathName
                  + ")",
              400));
    }
    String key = ns + "/" + name;
    Map<String, Object> current = leases.get(key);
    String rv =
        meta.get("resourceVersion") instanceof String ? (String) meta.get("resourceVersion") : "";
    if (create) {
      if (!rv.isEmpty()) {
        invalid.add(
            "metadata.resourceVersion: Invalid value: \"" + rv + "\": must be empty on create");
      }
    } else if (current != null && rv.isEmpty()) {
      invalid.add("metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
    }
    if (!invalid.isEmpty()) {
      return send(
          ex,
          422,
          status(
              "Invalid",
              "Lease.coordination.k8s.io \""
                  + name
                  + "\" is invalid: "
                  + String.join(", ", invalid),
              422));
    }
    if (create && current != null) {
      return send(
          ex,
          409,
          status(
              "AlreadyExists", "leases.coordination.k8s.io \"" + name + "\" already exists", 409));
    }
    if (!create && current != null) {
      String stored = (String) ((Map<?, ?>) current.get("metadata")).get("resourceVersion");
      if (!stored.equals(rv)) {
        return send(
            ex,
            409,
            status(
                "Conflict",
                "Operation cannot be fulfilled on leases.coordination.k8s.io \""
                    + name
                    + "\": the object has been modified; please apply your changes to the latest version and try again",
                409));
      }
    }
    meta.put("namespace", ns);
    meta.put("resourceVersion", Long.toString(++version));
    obj.put("metadata", meta);
    obj.put("apiVersion", "coordination.k8s.io/v1");
    obj.put("kind", "Lease");
    leases.put(key, obj);
    holders.add(String.valueOf(spec.get("holderIdentity")));
    return send(ex, create || current == null ? 201 : 200, obj);
  }

  private static List<String> validate(Map<String, Object> spec, String name) {
    List<String> errs = new ArrayList<>();
    if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
      errs.add("metadata.name: Invalid value: \"" + name + "\"");
    }
    Object d = spec.get("leaseDurationSeconds");
    if (d != null && (!(d instanceof Number) || ((Number) d).intValue() <= 0)) {
      errs.add("spec.leaseDurationSeconds: Invalid value: " + d + ": must be greater than 0");
    }
    Object t = spec.get("leaseTransitions");
    if (t != null && (!(t instanceof Number) || ((Number) t).intValue() < 0)) {
      errs.add(
          "spec.leaseTransitions: Invalid value: " + t + ": must be greater than or equal to 0");
    }
    for (String f : List.of("acquireTime", "renewTime")) {
      Object v = spec.get(f);
      if (v != null && !(v instanceof String && MICRO.matcher((String) v).matches())) {
        errs.add("spec." + f + ": Invalid value: \"" + v + "\": not RFC3339Micro");
      }
    }
    return errs;
  }

  private static String verb(String method) {
    switch (method) {
      case "GET":
        return "get";
      case "POST":
        return "create";
      case "PUT":
        return "update";
      default:
        return method.toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static Map<String, Object> status(String reason, String message, int code) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.put("metadata", Map.of());
    s.put("status", "Failure");
    s.put("message", message);
    s.put("reason", reason);
    s.put("code", code);
    return s;
  }

  private static int send(HttpExchange ex, int code, Map<String, Object> body) throws IOException {
    byte[] b = json(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
    return code;
  }

  /** JSON of parsed values (maps, lists, strings, numbers, booleans, null). */
  static String json(Object o) {
    if (o == null) {
      return "null";
    }
    if (o instanceof String) {
      StringBuilder sb = new StringBuilder("\"");
      dev.gitsync.json.JsonStrings.escape(sb, (String) o);
      return sb.append('"').toString();
    }
    if (o instanceof Map) {
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append(json(String.valueOf(e.getKey()))).append(':').append(json(e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (o instanceof List) {
      StringBuilder sb = new StringBuilder("[");
      for (Object v : (List<?>) o) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append(json(v));
      }
      return sb.append(']').toString();
    }
    if (o instanceof Double && ((Double) o) == Math.rint((Double) o)) {
      return Long.toString(((Double) o).longValue());
    }
    return String.valueOf(o);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
