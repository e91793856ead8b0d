package dev.gitsync.notify.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.notify.event.Commit;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import dev.gitsync.notify.sink.SinkParser;
import dev.gitsync.notify.sink.Template;
import dev.gitsync.testing.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendering, escaping, limits and the judging of answers, per service, without any network. */
class ContentTest {
  @TempDir Path tmp;

  private static NotifyEvent event(EventType t, String repo, List<Commit> commits, String error) {
    return Events.event(t, repo, commits, error);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(OutboundRequest r) {
    return (Map<String, Object>) JsonParser.parse(new String(r.body(), StandardCharsets.UTF_8));
  }

  private static String header(OutboundRequest r, String name) {
    return r.headers().stream()
        .filter(h -> h.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  private static InboundResponse resp(int status, String body) {
    return new InboundResponse(status, body, Map.of());
  }

  private static InboundResponse resp(int status, Map<String, List<String>> headers) {
    return new InboundResponse(status, "", headers);
  }

  private OutboundRequest render(String url, NotifyEvent e) throws Exception {
    return render(url, e, "");
  }

  private OutboundRequest render(String url, NotifyEvent e, String thread) throws Exception {
    Sink s = SinkParser.parse(url);
    return Providers.forKind(s.kind())
        .render(e, s, new Provider.DeliveryInfo("key-1", thread, w -> {}));
  }

  // Escaping (item 8).

  @Test
  void slack_escapesEveryTextField_includingFallbackAndCodeBlock() throws Exception {
    Commit evil = new Commit("c".repeat(40), "Mallory <!channel>", "fix <https://x|y> & more");
    NotifyEvent e =
        event(
            EventType.SYNC_FAILED,
            "https://github.com/o/<!channel>.git",
            List.of(evil),
            "remote: <!here> & <https://evil|click>");
    String body = new String(render("slack+http://127.0.0.1/s", e).body(), StandardCharsets.UTF_8);
    assertThat(body).doesNotContain("<!channel>", "<!here>", "<https://evil|");
    Map<String, Object> p = json(render("slack+http://127.0.0.1/s", e));
    assertThat((String) p.get("text")).contains("&lt;!channel&gt;");
    String success =
        new Message(event(EventType.SYNC_SUCCEEDED, "https://github.com/o/r", List.of(evil), ""))
            .body(Markup.SLACK, 3000);
    assertThat(success)
        .contains("fix &lt;https://x|y&gt; &amp; more", "Mallory &lt;!channel&gt;")
        .doesNotContain("<!channel>");
  }

  @Test
  void mattermostAndRocketChat_breakUpBroadcastMentions() throws Exception {
    Commit evil = new Commit("c".repeat(40), "@all", "ping @channel and @here");
    NotifyEvent e = event(EventType.SYNC_SUCCEEDED, "https://h/o/r", List.of(evil), "");
    for (String url :
        List.of("mattermost+http://127.0.0.1/hooks/x", "rocketchat+http://127.0.0.1/hooks/x")) {
      String body = new String(render(url, e).body(), StandardCharsets.UTF_8);
      assertThat(body).doesNotContainPattern("@(channel|here|all)\\b");
    }
    NotifyEvent failed =
        event(EventType.SYNC_FAILED, "https://h/o/r", List.of(), "fatal: @channel look");
    assertThat(
            new String(
                render("mattermost+http://127.0.0.1/hooks/x", failed).body(),
                StandardCharsets.UTF_8))
        .doesNotContainPattern("@channel\\b");
  }

  @Test
  void googleChat_hasNoEntities_andNoMentionOrLinkInjection() throws Exception {
    Commit c = new Commit("c".repeat(40), "A & B", "use <users/all> & <https://evil|x>");
    Map<String, Object> p =
        json(
            render(
                "gchat+http://127.0.0.1/v1/spaces/S/messages",
                event(EventType.SYNC_SUCCEEDED, "https://h/o/r", List.of(c), "")));
    String text = (String) p.get("text");
    assertThat(text).contains("A & B").doesNotContain("&amp;", "<users/all>", "<https://evil");
    assertThat(text).contains("<\u200Busers/all>");
  }

  // Empty templates (item 9).

  @Test
  void emptyTemplate_fallsBackToTheBuiltInText_andWarns() throws Exception {
    Path t = Files.writeString(tmp.resolve("t"), "{{#error}}{{error}}{{/error}}  \n");
    Sink s = SinkParser.parse("slack+http://127.0.0.1/s?template_file=" + t);
    List<String> warnings = new ArrayList<>();
    OutboundRequest r =
        Providers.forKind(s.kind())
            .render(
                event(EventType.SYNC_SUCCEEDED, "https://h/o/r", List.of(), ""),
                s,
                new Provider.DeliveryInfo("k", "", warnings::add));
    Map<String, Object> p = json(r);
    for (Object b : (List<?>) p.get("blocks")) {
      Object text = ((Map<?, ?>) b).get("text");
      if (text instanceof Map) {
        assertThat((String) ((Map<?, ?>) text).get("text")).isNotBlank();
      }
    }
    assertThat((List<?>) p.get("blocks")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(warnings).singleElement().asString().contains("template_file renders an empty text");
  }

  // Teams Adaptive Cards (item 11).

  @Test
  @SuppressWarnings("unchecked")
  void teams_eachCommitIsItsOwnBlock_ofPlainTextRuns() throws Exception {
    List<Commit> commits =
        List.of(
            new Commit("1".repeat(40), "Ann", "use `code` and \\escapes"),
            new Commit("2".repeat(40), "Bob", "second"));
    Map<String, Object> p =
        json(
            render(
                "teams+http://127.0.0.1/workflows/x",
                event(EventType.SYNC_SUCCEEDED, "https://h/o/r", commits, "")));
    Map<String, Object> card =
        (Map<String, Object>)
            ((Map<String, Object>) ((List<?>) p.get("attachments")).get(0)).get("content");
    List<Map<String, Object>> body = (List<Map<String, Object>>) card.get("body");
    List<Map<String, Object>> lines =
        body.stream().filter(b -> b.get("type").equals("RichTextBlock")).toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
    String all = texts(body);
    assertThat(all).contains("use `code` and \\escapes");
    for (Map<String, Object> b : body) {
      if (b.get("type").equals("TextBlock")) {
        assertThat((String) b.get("text")).doesNotContain("\n", "`");
      }
    }
  }

  /** Every "text" value under {@code o}, joined by newlines. */
  private static String texts(Object o) {
    StringBuilder sb = new StringBuilder();
    if (o instanceof Map) {
      ((Map<?, ?>) o)
          .forEach(
              (k, v) -> {
                if (k.equals("text") && v instanceof String) {
                  sb.append(v).append('\n');
                } else {
                  sb.append(texts(v));
                }
              });
    } else if (o instanceof List) {
      ((List<?>) o).forEach(v -> sb.append(texts(v)));
    }
    return sb.toString();
  }

  // Truncation (item 12).

  @Test
  void body_longSubject_keepsOtherCommitsAndLinks_andNeverSplitsAnEntityOrEmoji() {
    List<Commit> commits = new ArrayList<>();
    commits.add(new Commit("1".repeat(40), "A", "&".repeat(5000) + "👨‍👩‍👧‍👦".repeat(100)));
    for (int i = 0; i < 9; i++) {
      commits.add(new Commit(String.valueOf(i + 2).repeat(40), "B", "short " + i));
    }
    NotifyEvent e =
        Events.withLinks(
            event(EventType.SYNC_SUCCEEDED, "https://github.com/o/r", commits, ""),
            "main",
            "https://github.com/o/r/commit/" + "a".repeat(40),
            "https://github.com/o/r/compare/x...y");
    String body = new Message(e).body(Markup.SLACK, 3000);
    assertThat(body.length()).isLessThanOrEqualTo(3000);
    assertThat(body).contains("short 8", "|Compare ", "|Commit ");
    assertThat(body).doesNotContainPattern("&(a|am|amp)?…").doesNotContainPattern("&[a-z]*$");
    String tight = new Message(e).body(Markup.SLACK, 700);
    assertThat(tight.length()).isLessThanOrEqualTo(700);
    assertThat(tight).contains("|Compare ", "|Commit ").containsPattern("… and \\d+ more");
    // A ZWJ family is kept whole or dropped, never split.
    String cut = Text.cut("ab👨‍👩‍👧‍👦cd", 6);
    assertThat(cut).isIn("ab…", "ab👨‍👩‍👧‍👦…");
    assertThat(Text.cutMarkup("x &amp; <https://a|b> y", 9)).isEqualTo("x &amp; …");
    assertThat(Text.cutMarkup("x &amp; y", 5)).isEqualTo("x …");
    assertThat(Text.cutMarkup("ab \\*c", 5)).isEqualTo("ab …");
  }

  @Test
  void slackPayload_staysWithinBlockKitLimits() throws Exception {
    String huge = "x&<".repeat(5_000);
    Map<String, Object> p =
        json(
            render(
                "slack+http://127.0.0.1/services/T/B/X",
                event(EventType.SYNC_FAILED, "https://gitlab.com/o/r", List.of(), huge)));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> blocks = (List<Map<String, Object>>) p.get("blocks");
    for (Map<String, Object> b : blocks) {
      if (b.get("text") instanceof Map) {
        String text = (String) ((Map<?, ?>) b.get("text")).get("text");
        int max = b.get("type").equals("header") ? 150 : 3000;
        assertThat(text.length()).isBetween(1, max);
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
    // Sections nest at most 16 deep: 100,000 of them overflowed the parser's stack.
    assertThatThrownBy(() -> Template.parse("{{#repo}}".repeat(100_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested more than 16");
    assertThat(Template.parse("{{#repo}}".repeat(16) + "x" + "{{/repo}}".repeat(16))).isNotNull();
  }

  // Alerts visible in the channel (item 7).

  @Test
  void slackBot_alertsInAThreadAreBroadcast_successesAreNot() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "xoxb-1");
    String url = "slackbot://C1?token_file=" + token;
    Map<String, Object> alert =
        json(render(url, event(EventType.SYNC_FAILED, "https://h/o/r", List.of(), "e"), "111.1"));
    assertThat(alert).containsEntry("thread_ts", "111.1").containsEntry("reply_broadcast", true);
    Map<String, Object> ok =
        json(render(url, event(EventType.SYNC_SUCCEEDED, "https://h/o/r", List.of(), ""), "111.1"));
    assertThat(ok).containsEntry("thread_ts", "111.1").doesNotContainKey("reply_broadcast");
  }

  @Test
  void googleChat_alertsStartANewThread_successesShareOne() throws Exception {
    String url = "gchat+http://127.0.0.1/v1/spaces/S/messages?key=k";
    OutboundRequest alert =
        render(url, event(EventType.GIVING_UP, "https://h/o/r", List.of(), "e"));
    assertThat(json(alert)).doesNotContainKey("thread");
    assertThat(alert.uri().toString()).doesNotContain("messageReplyOption");
    OutboundRequest ok =
        render(url, event(EventType.SYNC_SUCCEEDED, "https://h/o/r", List.of(), ""));
    assertThat(json(ok)).containsKey("thread");
    assertThat(ok.uri().toString())
        .contains("messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
  }

  // CloudEvents (item 5).

  @Test
  void cloudEventsBinary_percentEncodesHeaders_andSourceIsAUriReference() throws Exception {
    NotifyEvent e =
        Events.withLinks(
            event(EventType.SYNC_SUCCEEDED, "git@github.com:org/repo.git", List.of(), ""),
            "feature/ünï-✓ \"x\" 100%",
            "",
            "");
    OutboundRequest r = render("generic+http://127.0.0.1/h?cloudevents=binary", e);
    assertThat(header(r, "ce-subject"))
        .isEqualTo("feature/%C3%BCn%C3%AF-%E2%9C%93%20%22x%22%20100%25");
    assertThat(header(r, "ce-source")).isEqualTo("ssh://git@github.com/org/repo.git");
    for (Map.Entry<String, String> h : r.headers()) {
      assertThat(h.getValue()).matches("[\\x20-\\x7e]*");
    }
    assertThat(java.net.URI.create(header(r, "ce-source")).getHost()).isEqualTo("github.com");
    Map<String, Object> structured =
        json(render("generic+http://127.0.0.1/h?cloudevents=structured", e));
    assertThat(structured).containsEntry("source", "ssh://git@github.com/org/repo.git");
  }

  // Judging answers (items 1, 2, 3, 4, 6).

  @Test
  void slackBot_staleThread_retriesAsANewParent_andSinkErrorsDisable() {
    Provider p = Providers.forKind(dev.gitsync.notify.sink.SinkKind.SLACKBOT);
    for (String err : List.of("invalid_thread_ts", "thread_not_found")) {
      Verdict v = p.judge(resp(200, "{\"ok\":false,\"error\":\"" + err + "\"}"), null);
      assertThat(v.outcome()).isEqualTo(Verdict.Outcome.RETRY);
      assertThat(v.clearThread()).isTrue();
    }
    for (String err :
        List.of(
            "token_revoked",
            "account_inactive",
            "channel_not_found",
            "is_archived",
            "invalid_auth",
            "not_in_channel")) {
      assertThat(p.judge(resp(200, "{\"ok\":false,\"error\":\"" + err + "\"}"), null).outcome())
          .as(err)
          .isEqualTo(Verdict.Outcome.DISABLE);
    }
    assertThat(p.judge(resp(200, "{\"ok\":false,\"error\":\"ratelimited\"}"), null).outcome())
        .isEqualTo(Verdict.Outcome.RETRY);
    assertThat(p.judge(resp(200, "{\"ok\":false,\"error\":\"msg_too_long\"}"), null).outcome())
        .isEqualTo(Verdict.Outcome.DROP);
    assertThat(p.judge(resp(200, "{\"ok\":true,\"ts\":\"9.9\"}"), null).threadId())
        .isEqualTo("9.9");
  }

  @Test
  void redirects_areFailures_namingOnlyTheHost() {
    for (int s : new int[] {301, 302, 307, 308}) {
      Verdict v =
          Verdict.byStatus(
                  resp(s, Map.of("location", List.of("https://new.example.com/hooks/SECRET1"))))
              .orElseThrow();
      assertThat(v.outcome()).isEqualTo(Verdict.Outcome.DROP);
      assertThat(v.reason())
          .contains("redirect", "https://new.example.com/…")
          .doesNotContain("SECRET1");
    }
  }

  @Test
  void teamsLegacyConnector_200WithAnErrorText_isAFailure() {
    Sink legacy =
        SinkParser.parse("https://acme.webhook.office.com/webhookb2/x/IncomingWebhook/y/z");
    Provider p = Providers.forKind(legacy.kind());
    assertThat(p.judge(resp(200, "1"), legacy).outcome()).isEqualTo(Verdict.Outcome.DELIVERED);
    Verdict limited =
        p.judge(
            resp(
                200,
                "Webhook message delivery failed with error: Microsoft Teams endpoint returned"
                    + " HTTP error 429 with ContextId tcid=0,server=msgapi,cv=x"),
            legacy);
    assertThat(limited.outcome()).isEqualTo(Verdict.Outcome.RETRY);
    assertThat(
            p.judge(resp(200, "Webhook message delivery failed with error: HTTP error 400"), legacy)
                .outcome())
        .isEqualTo(Verdict.Outcome.DROP);
    assertThat(p.judge(resp(200, "Summary or Text is required."), legacy).outcome())
        .isEqualTo(Verdict.Outcome.DROP);
    Sink workflows = SinkParser.parse("teams+http://127.0.0.1/workflows/x");
    assertThat(p.judge(resp(202, ""), workflows).outcome()).isEqualTo(Verdict.Outcome.DELIVERED);
  }

  @Test
  void discord_deletedWebhook_disables_andRateLimitsUseTheBody() {
    Provider p = Providers.forKind(dev.gitsync.notify.sink.SinkKind.DISCORD);
    assertThat(
            p.judge(resp(404, "{\"message\": \"Unknown Webhook\", \"code\": 10015}"), null)
                .outcome())
        .isEqualTo(Verdict.Outcome.DISABLE);
    assertThat(
            p.judge(resp(401, "{\"message\": \"Invalid Webhook Token\", \"code\": 50027}"), null)
                .outcome())
        .isEqualTo(Verdict.Outcome.DISABLE);
    Verdict limited =
        p.judge(
            resp(
                429,
                "{\"message\":\"You are being rate limited.\",\"retry_after\":1.5,\"global\":false}"),
            null);
    assertThat(limited.retryAfter()).hasValue(Duration.ofMillis(1500));
    assertThat(
            p.judge(resp(400, "{\"code\": 50035, \"message\": \"Invalid Form Body\"}"), null)
                .outcome())
        .isEqualTo(Verdict.Outcome.DROP);
  }

  @Test
  void commitStatuses_aPageInsteadOfJson_isNoStatus_andDisablesTheSink() {
    Map<String, List<String>> html = Map.of("content-type", List.of("text/html; charset=utf-8"));
    Map<String, List<String>> json = Map.of("content-type", List.of("application/json"));
    for (dev.gitsync.notify.sink.SinkKind k : dev.gitsync.notify.sink.SinkKind.values()) {
      if (!k.isStatus()) {
        continue;
      }
      Provider p = Providers.forKind(k);
      assertThat(p.judge(new InboundResponse(200, "<html>Sign in</html>", html), null).outcome())
          .as(k.label())
          .isEqualTo(Verdict.Outcome.DISABLE);
      assertThat(p.judge(new InboundResponse(201, "{\"id\":1}", json), null).outcome())
          .as(k.label())
          .isEqualTo(Verdict.Outcome.DELIVERED);
      assertThat(p.judge(resp(201, "{\"id\":1}"), null).outcome())
          .as(k.label())
          .isEqualTo(Verdict.Outcome.DELIVERED);
    }
  }

  /** A sink of kind {@code k} with every option it requires. */
  private Sink anySink(dev.gitsync.notify.sink.SinkKind k) throws Exception {
    Path key = tmp.resolve("key");
    Files.writeString(key, "k0123456789");
    StringBuilder q = new StringBuilder("?x=1");
    if (k.needsToken()) {
      q.append(
          k == dev.gitsync.notify.sink.SinkKind.PAGERDUTY
              ? "&routing_key_file="
              : k == dev.gitsync.notify.sink.SinkKind.OPSGENIE ? "&api_key_file=" : "&token_file=");
      q.append(key);
    }
    if (k.needsChannel()) {
      q.append('&').append(k.channelOption().orElseThrow()).append("=C1");
    }
    return SinkParser.parse(k.label() + "+https://service.example/p" + q);
  }

  @Test
  void anHtmlPageWithA2xx_isNoDeliveryForAnyServiceButGeneric() throws Exception {
    // A sign-in or captive-portal proxy in front of the service, or a web page's URL: no service
    // answers a delivery with an HTML page, so counting it as delivered would lose the message.
    InboundResponse page =
        new InboundResponse(
            200,
            "<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>",
            Map.of("content-type", List.of("text/html; charset=utf-8")));
    List<String> delivered = new ArrayList<>();
    for (dev.gitsync.notify.sink.SinkKind k : dev.gitsync.notify.sink.SinkKind.values()) {
      if (k != dev.gitsync.notify.sink.SinkKind.GENERIC
          && Providers.forKind(k).judge(page, anySink(k)).outcome() == Verdict.Outcome.DELIVERED) {
        delivered.add(k.label());
      }
    }
    assertThat(delivered).isEmpty();
  }

  @Test
  void azureDevOps_webUrlBecomesTheApi_contextSplitsIntoGenreAndName_patIsBasic() throws Exception {
    Path pat = tmp.resolve("pat");
    Files.writeString(pat, "patpatpat\n");
    NotifyEvent e =
        Events.withLinks(
            event(EventType.SYNC_SUCCEEDED, "https://dev.azure.com/o/p/_git/r", List.of(), ""),
            "main",
            "https://dev.azure.com/o/p/_git/r/commit/" + "a".repeat(40),
            "");
    OutboundRequest r =
        render("azure-devops-status+https://dev.azure.com/o/p/_git/r?token_file=" + pat, e);
    assertThat(r.uri().toString())
        .isEqualTo(
            "https://dev.azure.com/o/p/_apis/git/repositories/r/commits/"
                + "a".repeat(40)
                + "/statuses?api-version=6.0");
    assertThat(header(r, "Authorization"))
        .isEqualTo(
            "Basic " + java.util.Base64.getEncoder().encodeToString(":patpatpat".getBytes()));
    Map<String, Object> body = json(r);
    assertThat(body)
        .containsEntry("state", "succeeded")
        .containsEntry("targetUrl", "https://dev.azure.com/o/p/_git/r/commit/" + "a".repeat(40))
        .containsEntry("context", Map.of("genre", "git-sync", "name", "prod/web"));
    OutboundRequest test =
        render(
            "azure-devops-status+https://dev.azure.com/o/p/_git/r?token_file=" + pat,
            event(EventType.TEST, "https://dev.azure.com/o/p/_git/r", List.of(), ""));
    assertThat(test.method()).isEqualTo("GET");
    assertThat(test.uri().toString())
        .isEqualTo("https://dev.azure.com/o/p/_apis/git/repositories/r?api-version=6.0");
    // The clone URL as Azure DevOps shows it, with the organisation as user: no user is sent.
    assertThat(
            render("azure-devops-status+https://o@dev.azure.com/o/p/_git/r?token_file=" + pat, e)
                .uri()
                .toString())
        .startsWith("https://dev.azure.com/o/p/_apis/git/repositories/r/commits/");
    // An older Azure DevOps Server's API version, from the sink's URL.
    assertThat(
            render(
                    "azure-devops-status+https://tfs.example/tfs/C/p/_git/r?api-version=5.0"
                        + "&token_file="
                        + pat,
                    e)
                .uri()
                .toString())
        .isEqualTo(
            "https://tfs.example/tfs/C/p/_apis/git/repositories/r/commits/"
                + "a".repeat(40)
                + "/statuses?api-version=5.0");
    Files.writeString(pat, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
    assertThat(
            header(
                render("azure-devops-status+https://dev.azure.com/o/p/_git/r?token_file=" + pat, e),
                "Authorization"))
        .isEqualTo("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
  }

  @Test
  void azureDevOps_203IsARefusedToken_andA404SaysWhetherTheCommitOrTheRepositoryIsMissing() {
    Provider p = Providers.forKind(dev.gitsync.notify.sink.SinkKind.AZURE_DEVOPS_STATUS);
    assertThat(p.judge(resp(203, "{}"), null).outcome()).isEqualTo(Verdict.Outcome.DISABLE);
    assertThat(
            p.judge(
                    resp(
                        404,
                        "{\"$id\":\"1\",\"message\":\"…\",\"typeKey\":"
                            + "\"GitCommitDoesNotExistException\"}"),
                    null)
                .outcome())
        .isEqualTo(Verdict.Outcome.DROP);
    assertThat(
            p.judge(
                    resp(
                        404,
                        "{\"$id\":\"1\",\"message\":\"TF401019: …\",\"typeKey\":"
                            + "\"GitRepositoryNotFoundException\"}"),
                    null)
                .outcome())
        .isEqualTo(Verdict.Outcome.DISABLE);
    assertThat(p.judge(resp(429, Map.of("retry-after", List.of("3"))), null).retryAfter())
        .hasValue(Duration.ofSeconds(3));
    assertThat(AzureDevOpsStatus.isJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).isTrue();
    assertThat(AzureDevOpsStatus.isJwt("52charactersofbase32personalaccesstokenabcdefghijk"))
        .isFalse();
  }

  @Test
  void verdicts_retryOnlyTransientFailures_andHonourRetryAfter() {
    assertThat(Verdict.byStatus(resp(200, Map.of()))).isEmpty();
    assertThat(Verdict.byStatus(resp(500, Map.of())).orElseThrow().outcome())
        .isEqualTo(Verdict.Outcome.RETRY);
    assertThat(Verdict.byStatus(resp(501, Map.of())).orElseThrow().outcome())
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
}
