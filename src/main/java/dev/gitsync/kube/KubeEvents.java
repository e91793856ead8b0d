package dev.gitsync.kube;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.HttpTransport;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.log.Json;
import dev.gitsync.log.Log;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * {@code --kube-events}: core/v1 Events on the pod, so {@code kubectl describe pod} tells what is
 * wrong. Written as the kubelet writes them: an Event named {@code <pod>.<hex nanos>} with {@code
 * involvedObject} the pod (its UID read once from the API), {@code reason}, {@code message}, {@code
 * type} Normal or Warning, {@code count}, {@code firstTimestamp} and {@code lastTimestamp}; a
 * repeat of the same reason while it lasts is aggregated into that Event ({@code PATCH} with a
 * merge patch of count, message and lastTimestamp), and a new one starts after {@link #clear}.
 *
 * <p>Design: the sync loop never waits for the API. Events go through a bounded queue to a thread
 * of their own; a full queue drops the event and counts it. An API that refuses (403 without RBAC
 * for events, an outage) is logged once per reason and status and counted, never fatal. The token
 * is read again before each call (bound tokens rotate).
 */
public final class KubeEvents implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_MESSAGE = 1024;
  private static final int QUEUE = 64;

  private record Job(String type, String reason, String message, boolean clear) {}

  private record Current(String name, int count, Instant first) {}

  private final HttpTransport http;
  private final URI api;
  private final String namespace;
  private final String pod;
  private final Path tokenFile;
  private final Clock clock;
  private final Log log;
  private final BiConsumer<String, String> counter;
  private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>(QUEUE);
  private final Map<String, Current> current = new HashMap<>();
  private final java.util.Set<String> logged = new java.util.HashSet<>();
  private final Thread thread;
  private final java.util.concurrent.atomic.AtomicInteger pending =
      new java.util.concurrent.atomic.AtomicInteger();
  private String uid;
  private boolean uidRead;

  /**
   * Events about {@code pod} in {@code namespace}.
   *
   * @param http trusts only the cluster's CA and follows no redirects
   * @param counter told (reason, result) about every event: sent, error or dropped
   */
  public KubeEvents(
      HttpTransport http,
      URI api,
      String namespace,
      String pod,
      Path tokenFile,
      Clock clock,
      Log log,
      BiConsumer<String, String> counter) {
    this.http = http;
    this.api = URI.create(api.toString().replaceAll("/+$", ""));
    this.namespace = namespace;
    this.pod = pod;
    this.tokenFile = tokenFile;
    this.clock = clock;
    this.log = log;
    this.counter = counter;
    this.thread = new Thread(this::run, "kube-events");
    this.thread.setDaemon(true);
  }

  /** Starts the thread. */
  public void start() {
    thread.start();
  }

  /** Something is wrong ({@code Warning}); a repeat of {@code reason} adds to its Event. */
  public void warning(String reason, String message) {
    offer(new Job("Warning", reason, message, false));
  }

  /** Something went right ({@code Normal}). */
  public void normal(String reason, String message) {
    offer(new Job("Normal", reason, message, false));
  }

  /** The trouble of {@code reason} is over: its next occurrence starts a new Event. */
  public void clear(String reason) {
    offer(new Job("", reason, "", true));
  }

  private void offer(Job j) {
    pending.incrementAndGet();
    if (!queue.offer(j)) {
      pending.decrementAndGet();
      counter.accept(j.reason(), "dropped");
    }
  }

  /** Waits up to {@code max} for what is queued to be written (before the process exits). */
  public void drain(Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (pending.get() > 0 && System.nanoTime() < end) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private void run() {
    try {
      while (true) {
        Job j = queue.take();
        try {
          handle(j);
        } catch (RuntimeException e) {
          log.error(String.valueOf(e), "can't record a Kubernetes Event");
        } finally {
          pending.decrementAndGet();
        }
      }
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(Job j) throws InterruptedException {
    if (j.clear()) {
      current.remove(j.reason());
      return;
    }
    if (!uidRead) {
      uidRead = true;
      uid = readUid();
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    String message = cut(j.message());
    Current c = current.get(j.reason());
    if (c != null && j.type().equals("Warning")) {
      Map<String, Object> patch = new LinkedHashMap<>();
      patch.put("count", c.count() + 1);
      patch.put("message", message);
      patch.put("lastTimestamp", now.toString());
      int status =
          call(
              "PATCH",
              URI.create(events() + "/" + URLEncoder.encode(c.name(), StandardCharsets.UTF_8)),
              "application/merge-patch+json",
              json(patch));
      if (status >= 200 && status < 300) {
        current.put(j.reason(), new Current(c.name(), c.count() + 1, c.first()));
        counter.accept(j.reason(), "sent");
        return;
      }
      current.remove(j.reason()); // Gone (expired after an hour, or deleted): start anew.
    }
    Instant at = clock.instant();
    String name = pod + "." + Long.toHexString(at.getEpochSecond() * 1_000_000_000L + at.getNano());
    int status =
        call("POST", URI.create(events()), "application/json", json(event(name, j, message, now)));
    if (status >= 200 && status < 300) {
      if (j.type().equals("Warning")) {
        current.put(j.reason(), new Current(name, 1, now));
      }
      counter.accept(j.reason(), "sent");
    } else {
      counter.accept(j.reason(), "error");
    }
  }

  private Map<String, Object> event(String name, Job j, String message, Instant now) {
    Map<String, Object> involved = new LinkedHashMap<>();
    involved.put("apiVersion", "v1");
    involved.put("kind", "Pod");
    involved.put("name", pod);
    involved.put("namespace", namespace);
    if (uid != null) {
      involved.put("uid", uid);
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("apiVersion", "v1");
    e.put("kind", "Event");
    e.put("metadata", Map.of("name", name, "namespace", namespace));
    e.put("involvedObject", involved);
    e.put("reason", j.reason());
    e.put("message", message);
    e.put("type", j.type());
    e.put("count", 1);
    e.put("firstTimestamp", now.toString());
    e.put("lastTimestamp", now.toString());
    e.put("source", Map.of("component", "git-sync"));
    e.put("reportingComponent", "git-sync");
    e.put("reportingInstance", pod);
    return e;
  }

  private String readUid() throws InterruptedException {
    InboundResponse r =
        send(
            "GET",
            URI.create(
                api
                    + "/api/v1/namespaces/"
                    + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
                    + "/pods/"
                    + URLEncoder.encode(pod, StandardCharsets.UTF_8)),
            null,
            null);
    if (r != null && r.status() == 200) {
      Object md = JsonParser.objectOrEmpty(r.body()).get("metadata");
      Object u = md instanceof Map ? ((Map<?, ?>) md).get("uid") : null;
      if (u instanceof String && ((String) u).matches("[0-9a-fA-F-]{1,64}")) {
        return (String) u;
      }
    }
    log.info(
        0,
        "can't read this pod's UID (get on pods): Events name the pod without it",
        "status",
        r == null ? "unreachable" : Integer.toString(r.status()));
    return null;
  }

  private String events() {
    return api
        + "/api/v1/namespaces/"
        + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
        + "/events";
  }

  private int call(String method, URI uri, String type, String body) throws InterruptedException {
    InboundResponse r = send(method, uri, type, body);
    int status = r == null ? 0 : r.status();
    if (status < 200 || status >= 300) {
      String key = method + " " + status;
      if (logged.add(key)) {
        Map<String, Object> o = r == null ? Map.of() : JsonParser.objectOrEmpty(r.body());
        log.error(
            cut(String.valueOf(o.getOrDefault("message", r == null ? "unreachable" : ""))),
            "the Kubernetes API refused an Event (logged once per kind of answer; counted in"
                + " git_sync_kube_events_total)",
            "status",
            status,
            "reason",
            cut(String.valueOf(o.getOrDefault("reason", ""))));
      }
    }
    return status;
  }

  private InboundResponse send(String method, URI uri, String type, String body)
      throws InterruptedException {
    String token;
    try {
      token = BoundedFiles.readString(tokenFile, BoundedFiles.SMALL).strip();
    } catch (IOException e) {
      return null;
    }
    List<Map.Entry<String, String>> h =
        body == null
            ? List.of(
                Map.entry("Authorization", "Bearer " + token),
                Map.entry("Accept", "application/json"))
            : List.of(
                Map.entry("Authorization", "Bearer " + token),
                Map.entry("Accept", "application/json"),
                Map.entry("Content-Type", type),
                Map.entry("User-Agent", "git-sync-java"));
    try {
      return http.send(
          new OutboundRequest(
              method,
              uri,
              h,
              body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
              TIMEOUT));
    } catch (IOException e) {
      return null;
    }
  }

  private static String json(Map<String, Object> m) {
    StringBuilder sb = new StringBuilder();
    Json.append(sb, m, null);
    return sb.toString();
  }

  private static String cut(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < MAX_MESSAGE; i++) {
      char c = s.charAt(i);
      b.append(c == '\n' || c == '\t' || !Character.isISOControl(c) ? c : '?');
    }
    return s.length() > MAX_MESSAGE ? b + "…" : b.toString();
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
