package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gitsync.json.JsonParser;
import dev.gitsync.testing.FakeKubeApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several replicas of git-sync with {@code --notify-leader-election} against a fake API server over
 * HTTPS, and one receiver: what reaches it when all is well, when the leader is killed, when the
 * API is down, and when only one replica fails.
 */
class LeaderElectionIT {
  static final String NS = "apps";
  static final String LEASE = "git-sync-app-test";

  @TempDir Path tmp;
  FakeKubeApi api;
  Receiver rx;
  Repo repo;
  Path sa;
  final Map<String, GitSync> pods = new LinkedHashMap<>();
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws Exception {
    api = new FakeKubeApi(tmp.resolve("pki"), "token-1");
    rx = new Receiver();
    repo = new Repo(tmp.resolve("remote"));
    repo.commit("file.txt", "zero");
    sa = Files.createDirectories(tmp.resolve("serviceaccount"));
    Files.writeString(sa.resolve("token"), "token-1\n");
    Files.writeString(sa.resolve("namespace"), NS);
    Files.copy(tmp.resolve("pki/ca.pem"), sa.resolve("ca.crt"));
  }

  @AfterEach
  void tearDown() {
    pods.values().forEach(GitSync::kill);
    rx.close();
    api.close();
  }

  /**
   * Waits up to a minute, and on a timeout fails with the replica's log and what the receiver got,
   * so that a rare failure in CI can be read afterwards.
   */
  private void awaitWithLog(String alias, String pod, java.util.concurrent.Callable<Boolean> done) {
    try {
      await(alias).atMost(60, SECONDS).until(done);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      String log = pods.get(pod).err();
      StringBuilder got = new StringBuilder();
      rx.requests.forEach(
          r -> got.append(r.body(), 0, Math.min(300, r.body().length())).append('\n'));
      throw new AssertionError(
          alias
              + " timed out; the lease holder: "
              + leader()
              + "\n"
              + pod
              + "'s log (its end):\n"
              + log.substring(Math.max(0, log.length() - 30_000))
              + "\nthe receiver got:\n"
              + got,
          e);
    }
  }

