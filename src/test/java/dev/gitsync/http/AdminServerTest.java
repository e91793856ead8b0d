package dev.gitsync.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.metrics.Metrics;
import dev.gitsync.testing.FakeTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The admin endpoint's routes, without a socket. */
class AdminServerTest {
  private final FakeTime time = new FakeTime();
  private final Health health = new Health(time, Duration.ofSeconds(30));

  private NioHttpServer.Response get(String path, boolean metrics, boolean pprof) throws Exception {
    return AdminServer.route(
        new NioHttpServer.Request("GET", path, "", Map.of(), new byte[0], "test"),
        health,
        metrics ? Optional.of(new Metrics()) : Optional.empty(),
        pprof ? Optional.of(new DebugEndpoints()) : Optional.empty());
  }

  private static String body(NioHttpServer.Response r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void root_isUpstreamsProbe_notReadyUntilTheFirstSync_thenReadyForever() throws Exception {
    assertThat(get("/", false, false).status()).isEqualTo(503);
    assertThat(body(get("/anything", false, false))).isEqualTo("repo is not ready");
    health.synced();
    time.advance(Duration.ofHours(5));
    assertThat(get("/", false, false).status()).isEqualTo(200);
    assertThat(get("/", false, false).body()).isEmpty();
  }

  @Test
  void healthzAndReadyz_exactPaths_readyzGoesStale() throws Exception {
    assertThat(get("/healthz", false, false).status()).isEqualTo(200);
    assertThat(get("/healthz/x", false, false).status()).isEqualTo(404);
    assertThat(get("/readyz", false, false).status()).isEqualTo(503);
    health.synced();
    assertThat(get("/readyz", false, false).status()).isEqualTo(200);
    time.advance(Duration.ofSeconds(31));
    assertThat(body(get("/readyz", false, false))).startsWith("last successful sync was 31s ago");
  }

  @Test
  void metricsAndPprof_onlyWhenEnabled_elseTheCatchAll() throws Exception {
    assertThat(body(get("/metrics", true, false))).contains("process_cpu_seconds_total");
    assertThat(get("/metrics", false, false).status()).isEqualTo(503);
    assertThat(body(get("/debug/pprof/", false, true))).contains("/debug/pprof/profile");
    assertThat(get("/debug/pprof/nope", false, true).status()).isEqualTo(404);
    assertThat(body(get("/debug/pprof/", false, false))).isEqualTo("repo is not ready");
  }
}
