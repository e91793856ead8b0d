package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gitsync.testing.FakeKubeApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --kube-events} against the API server's Events endpoints ({@link FakeKubeApi}): a failing
 * sync is one Warning whose count grows, its recovery a Normal event, giving up a last Warning; an
 * API that refuses is logged once and never stops the sync.
 */
class KubeEventsIT {
  static final String NS = "apps";
  static final String UID = "5f0c7c1e-0b7a-4d5e-9c1f-2a3b4c5d6e7f";

  @TempDir Path tmp;
  FakeKubeApi api;
  Repo repo;
  Path sa;
  GitSync g;

  @BeforeEach
  void setUp() throws Exception {
    api = new FakeKubeApi(tmp.resolve("pki"), "token-1");
    api.pods.put(NS + "/web-0", UID);
    repo = new Repo(tmp.resolve("remote"));
    repo.commit("f", "one");
    sa = Files.createDirectories(tmp.resolve("serviceaccount"));
    Files.writeString(sa.resolve("token"), "token-1\n");
    Files.writeString(sa.resolve("namespace"), NS);
    Files.copy(tmp.resolve("pki/ca.pem"), sa.resolve("ca.crt"));
  }

  @AfterEach
  void tearDown() {
    if (g != null) {
      g.kill();
    }
    api.close();
  }

  private GitSync start(String... extra) throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--repo=" + repo.url(),
                "--root=" + tmp.resolve("root"),
                "--period=100ms",
                "--kube-events",
                "--kube-api-url=" + api.url(),
                "--kube-service-account-dir=" + sa));
    a.addAll(List.of(extra));
    g = GitSync.start(tmp, Map.of("POD_NAME", "web-0"), a.toArray(new String[0]));
    return g;
  }

  private List<Map<String, Object>> byReason(String reason) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> e : api.events.values()) {
      if (reason.equals(e.get("reason"))) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void aFailingSyncIsOneWarningThatCounts_itsRecoveryNormal_andGivingUpALastWarning()
      throws Exception {
    start("--max-failures=40");
    await().atMost(30, SECONDS).until(() -> Files.isSymbolicLink(tmp.resolve("root/remote")));
    Files.move(repo.dir, tmp.resolve("moved"));
    await()
        .atMost(60, SECONDS)
        .until(
            () ->
                byReason("SyncFailed").size() == 1
                    && ((Number) byReason("SyncFailed").get(0).get("count")).intValue() >= 5);
    Map<String, Object> failed = byReason("SyncFailed").get(0);
    assertThat(failed.get("type")).isEqualTo("Warning");
    assertThat(cast(failed.get("involvedObject")))
        .containsEntry("kind", "Pod")
        .containsEntry("name", "web-0")
        .containsEntry("namespace", NS)
        .containsEntry("uid", UID);
    assertThat(String.valueOf(failed.get("message")))
        .contains("does not appear to be a git repository");
    Files.move(tmp.resolve("moved"), repo.dir);
    await().atMost(60, SECONDS).until(() -> byReason("SyncRecovered").size() == 1);
    assertThat(byReason("SyncRecovered").get(0).get("type")).isEqualTo("Normal");

    // A new outage is a new Event; then git-sync gives up and says so before it exits.
    Files.move(repo.dir, tmp.resolve("moved"));
    await().atMost(60, SECONDS).until(() -> byReason("SyncFailed").size() == 2);
    assertThat(g.waitFor(120)).isEqualTo(1);
    assertThat(byReason("GivingUp")).hasSize(1);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void anApiThatRefusesEvents_isLoggedOnce_andTheSyncGoesOn() throws Exception {
    api.forbidEvents = true;
    start("--max-failures=-1", "--http-bind=127.0.0.1:0", "--http-metrics");
    await().atMost(30, SECONDS).until(() -> Files.isSymbolicLink(tmp.resolve("root/remote")));
    Files.move(repo.dir, tmp.resolve("moved"));
    await()
        .atMost(60, SECONDS)
        .until(() -> api.calls.stream().filter(c -> c.startsWith("POST events 403")).count() >= 3);
    assertThat(g.err().split("the Kubernetes API refused an Event", -1)).hasSize(2);
    assertThat(g.err()).contains("cannot create resource");
    String metrics =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + g.httpPort() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .containsPattern(
            "git_sync_kube_events_total\\{reason=\"SyncFailed\",result=\"error\"} [3-9]");
    Files.move(tmp.resolve("moved"), repo.dir);
    String two = repo.commit("f", "two");
    await()
        .atMost(60, SECONDS)
        .until(
            () ->
                Files.readSymbolicLink(tmp.resolve("root/remote"))
                    .getFileName()
                    .toString()
                    .equals(two));
  }

  @Test
  void withLeaderElectionToo_theLeaseAndTheEventsShareOneApiClient() throws Exception {
    Receiver sink = new Receiver();
    try {
      // A ref that does not exist: every pass fails, which makes an Event; the elector writes the
      // Lease; so both have used the Kubernetes API.
      start(
          "--ref=no-such-branch",
          "--max-failures=-1",
          "--notify=generic+" + sink.url("/hook"),
          "--notify-leader-election",
          "--notify-lease-name=web");
      await().atMost(60, SECONDS).until(() -> api.lease(NS, "web") != null);
      await().atMost(60, SECONDS).until(() -> !byReason("SyncFailed").isEmpty());
      // Each JDK HTTP client has one selector thread, "HttpClient-N-SelectorManager"
      // ("HttpClient-N-Se"
      // in comm): one for the notifications, one for the Kubernetes API (there were two).
      long selectors;
      try (var tasks = Files.list(Path.of("/proc/" + g.pid() + "/task"))) {
        selectors =
            tasks.map(KubeEventsIT::comm).filter(c -> c.matches("HttpClient-\\d+-Se.*")).count();
      }
      assertThat(selectors).isEqualTo(2);
    } finally {
      sink.close();
    }
  }

  /** A thread's name as the kernel keeps it (empty if the thread has ended). */
  private static String comm(Path task) {
    try {
      return Files.readString(task.resolve("comm")).strip();
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  void withoutAServiceAccount_theFlagSaysWhatIsMissing() throws Exception {
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of("POD_NAME", "web-0"),
            "--repo=" + repo.url(),
            "--root=" + tmp.resolve("root"),
            "--one-time",
            "--kube-events",
            "--kube-api-url=" + api.url(),
            "--kube-service-account-dir=" + tmp.resolve("nowhere"));
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("--kube-events: ", "nowhere/token can't be read");
  }
}
