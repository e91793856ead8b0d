package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications end to end: ./git-sync against loopback servers that answer like Slack, Discord,
 * Teams, Google Chat, Mattermost and a generic receiver, including their errors and rate limits.
 */
class NotifyIT {
  @TempDir Path tmp;
  Repo repo;
  Path root;
  String first;
  Receiver rx;
  GitSync g;

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
    first = repo.commit("file.txt", "one");
    root = tmp.resolve("root");
    rx = new Receiver();
  }

  @AfterEach
  void tearDown() {
    if (g != null) {
      g.kill();
    }
    rx.close();
  }

  private String slackUrl() {
    return "slack+" + rx.url("/services/T0/B0/SLACKSECRET0001");
  }

  private List<String> args(String... extra) {
    List<String> l = new ArrayList<>(List.of("--repo=" + repo.url(), "--root=" + root));
    l.addAll(List.of(extra));
    return l;
  }

  private static int count(String text, String what) {
    return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }

  private static String text(Receiver.Request r) {
    return r.body();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Receiver.Request r) {
    return (Map<String, Object>) dev.gitsync.json.JsonParser.parse(r.body());
  }

  @Test
  void success_isAnnouncedToSlack_withCommitsAndDiff_onceAcrossRestarts() throws Exception {
    rx.validator = Receiver::slack;
    assertThat(
            GitSync.run(
                    tmp,
                    Map.of(),
                    args("--one-time", "--notify=" + slackUrl()).toArray(new String[0]))
                .code())
        .isZero();
    repo.commit("file.txt", "two <b>&");
    String third = repo.commit("other.txt", "three");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of("POD_NAME", "web-1", "POD_NAMESPACE", "prod"),
            args("--one-time", "--depth=0", "--notify=" + slackUrl()).toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    GitSync.Result again =
        GitSync.run(
            tmp, Map.of(), args("--one-time", "--notify=" + slackUrl()).toArray(new String[0]));
    assertThat(again.code()).isZero();
    assertThat(rx.requests).hasSize(2);
    Receiver.Request second = rx.requests.get(1);
    Map<String, Object> body = json(second);
    assertThat((String) body.get("text"))
        .contains("Synced remote HEAD: " + first.substring(0, 7) + " → " + third.substring(0, 7));
    assertThat(second.body())
        .contains("change 3", "change 2", "Test", "2 files changed", "prod/web-1")
        .doesNotContain("change 1 —", "older commits not fetched");
    assertThat((List<?>) body.get("blocks")).hasSizeGreaterThanOrEqualTo(2);
    for (String log : List.of(r.err(), again.err())) {
      assertThat(log).doesNotContain("SLACKSECRET0001");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void success_shallowClone_saysOlderCommitsAreMissing() throws Exception {
    String[] a = args("--one-time", "--notify=generic+" + rx.url("/h")).toArray(new String[0]);
    assertThat(GitSync.run(tmp, Map.of(), a).code()).isZero();
    repo.commit("file.txt", "two");
    repo.commit("file.txt", "three");
    assertThat(GitSync.run(tmp, Map.of(), a).code()).isZero();
    Map<String, Object> data = (Map<String, Object>) json(rx.requests.get(1)).get("data");
    assertThat(data.get("more_commits")).isEqualTo(-1.0);
    assertThat((List<?>) data.get("commits")).hasSize(1);
  }

  @Test
  void brokenRemote_oneFailureAlert_thenOneRecovery() throws Exception {
    rx.validator = Receiver::slack;
    g =
        GitSync.start(
            tmp,
            Map.of(),
            args(
                    "--period=100ms",
                    "--max-failures=-1",
                    "--notify=" + slackUrl(),
                    "--error-file=err",
                    "-v",
                    "2")
                .toArray(new String[0]));
    await().atMost(30, SECONDS).until(() -> rx.requests.size() == 1);
    Path moved = tmp.resolve("moved");
    Files.move(repo.dir, moved);
    await().atMost(30, SECONDS).until(() -> rx.requests.size() == 2);
    await().atMost(30, SECONDS).until(() -> g.err().split("error syncing repo").length > 6);
    assertThat(rx.requests).hasSize(2);
    assertThat(json(rx.requests.get(1)).get("text").toString())
        .contains("Sync failing for remote HEAD (1 consecutive failure)");
    assertThat(rx.requests.get(1).body()).contains("Run(git fetch");
    Files.move(moved, repo.dir);
    await().atMost(30, SECONDS).until(() -> rx.requests.size() == 3);
    assertThat(json(rx.requests.get(2)).get("text").toString())
        .contains("Sync recovered for remote HEAD after");
    // Five more passes after the recovery send nothing more.
    int polls = count(g.err(), "update not required");
    await().atMost(30, SECONDS).until(() -> count(g.err(), "update not required") >= polls + 5);
    assertThat(rx.requests).hasSize(3);
    assertThat(g.err()).doesNotContain("SLACKSECRET0001");
    assertThat(Disk.readOrEmpty(root.resolve("err"))).doesNotContain("SLACKSECRET0001");
  }

  @Test
  void failureThreshold_waitsForNConsecutiveFailures() throws Exception {
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=file://" + tmp.resolve("nope"),
            "--root=" + root,
            "--max-failures=4",
            "--period=10ms",
            "--notify=generic+" + rx.url("/hook?events=failed"),
            "--notify-failure-threshold=3");
    assertThat(r.code()).isEqualTo(1);
    assertThat(rx.requests).hasSize(1);
    assertThat(json(rx.requests.get(0)).get("type")).isEqualTo("sync.failed");
    assertThat(((Map<?, ?>) json(rx.requests.get(0)).get("data")).get("failures")).isEqualTo(3.0);
  }

  @Test
  void givingUp_isSentBeforeExit() throws Exception {
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=file://" + tmp.resolve("nope"),
            "--root=" + root,
            "--notify=generic+" + rx.url("/hook"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(rx.requests.stream().map(q -> json(q).get("type")).toList())
        .containsExactly("sync.failed", "sync.giving_up");
  }

  @Test
  void rateLimitedAndFailingSink_getsEveryMessageInOrderOnceItRecovers() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    rx.validator =
        q -> {
          int n = calls.incrementAndGet();
          if (n == 1) {
            return new Receiver.Answer(
                429, "{\"message\":\"slow down\"}", Map.of("Retry-After", "1"));
          }
          if (n <= 3) {
            return new Receiver.Answer(500, "rollup_error");
          }
          return Receiver.slack(q);
        };
    g =
        GitSync.start(
            tmp, Map.of(), args("--period=100ms", "--notify=" + slackUrl()).toArray(new String[0]));
    await().atMost(30, SECONDS).until(() -> Files.isSymbolicLink(root.resolve("remote")));
    String second = repo.commit("file.txt", "two");
    String third = repo.commit("file.txt", "three");
    await()
        .atMost(60, SECONDS)
        .until(
            () ->
                rx.requests.stream().filter(q -> calls.get() > 3).count() >= 1
                    && delivered(rx).stream()
                        .anyMatch(
                            t ->
                                t.contains(third.substring(0, 7))
                                    || t.contains(second.substring(0, 7))));
    await()
        .atMost(60, SECONDS)
        .until(() -> delivered(rx).stream().anyMatch(t -> t.contains(first.substring(0, 7))));
    List<String> ok = delivered(rx);
    assertThat(ok.get(0)).contains(first.substring(0, 7));
    assertThat(ok).doesNotHaveDuplicates();
    assertThat(g.err()).contains("notification failed, will retry", "HTTP 429");
  }

  /** Texts of the requests the receiver accepted (the ones after the scripted failures). */
  private static List<String> delivered(Receiver rx) {
    List<String> out = new ArrayList<>();
    for (int i = 3; i < rx.requests.size(); i++) {
      out.add(rx.requests.get(i).body());
    }
    return out;
  }

  @Test
  void killDuringDelivery_restartStillDelivers() throws Exception {
    rx.defaultStatus = 503;
    g =
        GitSync.start(
            tmp,
            Map.of(),
            args("--period=1h", "--notify=generic+" + rx.url("/h")).toArray(new String[0]));
    await().atMost(30, SECONDS).until(() -> rx.requests.size() >= 1);
    assertThat(Files.list(root.resolve(".gitsync-notify/pending")).count()).isEqualTo(1);
    g.signal("KILL");
    g.waitFor(10);
    g = null;
    rx.defaultStatus = 200;
    int before = rx.requests.size();
    GitSync h =
        GitSync.start(
            tmp,
            Map.of(),
            args("--period=1h", "--notify=generic+" + rx.url("/h")).toArray(new String[0]));
    try {
      await().atMost(30, SECONDS).until(() -> rx.requests.size() > before);
      await()
          .atMost(60, SECONDS)
          .until(() -> Files.list(root.resolve(".gitsync-notify/pending")).count() == 0);
      String id = rx.requests.get(0).header("Idempotency-Key");
      assertThat(rx.requests.get(rx.requests.size() - 1).header("Idempotency-Key")).isEqualTo(id);
      assertThat(rx.requests.stream().map(q -> json(q).get("type")).distinct().toList())
          .containsExactly("sync.succeeded");
    } finally {
      h.kill();
    }
  }

  @Test
  void notifyTest_reportsEachSink_exitCodeReflectsAll() throws Exception {
    rx.validator =
        q ->
            q.path().contains("bad")
                ? new Receiver.Answer(404, "channel_not_found")
                : Receiver.slack(q);
    String good = "slack+" + rx.url("/services/T/B/GOODSECRET99");
    String bad = "slack+" + rx.url("/services/T/B/badSECRET77");
    GitSync.Result ok =
        GitSync.run(
            tmp, Map.of(), args("--notify-test", "--notify=" + good).toArray(new String[0]));
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("ok      slack-", "all notification sinks work");
    GitSync.Result mixed =
        GitSync.run(
            tmp,
            Map.of("GITSYNC_NOTIFY", good + " " + bad),
            args("--notify-test").toArray(new String[0]));
    assertThat(mixed.code()).isEqualTo(1);
    assertThat(mixed.out())
        .contains("FAILED  slack-", "HTTP 404: channel_not_found", "1 sink(s) failed");
    for (String s : List.of(ok.out(), ok.err(), mixed.out(), mixed.err())) {
      assertThat(s).doesNotContain("GOODSECRET99", "badSECRET77");
    }
    assertThat(json(rx.requests.get(0)).get("text").toString()).contains("Test notification");
    assertThat(root.resolve(".gitsync-notify")).doesNotExist();
  }

  /**
   * As the docs run it: {@code kubectl exec … /git-sync --notify-file=… --notify-test} in a pod
   * whose {@code --repo} is an argument of the running process, so only the image's environment
   * ({@code GITSYNC_ROOT}) is there. A file without a URL is a failure, not "all sinks work".
   */
  @Test
  void notifyTest_needsOnlyTheSinks_andFailsWhenThereIsNone() throws Exception {
    rx.validator = Receiver::slack;
    Path file = tmp.resolve("urls");
    Files.writeString(file, "# Slack\nslack+" + rx.url("/services/T/B/FILESECRET11") + "\n");
    GitSync.Result ok =
        GitSync.run(
            tmp, Map.of("GITSYNC_ROOT", root.toString()), "--notify-file=" + file, "--notify-test");
    assertThat(ok.code()).as(ok.err() + ok.out()).isZero();
    assertThat(ok.out()).contains("all notification sinks work");
    Files.writeString(file, "# nothing here yet\n\n");
    GitSync.Result none = GitSync.run(tmp, Map.of(), "--notify-file=" + file, "--notify-test");
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.out())
        .contains("FAILED  no notification sink is configured", "--notify-file " + file)
        .doesNotContain("all notification sinks work");
    // A running sidecar with such a file says so once.
    g =
        GitSync.start(
            tmp, Map.of(), args("--period=100ms", "--notify-file=" + file).toArray(new String[0]));
    await().atMost(30, SECONDS).until(() -> g.err().contains("no notification sink is configured"));
    String next = repo.commit("file.txt", "later");
    await()
        .atMost(30, SECONDS)
        .until(() -> next.equals(Disk.linkHashOrNull(root.resolve("remote"))));
    assertThat(count(g.err(), "no notification sink is configured")).isEqualTo(1);
  }

  @Test
  void gone410_disablesSinkWithOneLogLine() throws Exception {
    rx.validator = q -> new Receiver.Answer(410, "channel_is_archived");
    g =
        GitSync.start(
            tmp,
            Map.of(),
            args("--period=100ms", "--notify=" + slackUrl(), "--max-failures=-1")
                .toArray(new String[0]));
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification sink is gone"));
    Files.move(repo.dir, tmp.resolve("moved"));
    await().atMost(30, SECONDS).until(() -> g.err().contains("error syncing repo"));
    // The failure alert was due and was skipped, visibly, instead of being sent to the sink.
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification skipped"));
    assertThat(rx.requests).hasSize(1);
    assertThat(g.err().split("notification sink is gone", -1)).hasSize(2);
  }

  @Test
  void generic_signedWithStandardWebhooksAndGithubHeaders() throws Exception {
    Path secret = tmp.resolve("secret");
    Files.writeString(
        secret,
        "whsec_"
            + Base64.getEncoder()
                .encodeToString("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8)));
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            args("--one-time", "--notify=generic+" + rx.url("/h?x=1&secret_file=" + secret))
                .toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    Receiver.Request q = rx.requests.get(0);
    assertThat(q.path()).isEqualTo("/h?x=1");
    String id = q.header("webhook-id");
    String ts = q.header("webhook-timestamp");
    byte[] key = "0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
    String expected =
        "v1,"
            + Base64.getEncoder()
                .encodeToString(
                    hmac(key, (id + "." + ts + "." + q.body()).getBytes(StandardCharsets.UTF_8)));
    assertThat(q.header("webhook-signature")).isEqualTo(expected);
    assertThat(q.header("X-Hub-Signature-256"))
        .isEqualTo(
            "sha256="
                + HexFormat.of()
                    .formatHex(
                        hmac(
                            Files.readString(secret).getBytes(StandardCharsets.UTF_8),
                            q.body().getBytes(StandardCharsets.UTF_8))));
    Map<String, Object> event = json(q);
    assertThat(event.get("type")).isEqualTo("sync.succeeded");
    assertThat(((Map<?, ?>) event.get("data")).get("hash")).isEqualTo(first);
    assertThat(q.header("Idempotency-Key")).isEqualTo(id);
  }

  @Test
  void generic_cloudEventsBinaryAndStructured() throws Exception {
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            args(
                    "--one-time",
                    "--notify=generic+" + rx.url("/bin?cloudevents=binary"),
                    "--notify=generic+" + rx.url("/str?cloudevents=structured"))
                .toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    Receiver.Request bin =
        rx.requests.stream().filter(q -> q.path().equals("/bin")).findFirst().orElseThrow();
    assertThat(bin.header("ce-specversion")).isEqualTo("1.0");
    assertThat(bin.header("ce-type")).isEqualTo("io.k8s.git-sync.sync.succeeded");
    assertThat(json(bin).get("hash")).isEqualTo(first);
    Receiver.Request str =
        rx.requests.stream().filter(q -> q.path().equals("/str")).findFirst().orElseThrow();
    assertThat(str.header("Content-Type")).isEqualTo("application/cloudevents+json");
    assertThat(json(str).get("specversion")).isEqualTo("1.0");
    assertThat(((Map<?, ?>) json(str).get("data")).get("hash")).isEqualTo(first);
  }

  @Test
  void discord_waitTrue_noMentions_retryAfterFromBody() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    rx.validator =
        q ->
            calls.incrementAndGet() == 1
                ? new Receiver.Answer(
                    429,
                    "{\"message\":\"You are being rate limited.\",\"retry_after\":0.5,\"global\":false}")
                : new Receiver.Answer(200, "{\"id\":\"1\"}");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            args("--one-time", "--notify=discord+" + rx.url("/api/webhooks/1/DISCORDTOKEN"))
                .toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(rx.requests).hasSize(2);
    Receiver.Request q = rx.requests.get(1);
    assertThat(q.path()).isEqualTo("/api/webhooks/1/DISCORDTOKEN?wait=true");
    Map<String, Object> body = json(q);
    assertThat(body.get("allowed_mentions")).isEqualTo(Map.of("parse", List.of()));
    assertThat(((List<?>) body.get("embeds"))).hasSize(1);
    assertThat(r.err()).doesNotContain("DISCORDTOKEN");
  }

  @Test
  void teamsGoogleChatMattermost_renderNatively() throws Exception {
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            args(
                    "--one-time",
                    "--notify=teams+"
                        + rx.url("/workflows/abc/triggers/manual/paths/invoke?sig=TEAMSSIG"),
                    "--notify=gchat+" + rx.url("/v1/spaces/S/messages?key=K&token=GCHATTOKEN"),
                    "--notify=mattermost+" + rx.url("/hooks/MMKEY"))
                .toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(rx.requests).hasSize(3);
    Receiver.Request teams =
        rx.requests.stream()
            .filter(q -> q.path().startsWith("/workflows"))
            .findFirst()
            .orElseThrow();
    Map<String, Object> t = json(teams);
    assertThat(t.get("type")).isEqualTo("message");
    Map<?, ?> att = (Map<?, ?>) ((List<?>) t.get("attachments")).get(0);
    assertThat(att.get("contentType")).isEqualTo("application/vnd.microsoft.card.adaptive");
    assertThat(((Map<?, ?>) att.get("content")).get("version")).isEqualTo("1.4");
    Receiver.Request chat =
        rx.requests.stream()
            .filter(q -> q.path().startsWith("/v1/spaces"))
            .findFirst()
            .orElseThrow();
    assertThat(chat.path())
        .contains("key=K&token=GCHATTOKEN&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
    assertThat((List<?>) json(chat).get("cardsV2")).hasSize(1);
    assertThat(((Map<?, ?>) json(chat).get("thread")).get("threadKey"))
        .asString()
        .startsWith("git-sync-");
    Receiver.Request mm =
        rx.requests.stream().filter(q -> q.path().startsWith("/hooks")).findFirst().orElseThrow();
    assertThat(((List<?>) json(mm).get("attachments"))).hasSize(1);
    assertThat(r.err()).doesNotContain("TEAMSSIG", "GCHATTOKEN", "MMKEY");
  }

  @Test
  void slackBot_threadsMessagesPerRepoAndRef() throws Exception {
    Path token = tmp.resolve("token");
    Files.writeString(token, "xoxb-BOTTOKEN\n");
    AtomicInteger n = new AtomicInteger();
    rx.validator =
        q -> {
          if (!"Bearer xoxb-BOTTOKEN".equals(q.header("Authorization"))) {
            return new Receiver.Answer(200, "{\"ok\":false,\"error\":\"invalid_auth\"}");
          }
          return new Receiver.Answer(
              200,
              "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1700.000" + n.incrementAndGet() + "\"}");
        };
    String url =
        "--notify=slackbot+" + rx.url("/api/chat.postMessage?channel=C1&token_file=" + token);
    assertThat(GitSync.run(tmp, Map.of(), args("--one-time", url).toArray(new String[0])).code())
        .isZero();
    repo.commit("file.txt", "two");
    GitSync.Result r = GitSync.run(tmp, Map.of(), args("--one-time", url).toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(rx.requests).hasSize(2);
    assertThat(json(rx.requests.get(0)))
        .doesNotContainKey("thread_ts")
        .containsEntry("channel", "C1");
    assertThat(json(rx.requests.get(1))).containsEntry("thread_ts", "1700.0001");
    assertThat(r.err()).doesNotContain("BOTTOKEN");
  }

  @Test
  void userTemplate_andEventFilter_perSink() throws Exception {
    Path tpl = tmp.resolve("tpl.txt");
    Files.writeString(
        tpl,
        "{{repo_name}}@{{short_hash}}{{#commits}} [{{subject}}]{{/commits}}{{^error}} ok{{/error}}");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            args(
                    "--one-time",
                    "--notify=slack+" + rx.url("/a?template_file=" + tpl),
                    "--notify=generic+" + rx.url("/only-failures?events=failed"))
                .toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(rx.requests).hasSize(1);
    assertThat(rx.requests.get(0).body())
        .contains("remote@" + first.substring(0, 7) + " [change 1] ok");
  }

  @Test
  void notifyFile_isReReadWhenItChanges() throws Exception {
    Path file = tmp.resolve("urls");
    Files.writeString(file, "# none yet\n");
    g =
        GitSync.start(
            tmp, Map.of(), args("--period=100ms", "--notify-file=" + file).toArray(new String[0]));
    await().atMost(30, SECONDS).until(() -> Files.isSymbolicLink(root.resolve("remote")));
    Files.writeString(file, "generic+" + rx.url("/late") + "\n");
    String second = repo.commit("file.txt", "two");
    await()
        .atMost(30, SECONDS)
        .until(() -> rx.requests.stream().anyMatch(q -> q.body().contains(second)));
  }

  @Test
  void hookFailure_isNotified() throws Exception {
    Path hook = Disk.script(tmp.resolve("hook.sh"), "echo broken >&2; exit 3");
    g =
        GitSync.start(
            tmp,
            Map.of(),
            args(
                    "--period=1h",
                    "--exechook-command=" + hook,
                    "--notify=generic+" + rx.url("/h?events=hook_failed"))
                .toArray(new String[0]));
    await().atMost(30, SECONDS).until(() -> !rx.requests.isEmpty());
    Map<String, Object> e = json(rx.requests.get(0));
    assertThat(e.get("type")).isEqualTo("hook.failed");
    assertThat(((Map<?, ?>) e.get("data")).get("hook")).isEqualTo("exechook");
    assertThat(((Map<?, ?>) e.get("data")).get("error").toString())
        .contains("exit status 3", "broken");
    // Two more failures of the same hook on the same commit, each retried after the backoff:
    // their alerts would arrive within milliseconds; none does.
    await().atMost(30, SECONDS).until(() -> g.err().split("\"msg\":\"hook failed\"").length > 3);
    assertThat(rx.requests).hasSize(1);
  }

  @Test
  void outbox_survivesRootReinitialisation() throws Exception {
    rx.defaultStatus = 503;
    g =
        GitSync.start(
            tmp,
            Map.of(),
            args("--period=1h", "--notify=generic+" + rx.url("/h")).toArray(new String[0]));
    await().atMost(30, SECONDS).until(() -> rx.requests.size() >= 1);
    g.signal("KILL");
    g.waitFor(10);
    g = null;
    dev.gitsync.fs.FileOps.removeAll(root.resolve(".git/objects"));
    rx.defaultStatus = 200;
    int before = rx.requests.size();
    GitSync h =
        GitSync.start(
            tmp,
            Map.of(),
            args("--period=1h", "--notify=generic+" + rx.url("/h")).toArray(new String[0]));
    try {
      await().atMost(30, SECONDS).until(() -> h.err().contains("repo directory failed checks"));
      await().atMost(30, SECONDS).until(() -> rx.requests.size() > before);
      assertThat(root.resolve(".gitsync-notify/state.json")).exists();
    } finally {
      h.kill();
    }
  }

  @Test
  void metrics_countDeliveriesPerSink() throws Exception {
    g =
        GitSync.start(
            tmp,
            Map.of(),
            args(
                    "--period=1h",
                    "--http-bind=127.0.0.1:0",
                    "--http-metrics",
                    "--notify=generic+" + rx.url("/METRICSECRET"))
                .toArray(new String[0]));
    await().atMost(30, SECONDS).until(() -> !rx.requests.isEmpty());
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"endpoint\":\"[^\"]*:(\\d+)\"").matcher(g.err());
    assertThat(m.find()).isTrue();
    java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient();
    String url = "http://127.0.0.1:" + m.group(1) + "/metrics";
    await()
        .atMost(60, SECONDS)
        .until(
            () ->
                c.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body()
                    .contains("status=\"sent\""));
    String body =
        c.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(body)
        .containsPattern(
            "git_sync_notifications_total\\{sink=\"generic-[0-9a-f]{8}\",event=\"sync.succeeded\",status=\"sent\"} 1")
        .contains("git_sync_notification_queue_depth{sink=\"generic-")
        .doesNotContain("METRICSECRET");
  }

  @Test
  void hangingSink_timesOutAndIsRetried_untilItAnswers() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    rx.validator =
        q -> {
          if (calls.incrementAndGet() == 1) {
            try {
              Thread.sleep(3000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return new Receiver.Answer(200, "ok");
        };
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            args("--one-time", "--notify=generic+" + rx.url("/h?timeout=1s"))
                .toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("request timed out", "notification delivered");
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void connectionReset_isRetried() throws Exception {
    try (java.net.ServerSocket resetting =
        new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                try {
                  java.net.Socket s = resetting.accept();
                  s.setSoLinger(true, 0);
                  s.close();
                } catch (java.io.IOException ignored) {
                  // The test is over.
                }
              });
      t.start();
      g =
          GitSync.start(
              tmp,
              Map.of(),
              args(
                      "--period=1h",
                      "--notify=generic+http://127.0.0.1:" + resetting.getLocalPort() + "/h")
                  .toArray(new String[0]));
      await().atMost(30, SECONDS).until(() -> g.err().contains("notification failed, will retry"));
      assertThat(Files.list(root.resolve(".gitsync-notify/pending")).count()).isEqualTo(1);
      t.join(5000);
    }
  }

  static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
