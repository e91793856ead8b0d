package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gitsync.testing.Forges;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push triggers, black box: each forge's deliveries (as its documentation shapes them) sent to a
 * running git-sync whose period is an hour, so only a trigger can publish a commit.
 */
class TriggerIT {
  static final String SECRET = "trigger-secret-9f2c7d1e";

  @TempDir Path tmp;
  GitHttpServer server;
  Repo repo;
  String url;
  Path root;
  Path secretFile;
  GitSync g;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws Exception {
    Path projects = tmp.resolve("projects");
    repo = new Repo(projects.resolve("team/app"));
    repo.commit("file.txt", "one");
    server = new GitHttpServer(projects);
    url = server.url("team/app");
    root = tmp.resolve("root");
    secretFile = Files.writeString(tmp.resolve("secret"), SECRET + "\n");
  }

  @AfterEach
  void tearDown() {
    if (g != null) {
      g.kill();
    }
    server.close();
  }

  private void start(String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--repo=" + url,
                "--root=" + root,
                "--link=link",
                "--period=1h",
                "--trigger-bind=127.0.0.1:0",
                "--trigger-secret-file=" + secretFile,
                "--http-bind=127.0.0.1:0",
                "--http-metrics",
                "-v=3"));
    args.addAll(List.of(extra));
    g = GitSync.start(tmp, args.toArray(String[]::new));
    try {
      await().atMost(60, SECONDS).until(() -> Files.exists(root.resolve("link")));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("no first sync; git-sync said:\n" + g.err(), e);
    }
  }

  private String published() throws Exception {
    return Files.readSymbolicLink(root.resolve("link")).getFileName().toString();
  }

  private HttpResponse<String> post(Forges.Delivery d) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.triggerPort() + "/trigger"))
            .POST(HttpRequest.BodyPublishers.ofString(d.body()));
    d.headers().forEach(b::header);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String get(int port, String path) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The value of a counter on {@code /metrics}, 0 when absent. */
  private double metric(String series) throws Exception {
    String body = get(g.httpPort(), "/metrics");
    double sum = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith(series) && !line.startsWith("#")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private double passes() throws Exception {
    return metric("git_sync_count_total{");
  }

  /** The {@code by} of every pass logged so far. */
  private List<String> passesBy() {
    List<String> by = new ArrayList<>();
    Matcher m =
        Pattern.compile("\"msg\":\"syncing\",\"ref\":\"[^\"]*\",\"by\":\"([^\"]*)\"")
            .matcher(g.err());
    while (m.find()) {
      by.add(m.group(1));
    }
    return by;
  }

  @Test
  void everySender_aSignedPushToTheBranch_publishesIt_whilePollingWaitsAnHour() throws Exception {
    start();
    String webUrl = url; // the forges' payloads name the repository by its web or clone URL
    Map<String, Function<String, Forges.Delivery>> senders = new LinkedHashMap<>();
    senders.put(
        "github",
        id -> Forges.github(SECRET, "push", "refs/heads/main", webUrl + ".git", false, id));
    senders.put("gitlab", id -> Forges.gitlab(SECRET, "Push Hook", "refs/heads/main", webUrl, id));
    senders.put("gitea", id -> Forges.gitea(SECRET, false, "refs/heads/main", webUrl, id));
    senders.put("forgejo", id -> Forges.gitea(SECRET, true, "refs/heads/main", webUrl, id));
    senders.put("bitbucket", id -> Forges.bitbucket(SECRET, "branch", "main", webUrl, false, id));
    senders.put(
        "standard",
        id ->
            Forges.standard(
                SECRET, "{\"ref\":\"refs/heads/main\"}", id, System.currentTimeMillis() / 1000));
    senders.put(
        "bearer", id -> new Forges.Delivery(Map.of("Authorization", "Bearer " + SECRET), ""));
    int n = 0;
    for (Map.Entry<String, Function<String, Forges.Delivery>> s : senders.entrySet()) {
      String hash = repo.commit("file.txt", "change for " + s.getKey());
      String id = "delivery-" + s.getKey() + "-" + (++n);
      HttpResponse<String> r = post(s.getValue().apply(id));
      assertThat(r.statusCode()).as(s.getKey() + ": " + r.body()).isEqualTo(202);
      await(s.getKey()).atMost(30, SECONDS).until(() -> published().equals(hash));
      assertThat(
              metric("git_sync_trigger_total{source=\"" + s.getKey() + "\",result=\"scheduled\"}"))
          .as(s.getKey())
          .isEqualTo(1);
    }
    assertThat(passesBy())
        .anyMatch(b -> b.startsWith("trigger: github push to refs/heads/main (delivery delivery-"))
        .anyMatch(b -> b.startsWith("trigger: bitbucket"))
        .anyMatch(b -> b.startsWith("trigger: bearer"));
    assertThat(passesBy()).first().isEqualTo("start");
    assertThat(passesBy()).noneMatch(b -> b.equals("period"));
  }

  /**
   * GitHub sends push payloads up to 25 MB. They are verified while they stream in and only their
   * first MiB is kept, so the sidecar's 32 MiB heap takes them; a wrong signature is still a 401.
   */
  @Test
  void aTwentyFiveMegabytePush_isVerifiedAsItStreams_andPublishes_withinTheHeap() throws Exception {
    start();
    long pid = g.pid();
    String hash = repo.commit("file.txt", "a big push");
    StringBuilder commits = new StringBuilder();
    String message = "m".repeat(64 * 1024);
    for (int i = 0; commits.length() < 25 << 20; i++) {
      commits.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i).append("\",\"message\":\"");
      commits.append(message).append("\"}");
    }
    String body =
        "{\"ref\":\"refs/heads/main\",\"after\":\""
            + hash
            + "\",\"repository\":{\"clone_url\":\""
            + url
            + ".git\",\"default_branch\":\"main\"},\"commits\":["
            + commits
            + "]}";
    Forges.Delivery push =
        Forges.github(SECRET, "push", "refs/heads/main", url, false, "huge-1")
            .with("X-Hub-Signature-256", "sha256=" + Forges.hex(SECRET, body));
    HttpResponse<String> wrong =
        post(
            new Forges.Delivery(
                push.with("X-Hub-Signature-256", "sha256=" + Forges.hex("wrong", body)).headers(),
                body));
    assertThat(wrong.statusCode()).isEqualTo(401);
    HttpResponse<String> r = post(new Forges.Delivery(push.headers(), body));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    await().atMost(30, SECONDS).until(() -> published().equals(hash));
    // A push for another branch, with its ref past the first MiB: not known, so it syncs.
    String late = "{\"commits\":[" + commits + "],\"ref\":\"refs/heads/other\"}";
    HttpResponse<String> unknown =
        post(
            new Forges.Delivery(
                Forges.github(SECRET, "push", "refs/heads/main", url, false, "huge-2")
                    .with("X-Hub-Signature-256", "sha256=" + Forges.hex(SECRET, late))
                    .headers(),
                late));
    assertThat(unknown.statusCode()).isEqualTo(202);
    String status = Files.readString(Path.of("/proc/" + pid + "/status"));
    Matcher hwm = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(status);
    assertThat(hwm.find()).isTrue();
    System.out.printf(
        "two 25 MiB pushes verified as they streamed: peak RSS %.1f MiB (heap -Xmx32m)%n",
        Long.parseLong(hwm.group(1)) / 1024.0);
  }

  /**
   * Eight strangers each send one unsigned request with a large body, then idle: a genuine signed
   * push with a 9 KB body is still scheduled (it got 503 while they idled on 9bded2f).
   */
  @Test
  void strangersWithLargeUnsignedBodies_doNotLockOutAGenuinePush() throws Exception {
    start();
    String hash = repo.commit("file.txt", "pushed while strangers idle");
    List<java.net.Socket> strangers = new ArrayList<>();
    try {
      String junk = "{\"x\":\"" + "j".repeat(900 * 1024) + "\"}";
      for (int i = 0; i < 8; i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", g.triggerPort());
        s.setSoTimeout(30_000);
        strangers.add(s);
        s.getOutputStream()
            .write(
                ("POST /trigger HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: push\r\n"
                        + "X-Hub-Signature-256: sha256=00\r\nContent-Length: "
                        + junk.length()
                        + "\r\n\r\n"
                        + junk)
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer =
            new String(
                s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(answer).isEqualTo("HTTP/1.1 401");
      }
      String pad = "p".repeat(9 * 1024);
      String body =
          "{\"ref\":\"refs/heads/main\",\"repository\":{\"clone_url\":\""
              + url
              + ".git\"},\"pad\":\""
              + pad
              + "\"}";
      Forges.Delivery push =
          Forges.github(SECRET, "push", "refs/heads/main", url, false, "genuine-9k")
              .with("X-Hub-Signature-256", "sha256=" + Forges.hex(SECRET, body));
      HttpResponse<String> r = post(new Forges.Delivery(push.headers(), body));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      await().atMost(30, SECONDS).until(() -> published().equals(hash));
    } finally {
      for (java.net.Socket s : strangers) {
        s.close();
      }
    }
  }

  @Test
  void aTagPush_publishesAMovedTag() throws Exception {
    repo.git("tag", "v1");
    start("--ref=v1");
    String moved = repo.commit("file.txt", "two");
    repo.git("tag", "-f", "v1");
    assertThat(post(Forges.gitlab(SECRET, "Tag Push Hook", "refs/tags/v1", url, "t1")).statusCode())
        .isEqualTo(202);
    await().atMost(30, SECONDS).until(() -> published().equals(moved));
  }

  @Test
  void otherRefsTagsRepositoriesPingsAndDeletions_areAnswered200_andStartNoPass() throws Exception {
    start();
    String first = published();
    String next = repo.commit("file.txt", "two");
    double before = passes();
    String other = server.url("team/other");
    List<Forges.Delivery> ignored =
        List.of(
            Forges.github(SECRET, "ping", "", url, false, "ig-ping"),
            Forges.github(SECRET, "push", "refs/heads/dev", url, false, "ig-branch"),
            Forges.github(SECRET, "push", "refs/tags/v9", url, false, "ig-tag"),
            Forges.github(SECRET, "push", "refs/heads/main", url, true, "ig-deleted"),
            Forges.github(SECRET, "push", "refs/heads/main", other, false, "ig-repo"),
            Forges.gitlab(SECRET, "Push Hook", "refs/heads/dev", url, "ig-gl"),
            Forges.bitbucket(SECRET, "tag", "v9", url, false, "ig-bb"),
            Forges.gitea(SECRET, true, "refs/heads/dev", url, "ig-fj"));
    List<String> answers = new ArrayList<>();
    for (Forges.Delivery d : ignored) {
      HttpResponse<String> r = post(d);
      answers.add(r.statusCode() + " " + r.body().strip());
    }
    assertThat(answers)
        .containsExactly(
            "200 pong",
            "200 ignored: another ref",
            "200 ignored: another ref",
            "200 ignored: the ref was deleted",
            "200 ignored: another repository",
            "200 ignored: another ref",
            "200 ignored: another ref",
            "200 ignored: another ref");
    assertThat(published()).isEqualTo(first);
    // Then a push to the branch: had an ignored delivery woken the loop, the pass it started would
    // name it, and the valid one (inside the same second) would have needed a pass of its own.
    assertThat(
            post(Forges.github(SECRET, "push", "refs/heads/main", url, false, "ok")).statusCode())
        .isEqualTo(202);
    await().atMost(30, SECONDS).until(() -> published().equals(next));
    assertThat(passesBy()).noneMatch(b -> b.contains("ig-"));
    await().atMost(30, SECONDS).until(() -> passes() == before + 1);
    assertThat(metric("git_sync_trigger_total{source=\"github\",result=\"ignored\"}")).isEqualTo(5);
  }

  @Test
  void wrongOrMissingSignatures_replays_oversizedBodies_otherMethods_areRefused_saySoAndNoSecret()
      throws Exception {
    start();
    String hash = repo.commit("file.txt", "two");
    Map<String, Forges.Delivery> wrong = new LinkedHashMap<>();
    wrong.put("github", Forges.github("guess", "push", "refs/heads/main", url, false, "w1"));
    wrong.put("gitlab", Forges.gitlab("guess", "Push Hook", "refs/heads/main", url, "w2"));
    wrong.put("gitea", Forges.gitea("guess", false, "refs/heads/main", url, "w3"));
    wrong.put("forgejo", Forges.gitea("guess", true, "refs/heads/main", url, "w4"));
    wrong.put("bitbucket", Forges.bitbucket("guess", "branch", "main", url, false, "w5"));
    wrong.put("standard", Forges.standard("guess", "{}", "w6", System.currentTimeMillis() / 1000));
    wrong.put(
        "stale standard",
        Forges.standard(SECRET, "{}", "w7", System.currentTimeMillis() / 1000 - 600));
    wrong.put("bearer", new Forges.Delivery(Map.of("Authorization", "Bearer guess"), ""));
    wrong.put("nothing", new Forges.Delivery(Map.of("X-GitHub-Event", "push"), "{}"));
    Forges.Delivery good = Forges.github(SECRET, "push", "refs/heads/main", url, false, "once");
    wrong.put(
        "a body changed after signing",
        new Forges.Delivery(good.headers(), good.body().replace("main", "dev")));
    for (Map.Entry<String, Forges.Delivery> w : wrong.entrySet()) {
      HttpResponse<String> r = post(w.getValue());
      assertThat(r.statusCode()).as(w.getKey()).isEqualTo(401);
      assertThat(r.body()).doesNotContain(SECRET, "guess");
    }
    assertThat(published()).as("nothing refused syncs").isNotEqualTo(hash);

    assertThat(post(good).statusCode()).isEqualTo(202);
    HttpResponse<String> replay = post(good);
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.body()).contains("duplicate");
    await().atMost(30, SECONDS).until(() -> published().equals(hash));

    String big = "{\"ref\":\"refs/heads/main\",\"pad\":\"" + "x".repeat(33 << 20) + "\"}";
    Forges.Delivery huge =
        Forges.github(SECRET, "push", "refs/heads/main", url, false, "big")
            .with("X-Hub-Signature-256", "sha256=" + Forges.hex(SECRET, big));
    HttpResponse<String> tooLarge = post(new Forges.Delivery(huge.headers(), big));
    assertThat(tooLarge.statusCode()).as("over 32 MiB").isEqualTo(413);

    HttpResponse<String> junk =
        post(
            new Forges.Delivery(
                Map.of(
                    "X-GitHub-Event",
                    "push",
                    "X-Hub-Signature-256",
                    "sha256=" + Forges.hex(SECRET, "{1,2")),
                "{1,2"));
    assertThat(junk.statusCode()).isEqualTo(400);
    HttpResponse<String> getting =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.triggerPort() + "/trigger"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(getting.statusCode()).isEqualTo(405);
    HttpResponse<String> elsewhere =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.triggerPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(elsewhere.statusCode()).as("the admin routes are not on this port").isEqualTo(404);

    assertThat(metric("git_sync_trigger_total{source=\"github\",result=\"unauthorized\"}"))
        .as("wrong, unsigned, and changed after signing")
        .isEqualTo(3);
    assertThat(metric("git_sync_trigger_total{source=\"unknown\",result=\"too_large\"}"))
        .isEqualTo(1);
    assertThat(metric("git_sync_trigger_total{source=\"github\",result=\"duplicate\"}"))
        .isEqualTo(1);
    assertThat(g.err()).doesNotContain(SECRET).contains("push trigger refused");
    assertThat(get(g.httpPort(), "/metrics")).doesNotContain(SECRET);
  }

  @Test
  void aBurstOfAThousandTriggers_startsAHandfulOfPasses_andTheProbeKeepsAnswering()
      throws Exception {
    start();
    int admin = g.httpPort();
    int trigger = g.triggerPort();
    String hash = repo.commit("file.txt", "two");
    double before = passes();
    AtomicBoolean bursting = new AtomicBoolean(true);
    List<Long> probeMillis = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Integer> probeStatus = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread probe =
        new Thread(
            () -> {
              HttpClient c = HttpClient.newHttpClient();
              while (bursting.get()) {
                long t0 = System.nanoTime();
                try {
                  int s =
                      c.send(
                              HttpRequest.newBuilder(
                                      URI.create("http://127.0.0.1:" + admin + "/healthz"))
                                  .timeout(Duration.ofSeconds(30))
                                  .build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode();
                  probeStatus.add(s);
                } catch (Exception e) {
                  probeStatus.add(-1);
                }
                probeMillis.add((System.nanoTime() - t0) / 1_000_000);
              }
            });
    probe.start();
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        Forges.Delivery d =
            Forges.github(SECRET, "push", "refs/heads/main", url, false, "burst-" + i);
        sent.add(
            pool.submit(
                () -> {
                  HttpRequest.Builder b =
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + trigger + "/trigger"))
                          .POST(HttpRequest.BodyPublishers.ofString(d.body()));
                  d.headers().forEach(b::header);
                  int s =
                      client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                  statuses.merge(s, 1, Integer::sum);
                  return null;
                }));
      }
      for (Future<?> f : sent) {
        f.get(120, SECONDS);
      }
    } finally {
      pool.shutdownNow();
      bursting.set(false);
      probe.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(statuses.keySet()).containsOnly(202, 429);
    assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
    await().atMost(30, SECONDS).until(() -> published().equals(hash));
    assertThat(probeStatus).isNotEmpty().containsOnly(200);
    // Each interval starts at most one pass at once and schedules at most one at its end.
    double scheduled = metric("git_sync_trigger_total{source=\"github\",result=\"scheduled\"}");
    assertThat(scheduled).isLessThanOrEqualTo(2 * (Math.ceil(seconds) + 1));
    await().atMost(30, SECONDS).until(() -> passes() - before >= 1);
    assertThat(passes() - before).isLessThanOrEqualTo(scheduled);
    assertThat(statuses.get(202)).isLessThanOrEqualTo(20 * ((int) Math.ceil(seconds) + 1));
    System.out.printf(
        "burst of 1000 in %.2f s: %s; %.0f passes; /healthz %d answers, slowest %d ms%n",
        seconds,
        statuses,
        passes() - before,
        probeMillis.size(),
        probeMillis.stream().mapToLong(Long::longValue).max().orElse(0));
  }
}
