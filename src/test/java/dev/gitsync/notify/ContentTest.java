package dev.gitsync.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitsync.http.InboundResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Content, escaping, limits, links, templates and answer classification, without any network. */
class ContentTest {
  private static NotifyEvent event(EventType t, String repo, List<Commit> commits, String error) {
    return new NotifyEvent(
        t,
        "id-1",
        Instant.parse("2026-01-01T00:00:00Z"),
        repo,
        "main",
        "a".repeat(40),
        "b".repeat(40),
        error,
        3,
        Duration.ofMinutes(75),
        commits,
        0,
        "",
        "",
        "",
        "web-1",
        "prod",
        "");
  }

  @Test
  void slackMarkup_escapesCommitTextAgainstMentionAndLinkInjection() {
    Commit evil = new Commit("c".repeat(40), "Mallory <!channel>", "fix <https://x|y> & more");
    String body =
        new Message(
                event(EventType.SYNC_SUCCEEDED, "https://github.com/o/r.git", List.of(evil), ""))
            .body(Markup.SLACK);
    assertThat(body)
        .contains("fix &lt;https://x|y&gt; &amp; more", "Mallory &lt;!channel&gt;")
        .doesNotContain("<!channel>");
  }

  @Test
  void slackPayload_staysWithinBlockKitLimits() {
    String huge = "x".repeat(10_000);
    Sink sink = SinkParser.parse("slack+http://127.0.0.1/services/T/B/X");
    Map<String, Object> p =
        Providers.SlackWebhook.slackPayload(
            event(EventType.SYNC_FAILED, "https://gitlab.com/o/r", List.of(), huge), sink);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> blocks = (List<Map<String, Object>>) p.get("blocks");
    for (Map<String, Object> b : blocks) {
      if (b.get("text") instanceof Map) {
        String text = (String) ((Map<?, ?>) b.get("text")).get("text");
        int max = b.get("type").equals("header") ? 150 : 3000;
        assertThat(text.length()).isLessThanOrEqualTo(max);
      }
    }
    assertThat(blocks.size()).isLessThanOrEqualTo(50);
  }

  @Test
  void titles_sayWhatHappened() {
    assertThat(
            new Message(event(EventType.SYNC_RECOVERED, "git@github.com:o/r.git", List.of(), ""))
                .title())
        .isEqualTo("✅ Sync recovered for r main after 1h 15m (3 failures)");
    assertThat(new Message(event(EventType.SYNC_FAILED, "https://h/o/r", List.of(), "e")).title())
        .isEqualTo("❌ Sync failing for r main (3 consecutive failures)");
  }

  @Test
  void repoLinks_forEachForge_fromHttpsSshAndScpUrls() {
    String h = "1".repeat(40);
    String p = "2".repeat(40);
    assertThat(RepoLinks.of("git@github.com:o/r.git").orElseThrow().compare(p, h))
        .isEqualTo("https://github.com/o/r/compare/" + p + "..." + h);
    assertThat(RepoLinks.of("https://u:tok@gitlab.com/g/sub/r.git").orElseThrow().commit(h))
        .isEqualTo("https://gitlab.com/g/sub/r/-/commit/" + h);
    assertThat(RepoLinks.of("ssh://git@bitbucket.org/o/r.git").orElseThrow().commit(h))
        .isEqualTo("https://bitbucket.org/o/r/commits/" + h);
    assertThat(RepoLinks.of("https://codeberg.org/o/r").orElseThrow().commit(h))
        .isEqualTo("https://codeberg.org/o/r/commit/" + h);
    assertThat(RepoLinks.of("file:///tmp/r")).isEmpty();
    assertThat(RepoLinks.of("https://example.com/o/r")).isEmpty();
  }

  @Test
  void template_sectionsLoopsAndEscaping() {
    Template t =
        Template.parse(
            "{{repo_name}}{{#commits}} [{{short_hash}} {{subject}}]{{/commits}}"
                + "{{^error}} ok{{/error}}{{#error}} ERR {{error}}{{/error}}");
    Message m =
        new Message(
            event(
                EventType.SYNC_SUCCEEDED,
                "https://h/o/r.git",
                List.of(new Commit("c".repeat(40), "A", "s<1>")),
                ""));
    assertThat(t.render(m.templateValues(), Markup.SLACK::esc))
        .isEqualTo("r [ccccccc s&lt;1&gt;] ok");
    assertThatThrownBy(() -> Template.parse("{{nope}}")).hasMessageContaining("unknown variable");
    assertThatThrownBy(() -> Template.parse("{{#commits}}{{repo}}{{/commits}}"))
        .hasMessageContaining("unknown variable {{repo}}");
    assertThatThrownBy(() -> Template.parse("{{#error}}x"))
        .hasMessageContaining("missing {{/error}}");
  }

  @Test
  void verdicts_retryOnlyTransientFailures_andHonourRetryAfter() {
    assertThat(Verdict.byStatus(resp(200, Map.of()))).isEmpty();
    assertThat(Verdict.byStatus(resp(500, Map.of())).orElseThrow().outcome())
        .isEqualTo(Verdict.Outcome.RETRY);
    assertThat(Verdict.byStatus(resp(501, Map.of())).orElseThrow().outcome())
        .isEqualTo(Verdict.Outcome.DROP);
    assertThat(Verdict.byStatus(resp(404, Map.of())).orElseThrow().outcome())
        .isEqualTo(Verdict.Outcome.DROP);
    assertThat(Verdict.byStatus(resp(410, Map.of())).orElseThrow().outcome())
        .isEqualTo(Verdict.Outcome.DISABLE);
    Verdict limited =
        Verdict.byStatus(resp(429, Map.of("retry-after", List.of("7")))).orElseThrow();
    assertThat(limited.retryAfter()).hasValue(Duration.ofSeconds(7));
    assertThat(
            Verdict.retryAfter(
                resp(429, Map.of("retry-after", List.of("Wed, 21 Oct 2015 07:28:00 GMT")))))
        .hasValue(Duration.ZERO);
  }

  @Test
  void retryPolicy_exponentialWithJitter_cappedAndRetryAfterWins() {
    RetryPolicy p = new RetryPolicy(new Random(1));
    for (int attempt = 1; attempt <= 12; attempt++) {
      Duration d = p.delay(attempt, Optional.empty());
      long window = Math.min(300_000, 1000L << (attempt - 1));
      assertThat(d.toMillis()).isBetween(window / 2, window);
    }
    assertThat(p.delay(1, Optional.of(Duration.ofSeconds(30)))).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.delay(1, Optional.of(Duration.ofDays(2)))).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void event_roundTripsThroughItsJson() {
    NotifyEvent e =
        event(
                EventType.HOOK_FAILED,
                "https://h/o/r",
                List.of(new Commit("c".repeat(40), "A", "S")),
                "boom")
            .withHook("webhook");
    StringBuilder sb = new StringBuilder();
    dev.gitsync.log.Json.append(sb, e.toJson(), null);
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) dev.gitsync.json.JsonParser.parse(sb.toString());
    assertThat(NotifyEvent.fromJson(m)).isEqualTo(e);
  }

  private static InboundResponse resp(int status, Map<String, List<String>> headers) {
    return new InboundResponse(status, "", headers);
  }
}
