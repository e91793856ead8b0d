package dev.gitsync.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void goFloat_matchesGoFormatting() {
    assertThat(GoFloat.format(3)).isEqualTo("3");
    assertThat(GoFloat.format(0)).isEqualTo("0");
    assertThat(GoFloat.format(0.25)).isEqualTo("0.25");
    assertThat(GoFloat.format(1e-5)).isEqualTo("1e-05");
    assertThat(GoFloat.format(1.5e21)).isEqualTo("1.5e+21");
    assertThat(GoFloat.format(1.7e9)).isEqualTo("1700000000");
    assertThat(GoFloat.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
  }

  @Test
  void render_emptyVectorsAreOmitted_likeTheGoClient() {
    String m = new Metrics().render();
    assertThat(m).doesNotContain("git_sync_count_total", "git_sync_hook_run_count_total");
    assertThat(m).contains("process_cpu_seconds_total");
  }

  @Test
  void render_summaryCountersAndGauges() {
    Metrics metrics = new Metrics();
    metrics.syncPass(Metrics.Status.SUCCESS, Duration.ofMillis(250));
    metrics.syncPass(Metrics.Status.NOOP, Duration.ofMillis(100));
    metrics.syncPass(Metrics.Status.NOOP, Duration.ofMillis(100));
    metrics.fetched();
    metrics.hookRan("exechook", false);
    metrics.published("abc", Instant.ofEpochSecond(1700000000));
    metrics.published("def", Instant.ofEpochSecond(1700000001));
    String m = metrics.render();
    assertThat(m)
        .contains(
            "# HELP git_fetch_count_total How many git fetches were run\n"
                + "# TYPE git_fetch_count_total counter\n"
                + "git_fetch_count_total 1\n")
        .contains(
            "git_sync_count_total{status=\"noop\"} 2\ngit_sync_count_total{status=\"success\"} 1\n")
        .contains(
            "git_sync_duration_seconds_sum{status=\"noop\"} 0.2\n"
                + "git_sync_duration_seconds_count{status=\"noop\"} 2\n")
        .contains("git_sync_hook_run_count_total{name=\"exechook\",status=\"error\"} 1\n")
        .contains("git_sync_current_hash_info{hash=\"def\"} 1\n")
        .doesNotContain("hash=\"abc\"")
        .contains("git_sync_last_success_timestamp_seconds 1700000001\n");
    assertThat(m.indexOf("git_fetch_count_total")).isLessThan(m.indexOf("git_sync_count_total"));
  }
}