  private GitSync start(String pod, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--repo=" + repo.url(),
                "--root=" + tmp.resolve("root-" + pod),
                "--link=link",
                "--depth=0",
                "--period=500ms",
                "--max-failures=-1",
                "--notify=generic+" + rx.url("/events"),
                "--notify-leader-election",
                "--notify-lease-name=" + LEASE,
                "--kube-api-url=" + api.url(),
                "--kube-service-account-dir=" + sa,
                "--http-bind=127.0.0.1:0",
                "--http-metrics",
                "-v=1"));
    args.addAll(List.of(extra));
    Map<String, String> env = new HashMap<>();
    env.put("POD_NAME", pod);
    GitSync g = GitSync.start(tmp.resolve("work-" + pod), env, args.toArray(String[]::new));
    pods.put(pod, g);
    return g;
  }

  private String published(String pod) {
    try {
      return Files.readSymbolicLink(tmp.resolve("root-" + pod).resolve("link"))
          .getFileName()
          .toString();
    } catch (Exception e) {
      return "";
    }
  }

  private void awaitPublishedEverywhere(String hash) {
    for (String pod : pods.keySet()) {
      await("published on " + pod).atMost(60, SECONDS).until(() -> published(pod).equals(hash));
    }
  }

  /** Every event the receiver got: type, hash, the commits it covers, the pod. */
  private List<Map<String, Object>> events() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Receiver.Request r : rx.requests) {
      out.add(JsonParser.objectOrEmpty(r.body()));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> data(Map<String, Object> e) {
    return (Map<String, Object>) e.get("data");
  }

  private List<Map<String, Object>> of(String type) {
    return events().stream().filter(e -> type.equals(e.get("type"))).toList();
  }

  /** Per commit, how many announcements covered it (as their hash or in their commit list). */
  private Map<String, Integer> coverage() {
    Map<String, Integer> n = new HashMap<>();
    for (Map<String, Object> e : of("sync.succeeded")) {
      Set<String> covered = new TreeSet<>();
      covered.add((String) data(e).get("hash"));
      for (Object c : (List<?>) data(e).getOrDefault("commits", List.of())) {
        covered.add((String) ((Map<?, ?>) c).get("hash"));
      }
      covered.forEach(h -> n.merge(h, 1, Integer::sum));
    }
    return n;
  }

  private String leader() {
    return String.valueOf(api.spec(NS, LEASE, "holderIdentity"));
  }

  private String metrics(GitSync g) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.httpPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void threeReplicas_announceEachCommitOnce_andAfterTheLeaderIsKilledAnotherContinuesTheChain()
      throws Exception {
    List<String> hashes = new ArrayList<>(List.of(repo.head()));
    start("pod-a");
    start("pod-b");
    start("pod-c");
    awaitPublishedEverywhere(hashes.get(0));
    await().atMost(30, SECONDS).until(() -> of("sync.succeeded").size() >= 1);
    for (int i = 1; i <= 10; i++) {
      String h = repo.commit("file.txt", "change " + i);
      hashes.add(h);
      awaitPublishedEverywhere(h);
      await("announced " + i).atMost(30, SECONDS).until(() -> coverage().containsKey(h));
    }
    assertThat(of("sync.succeeded")).as("one message per commit").hasSize(11);
    assertThat(coverage().values()).containsOnly(1);
    String first = leader();
    assertThat(first).isIn("pod-a", "pod-b", "pod-c");
    for (String pod : pods.keySet()) {
      assertThat(metrics(pods.get(pod)))
          .contains(
              "git_sync_notify_leader{lease=\"" + LEASE + "\"} " + (pod.equals(first) ? 1 : 0));
    }

    long killed = System.nanoTime();
    pods.remove(first).kill();
    for (int i = 11; i <= 20; i++) {
      String h = repo.commit("file.txt", "change " + i);
      hashes.add(h);
      awaitPublishedEverywhere(h);
    }
    await("a new leader").atMost(60, SECONDS).until(() -> !leader().equals(first));
    double takeover = (System.nanoTime() - killed) / 1e9;
    await("every commit announced")
        .atMost(60, SECONDS)
        .until(() -> coverage().keySet().containsAll(hashes));
    Map<String, Integer> cov = coverage();
    long twice = hashes.stream().filter(h -> cov.get(h) > 1).count();
    assertThat(twice)
        .as("at most one duplicate for the leader change: " + cov)
        .isLessThanOrEqualTo(1);
    assertThat(hashes).allMatch(h -> cov.get(h) <= 2);
    assertThat(takeover).as("taken over within the lease (15 s) plus retries").isLessThan(25);
    assertThat(of("sync.failed")).isEmpty();
    assertThat(api.spec(NS, LEASE, "leaseTransitions")).isEqualTo(1.0);
    String next = leader();
    assertThat(pods.get(next).err()).contains("taking over notifications");
    System.out.printf(
        "leader %s killed; %s took over %.1f s later; %s%n", first, next, takeover, cov);
  }

  @Test
  void whileTheApiRefuses_everyReplicaSends_andSaysWhy() throws Exception {
    api.mode = FakeKubeApi.Mode.FORBIDDEN;
    start("pod-a", "--notify-lease-duration=6s");
    start("pod-b", "--notify-lease-duration=6s");
    String h0 = repo.head();
    awaitPublishedEverywhere(h0);
    String h1 = repo.commit("file.txt", "one");
    awaitPublishedEverywhere(h1);
    // Each pod sends as if alone once every call has failed for four leases (24 s).
    await().atMost(90, SECONDS).until(() -> coverage().getOrDefault(h1, 0) >= 2);
    for (GitSync g : pods.values()) {
      assertThat(g.err()).contains("can't use the notify lease", "grant get and update on leases");
      // A pod's own held announcement may already have covered h1 twice (held while undecided,
      // then announced again once alone, with the same key): wait for each to say it is alone.
      await()
          .atMost(90, SECONDS)
          .until(() -> g.err().contains("this pod sends notifications as if alone"));
      assertThat(metrics(g))
          .containsPattern(
              "git_sync_notify_lease_api_errors_total\\{lease=\""
                  + LEASE
                  + "\",status=\"403\"\\} [1-9]");
      assertThat(g.err()).doesNotContain("token-1");
    }
    // The grant arrives: one replica leads again, and the next commit is announced once.
    api.mode = FakeKubeApi.Mode.UP;
    await().atMost(60, SECONDS).until(() -> api.lease(NS, LEASE) != null);
    await()
        .atMost(60, SECONDS)
        .until(
            () ->
                pods.values().stream()
                        .filter(g -> g.err().contains("another replica sends notifications"))
                        .count()
                    == 1);
    String h2 = repo.commit("file.txt", "two");
    awaitPublishedEverywhere(h2);
    await().atMost(30, SECONDS).until(() -> coverage().containsKey(h2));
    String h3 = repo.commit("file.txt", "three");
    awaitPublishedEverywhere(h3);
    await().atMost(30, SECONDS).until(() -> coverage().containsKey(h3));
    assertThat(coverage().get(h3)).isEqualTo(1);
  }

  @Test
  void aSharedOutageIsAlertedOnce_aFailureOfOneReplicaByThatReplica_namingIt() throws Exception {
    Path flag = tmp.resolve("break-pod-b");
    Path wrapper = tmp.resolve("git-b.sh");
    Files.writeString(
        wrapper,
        "#!/bin/sh\n"
            + "if [ -e '"
            + flag
            + "' ] && [ \"$1\" = fetch ]; then echo 'fatal: write error: Read-only file system'"
            + " >&2; exit 128; fi\n"
            + "exec git \"$@\"\n");
    wrapper.toFile().setExecutable(true);
    start("pod-a");
    await().atMost(60, SECONDS).until(() -> "pod-a".equals(leader()));
    start("pod-b", "--git=" + wrapper);
    awaitPublishedEverywhere(repo.head());
    await()
        .atMost(30, SECONDS)
        .until(() -> pods.get("pod-b").err().contains("another replica sends notifications"));

    // The remote breaks for everyone: one alert and one recovery, from the leader.
    Path moved = tmp.resolve("moved");
    Files.move(repo.dir, moved);
    await().atMost(60, SECONDS).until(() -> of("sync.failed").size() >= 1);
    await()
        .atMost(60, SECONDS)
        .until(
            () ->
                pods.values().stream()
                    .allMatch(g -> g.err().contains("\"msg\":\"error syncing repo, will retry\"")));
    Files.move(moved, repo.dir);
    await().atMost(60, SECONDS).until(() -> of("sync.recovered").size() >= 1);
    String h1 = repo.commit("file.txt", "after the outage");
    awaitPublishedEverywhere(h1);
    await().atMost(30, SECONDS).until(() -> coverage().containsKey(h1));
    assertThat(of("sync.failed")).hasSize(1);
    assertThat(data(of("sync.failed").get(0)).get("pod")).isEqualTo("pod-a");
    assertThat(of("sync.recovered")).hasSize(1);

    // Only pod-b fails (its file system): pod-b says so, naming itself, and recovers.
    Files.writeString(flag, "");
    await("pod-b's own alert").atMost(60, SECONDS).until(() -> of("sync.failed").size() == 2);
    Map<String, Object> own = data(of("sync.failed").get(1));
    assertThat(own.get("pod")).isEqualTo("pod-b");
    assertThat((String) own.get("error")).contains("Read-only file system");
    Files.delete(flag);
    await().atMost(60, SECONDS).until(() -> of("sync.recovered").size() == 2);
    assertThat(data(of("sync.recovered").get(1)).get("pod")).isEqualTo("pod-b");
  }

  /** Which commits the receiver accepted (answered 2xx), in order; set by {@link #failSink}. */
  final List<String> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** When set, the sink refuses every event but this commit's. */
  volatile String sinkAcceptsOnly;

  /**
   * The receiver answers 503 to every event but those of commit {@link #sinkAcceptsOnly} (when
   * set), and records what it accepted.
   */
  private void failSink() {
    rx.validator =
        r -> {
          Map<String, Object> e = JsonParser.objectOrEmpty(r.body());
          String only = sinkAcceptsOnly;
          if (only != null && !only.equals(data(e).get("hash"))) {
            return new Receiver.Answer(503, "busy", Map.of());
          }
          if ("sync.succeeded".equals(e.get("type"))) {
            accepted.add((String) data(e).get("hash"));
          }
          return new Receiver.Answer(200, "ok", Map.of());
        };
  }

  private long announcementsOf(String hash) {
    return accepted.stream().filter(hash::equals).count();
  }

  @Test
  void aLeaderPausedPastItsLease_announcesNothingWhenItResumes() throws Exception {
    failSink();
    start("pod-a", "--notify-lease-duration=6s");
    await().atMost(60, SECONDS).until(() -> "pod-a".equals(leader()));
    start("pod-b", "--notify-lease-duration=6s");
    String h0 = repo.head();
    awaitPublishedEverywhere(h0);
    await()
        .atMost(30, SECONDS)
        .until(() -> pods.get("pod-b").err().contains("another replica sends notifications"));
    await().atMost(30, SECONDS).until(() -> announcementsOf(h0) == 1);

    pods.get("pod-a").signal("STOP");
    long stopped = System.nanoTime();
    String h1 = repo.commit("file.txt", "while a is paused");
    await("b leads").atMost(60, SECONDS).until(() -> "pod-b".equals(leader()));
    System.out.printf(
        "--notify-lease-duration=6s: leader paused, taken over %.1f s later%n",
        (System.nanoTime() - stopped) / 1e9);
    await("b announces").atMost(60, SECONDS).until(() -> announcementsOf(h1) == 1);
    pods.get("pod-a").signal("CONT");
    await("a resumes and publishes").atMost(60, SECONDS).until(() -> published("pod-a").equals(h1));
    await()
        .atMost(60, SECONDS)
        .until(() -> pods.get("pod-a").err().contains("another replica took the notify lease"));
    // One more commit: by the time it is announced, anything a was going to send about h1 is out.
    String h2 = repo.commit("file.txt", "after a resumed");
    awaitPublishedEverywhere(h2);
    await().atMost(60, SECONDS).until(() -> announcementsOf(h2) == 1);
    assertThat(announcementsOf(h1)).as("the paused leader did not announce again").isEqualTo(1);
    assertThat(accepted).as(accepted.toString()).containsExactly(h0, h1, h2);
  }

  @Test
  void aReplicaThatLeadsFollowsAndLeadsAgain_continuesFromTheRecord_andLosesNothing()
      throws Exception {
    failSink();
    start("pod-a", "--notify-lease-duration=6s");
    await().atMost(60, SECONDS).until(() -> "pod-a".equals(leader()));
    start("pod-b", "--notify-lease-duration=6s");
    String h0 = repo.head();
    awaitPublishedEverywhere(h0);
    await().atMost(30, SECONDS).until(() -> announcementsOf(h0) == 1);

    pods.get("pod-a").signal("STOP");
    await("b leads").atMost(60, SECONDS).until(() -> "pod-b".equals(leader()));
    // The sink fails for all but h0: when a was paused before its record of h0 reached the Lease,
    // b announces h0 again first (by design, once), and a sink refusing that too would keep h5
    // queued behind h0's retries past any wait here (seen in 1 run of 17).
    sinkAcceptsOnly = h0;
    String h5 = repo.commit("file.txt", "while the sink fails");
    await().atMost(60, SECONDS).until(() -> published("pod-b").equals(h5));
    awaitWithLog(
        "b tried it", "pod-b", () -> rx.requests.stream().anyMatch(r -> r.body().contains(h5)));
    pods.remove("pod-b").kill();
    sinkAcceptsOnly = null;
    pods.get("pod-a").signal("CONT");
    await("a leads again").atMost(60, SECONDS).until(() -> "pod-a".equals(leader()));
    // Whether a's record of h0 reached the Lease before a was paused or not (a pause within one
    // renewal period leaves none), a continues from what it knows was announced: h5 is not lost.
    await("h5 announced").atMost(60, SECONDS).until(() -> announcementsOf(h5) == 1);
  }

  @Test
  void aCommitPublishedFirstByAFollower_isAnnouncedWithinSeconds_byTheLeader() throws Exception {
    start("pod-a", "--period=60s");
    await().atMost(60, SECONDS).until(() -> "pod-a".equals(leader()));
    start("pod-b", "--period=60s", "--sync-on-signal=SIGHUP");
    String h0 = repo.head();
    awaitPublishedEverywhere(h0);
    await().atMost(30, SECONDS).until(() -> coverage().containsKey(h0));
    await()
        .atMost(30, SECONDS)
        .until(() -> pods.get("pod-b").err().contains("another replica sends notifications"));
    String h1 = repo.commit("file.txt", "pushed");
    long pushed = System.nanoTime();
    // The push trigger reaches pod-b (a Service picks one pod); pod-a polls only every minute.
    pods.get("pod-b").signal("HUP");
    await().atMost(30, SECONDS).until(() -> published("pod-b").equals(h1));
    await("announced by the leader long before its next poll")
        .atMost(30, SECONDS)
        .until(() -> coverage().containsKey(h1));
    double took = (System.nanoTime() - pushed) / 1e9;
    assertThat(coverage().get(h1)).isEqualTo(1);
    assertThat(data(of("sync.succeeded").get(of("sync.succeeded").size() - 1)).get("pod"))
        .isEqualTo("pod-a");
    System.out.printf("push to announcement through the follower: %.1f s%n", took);
  }
}
