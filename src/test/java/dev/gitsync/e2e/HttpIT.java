package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP endpoint, black box: probes, readiness, metrics and debug endpoints. */
class HttpIT {
  @TempDir Path tmp;
  Repo repo;
  Path root;
  GitSync g;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
    repo.commit("file.txt", "one");
    root = tmp.resolve("root");
  }

  @AfterEach
  void tearDown() {
    if (g != null) {
      g.kill();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probes_notReadyUntilFirstSync_thenReady_readyzGoesStaleOnFailures() throws Exception {
    Path late = tmp.resolve("late");
    g =
        GitSync.start(
            tmp,
            "--repo=file://" + late,
            "--root=" + root,
            "--http-bind=127.0.0.1:0",
            "--period=100ms",
            // Long enough for a sync on a busy host; readiness goes stale 2.2 s after a success.
            "--sync-timeout=2s",
            "--max-failures=-1",
            "--init-max-failures=-1",
            "--http-ready-max-periods=2");
    int port = g.httpPort();
    assertThat(get(port, "/").statusCode()).isEqualTo(503);
    assertThat(get(port, "/").body()).isEqualTo("repo is not ready");
    assertThat(get(port, "/anything/else").statusCode()).isEqualTo(503);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(port, "/readyz").statusCode()).isEqualTo(503);

    Files.move(repo.dir, late);
    await().atMost(30, SECONDS).until(() -> get(port, "/").statusCode() == 200);
    assertThat(get(port, "/").body()).isEmpty();
    assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);

    Files.move(late, tmp.resolve("gone"));
    await().atMost(30, SECONDS).until(() -> get(port, "/readyz").statusCode() == 503);
    assertThat(get(port, "/readyz").body()).startsWith("last successful sync was");
    assertThat(get(port, "/").statusCode()).isEqualTo(200);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(port, "/metrics").statusCode()).as("metrics off").isEqualTo(200);
    assertThat(get(port, "/metrics").body()).isEmpty();
  }

  @Test
  void metrics_upstreamNamesTypesAndLabels() throws Exception {
    Receiver receiver = new Receiver();
    try {
      g =
          GitSync.start(
              tmp,
              "--repo=" + repo.url(),
              "--root=" + root,
              "--http-bind=127.0.0.1:0",
              "--http-metrics",
              "--period=100ms",
              "--webhook-url=" + receiver.url("/h"));
      int port = g.httpPort();
      await()
          .atMost(30, SECONDS)
          .until(
              () -> get(port, "/metrics").body().contains("git_sync_count_total{status=\"noop\"}"));
      await().atMost(30, SECONDS).until(() -> !receiver.requests.isEmpty());
      await()
          .atMost(30, SECONDS)
          .until(() -> get(port, "/metrics").body().contains("git_sync_hook_run_count_total"));
      HttpResponse<String> r = get(port, "/metrics");
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      String m = r.body();
      assertThat(m)
          .contains(
              "# HELP git_sync_duration_seconds Summary of git_sync durations\n"
                  + "# TYPE git_sync_duration_seconds summary\n")
          .contains("git_sync_duration_seconds_sum{status=\"success\"} ")
          .contains("git_sync_duration_seconds_count{status=\"success\"} 1\n")
          .contains("# TYPE git_sync_count_total counter\n")
          .contains("git_sync_count_total{status=\"success\"} 1\n")
          .contains(
              "# HELP git_fetch_count_total How many git fetches were run\n"
                  + "# TYPE git_fetch_count_total counter\ngit_fetch_count_total 1\n")
          .contains(
              "# TYPE git_sync_hook_run_count_total counter\n"
                  + "git_sync_hook_run_count_total{name=\"webhook\",status=\"success\"} 1\n")
          .contains("git_sync_current_hash_info{hash=\"" + repo.head() + "\"} 1\n")
          .contains("# TYPE git_sync_last_success_timestamp_seconds gauge\n")
          .contains(
              "process_resident_memory_bytes ",
              "process_cpu_seconds_total ",
              "jvm_memory_bytes_used{area=\"heap\"} ");
      for (String line : m.split("\n")) {
        assertThat(line)
            .matches(
                "# (HELP|TYPE) .*|[a-z_]+(\\{[^}]*})? [-+0-9.e]+|[a-z_]+(\\{[^}]*})? [-+]?(Inf|NaN)");
      }
    } finally {
      receiver.close();
    }
  }

  @Test
  void debugEndpoints_threadDumpHeapAndProfile() throws Exception {
    g =
        GitSync.start(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--http-bind=127.0.0.1:0",
            "--http-pprof");
    int port = g.httpPort();
    assertThat(get(port, "/debug/pprof/").body()).contains("/debug/pprof/profile");
    assertThat(get(port, "/debug/pprof/goroutine").body()).contains("\"main\"", "http-server-");
    assertThat(get(port, "/debug/pprof/heap").body()).contains("java.lang.String");
    HttpResponse<byte[]> p =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/debug/pprof/profile?seconds=1"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(p.statusCode()).isEqualTo(200);
    assertThat(new String(p.body(), 0, 3, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("FLR");
  }

  @Test
  void debugEndpoints_offByDefault() throws Exception {
    g = GitSync.start(tmp, "--repo=" + repo.url(), "--root=" + root, "--http-bind=127.0.0.1:0");
    int port = g.httpPort();
    await().atMost(30, SECONDS).until(() -> get(port, "/").statusCode() == 200);
    assertThat(get(port, "/debug/pprof/goroutine").body()).isEmpty();
  }

  @Test
  void bindFailure_exits1() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      GitSync.Result r =
          GitSync.run(
              tmp,
              Map.of(),
              "--repo=" + repo.url(),
              "--root=" + root,
              "--http-bind=127.0.0.1:" + taken.getLocalPort());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("can't start HTTP server (--http-bind)");
    }
  }

  @Test
  void badBindAddress_isAConfigError() throws Exception {
    GitSync.Result r = GitSync.run(tmp, Map.of(), "--repo=x", "--root=" + root, "--http-bind=1234");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--http-bind: missing port");
  }
}
