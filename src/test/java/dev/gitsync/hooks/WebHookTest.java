package dev.gitsync.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitsync.config.PayloadTemplate;
import dev.gitsync.config.Secret;
import dev.gitsync.config.WebhookSettings;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.testing.FakeHttpTransport;
import dev.gitsync.testing.TestLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebHookTest {
  private final TestLog log = new TestLog();
  private final FakeHttpTransport http = new FakeHttpTransport();
  private final HookContext ctx =
      new HookContext("a".repeat(40), "", "main", "r", "l", Path.of("/wt"), Instant.EPOCH);

  private WebhookSettings settings(int status, Optional<PayloadTemplate> payload) {
    return new WebhookSettings(
        Secret.of("https://hooks.example.com/T0K3N-SECRET/path"),
        "PUT",
        status,
        Duration.ofSeconds(1),
        Duration.ofSeconds(3),
        List.of(new WebhookSettings.Header("X-Api-Key", Secret.of("k3y-secret"))),
        payload);
  }

  private static String header(OutboundRequest r, String name) {
    return r.headers().stream()
        .filter(h -> h.getKey().equals(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  @Test
  void run_upstreamsRequest_emptyBodyAndHashHeader() throws Exception {
    new WebHook(settings(200, Optional.empty()), http, log.log()).run(ctx);
    OutboundRequest r = http.requests().get(0);
    assertThat(r.method()).isEqualTo("PUT");
    assertThat(r.body()).isEmpty();
    assertThat(header(r, "Gitsync-Hash")).isEqualTo("a".repeat(40));
    assertThat(header(r, "X-Api-Key")).isEqualTo("k3y-secret");
    assertThat(header(r, "Content-Type")).isNull();
    assertThat(log.text()).contains("https://hooks.example.com/…").doesNotContain("T0K3N", "k3y");
  }

  @Test
  void run_payloadTemplate_isRenderedAsJson() throws Exception {
    new WebHook(
            settings(200, Optional.of(PayloadTemplate.parse("{\"text\":\"at {{short_hash}}\"}"))),
            http,
            log.log())
        .run(ctx);
    OutboundRequest r = http.requests().get(0);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"at aaaaaaa\"}");
    assertThat(header(r, "Content-Type")).isEqualTo("application/json");
  }

  @Test
  void run_unexpectedStatusOrNetworkFailure_isAHookFailure_withoutTheUrl() {
    http.then(FakeHttpTransport.response(500, "invalid_token T0K3N-SECRET"));
    assertThatThrownBy(() -> new WebHook(settings(200, Optional.empty()), http, log.log()).run(ctx))
        .isInstanceOf(HookException.class)
        .hasMessageContaining("answered 500, expected 200: invalid_token REDACTED")
        .hasMessageNotContaining("T0K3N");
    http.thenFail(new IOException("connect to /T0K3N-SECRET/path refused"));
    assertThatThrownBy(() -> new WebHook(settings(200, Optional.empty()), http, log.log()).run(ctx))
        .hasMessageNotContaining("T0K3N");
  }

  @Test
  void run_successStatusZero_acceptsAnyAnswer() throws Exception {
    http.then(FakeHttpTransport.response(503, ""));
    new WebHook(settings(0, Optional.empty()), http, log.log()).run(ctx);
    assertThat(http.requests()).hasSize(1);
  }
}
