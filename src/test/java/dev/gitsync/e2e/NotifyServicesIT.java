package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * Notifications end to end against fakes that answer as each service is documented to answer
 * ({@link ServiceFake}): the messages lost for good, the answers misjudged, and the payloads each
 * service would reject or render wrongly (issue 12).
 */
class NotifyServicesIT {
  @TempDir Path tmp;
  Repo repo;
  Path root;
  final List<Receiver> receivers = new ArrayList<>();
  GitSync g;

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
    receivers.forEach(Receiver::close);
  }

  private ServiceFake fake(ServiceFake.Kind kind) throws Exception {
    Receiver rx = new Receiver();
    receivers.add(rx);
    ServiceFake f = new ServiceFake(kind);
    rx.validator = f;
    fakes.put(f, rx);
    return f;
  }

  private final Map<ServiceFake, Receiver> fakes = new java.util.HashMap<>();

  private String url(ServiceFake f, String path) {
    return fakes.get(f).url(path);
  }

  private GitSync start(String... extra) throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--repo=" + repo.url(),
                "--root=" + root,
                "--period=100ms",
                "--max-failures=-1",
                "--notify-failure-threshold=1"));
    a.addAll(List.of(extra));
    g = GitSync.start(tmp, a.toArray(new String[0]));
    return g;
  }

  private static void noProblems(ServiceFake... fakes) {
    for (ServiceFake f : fakes) {
      assertThat(f.rejections).as(f.kind + " would reject").isEmpty();
      assertThat(f.fidelity).as(f.kind + " would render wrongly").isEmpty();
    }
  }

  private Path tokenFile(String token) throws Exception {
    Path t = tmp.resolve("slack-token");
    Files.writeString(t, token + "\n");
    return t;
  }

  // Item 1.

  @Test
  void slackBot_deletedThreadParent_theNextMessageStartsANewThread() throws Exception {
    ServiceFake slack = fake(ServiceFake.Kind.SLACK_API);
    String sink =
        "slackbot+"
            + url(slack, "/api/chat.postMessage")
            + "?channel=C0123&token_file="
            + tokenFile("xoxb-good");
    start("--notify=" + sink);
    await().atMost(30, SECONDS).until(() -> slack.accepted.size() == 1);
    String parent = slack.messages.keySet().iterator().next();
    slack.delete(parent);
    repo.commit("file.txt", "two");
    await().atMost(30, SECONDS).until(() -> slack.accepted.size() == 2);
    assertThat(slack.accepted.get(1)).doesNotContainKey("thread_ts");
    repo.commit("file.txt", "three");
    await().atMost(30, SECONDS).until(() -> slack.accepted.size() == 3);
    assertThat(slack.accepted.get(2).get("thread_ts")).isNotEqualTo(parent).isNotNull();
    assertThat(slack.answers).contains("200");
    noProblems(slack);
  }

  // Item 2.

  @Test
  void disabledSink_isSkippedWithALogLine_andComesBackWhenItsTokenIsRotated() throws Exception {
    ServiceFake slack = fake(ServiceFake.Kind.SLACK_API);
    slack.revoked.add("xoxb-old");
    Path token = tokenFile("xoxb-old");
    String sink =
        "slackbot+" + url(slack, "/api/chat.postMessage") + "?channel=C0123&token_file=" + token;
    start("--notify=" + sink, "--http-bind=127.0.0.1:0", "--http-metrics");
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification sink is gone"));
    repo.commit("file.txt", "two");
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification skipped"));
    assertThat(Metrics.get(g.httpPort()))
        .contains("git_sync_notification_sink_disabled{sink=\"slackbot-")
        .containsPattern(
            "git_sync_notifications_dropped_total\\{sink=\"slackbot-[0-9a-f]+\",reason=\"disabled\"} [1-9]");
    // --notify-test tells what the running process does, not only whether a message gets through.
    GitSync.Result test =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=" + repo.url(),
            "--root=" + root,
            "--notify=" + sink,
            "--notify-test");
    assertThat(test.out()).contains("FAILED", "token_revoked", "the running git-sync disabled");
    Files.writeString(token, "xoxb-good\n");
    repo.commit("file.txt", "three");
    await().atMost(30, SECONDS).until(() -> slack.accepted.size() == 1);
    assertThat(g.err()).contains("trying a disabled notification sink again");
    noProblems(slack);
  }

  @Test
  void disabledSink_isTriedAgainAfterARestart() throws Exception {
    ServiceFake slack = fake(ServiceFake.Kind.SLACK_API);
    slack.archived.add("C0123");
    String sink =
        "slackbot+"
            + url(slack, "/api/chat.postMessage")
            + "?channel=C0123&token_file="
            + tokenFile("xoxb-good");
    start("--notify=" + sink);
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification sink is gone"));
    g.kill();
    slack.archived.clear();
    repo.commit("file.txt", "two");
    start("--notify=" + sink);
    await().atMost(30, SECONDS).until(() -> slack.accepted.size() == 1);
    noProblems(slack);
  }

  // Item 3.

  @Test
  void redirect_isAFailure_notADelivery() throws Exception {
    Receiver target = new Receiver();
    receivers.add(target);
    Receiver redirecting = new Receiver();
    receivers.add(redirecting);
    redirecting.validator =
        r -> new Receiver.Answer(302, "", Map.of("Location", target.url("/moved/TOKEN7")));
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--notify=generic+" + redirecting.url("/hook"));
    assertThat(r.code()).isZero();
    assertThat(target.requests).isEmpty();
    assertThat(r.err())
        .contains("redirect", "not followed")
        .doesNotContain("notification delivered", "TOKEN7");
  }

  // Item 4.

  @Test
  void teamsLegacyConnector_200WithAnErrorText_isRetried() throws Exception {
    ServiceFake teams = fake(ServiceFake.Kind.TEAMS_LEGACY);
    teams.faults.add("rate_limited");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--notify=teams+" + url(teams, "/webhookb2/x/IncomingWebhook/y/z"));
    assertThat(r.code()).isZero();
    assertThat(teams.accepted).hasSize(1);
    assertThat(r.err()).contains("notification failed, will retry", "HTTP error 429");
    noProblems(teams);
  }

  // Item 5.

  @Test
  void cloudEventsBinary_nonAsciiRef_isDelivered_withPercentEncodedHeaders() throws Exception {
    String ref = "feature/ünï-✓";
    repo.git("checkout", "-q", "-b", ref);
    repo.commit("file.txt", "on the branch");
    ServiceFake generic = fake(ServiceFake.Kind.GENERIC);
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=" + repo.url(),
            "--root=" + root,
            "--ref=" + ref,
            "--one-time",
            "--notify=generic+" + url(generic, "/ce") + "?cloudevents=binary");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(generic.accepted).hasSize(1);
    Receiver.Request req = fakes.get(generic).requests.get(0);
    assertThat(req.header("ce-subject")).isEqualTo("feature/%C3%BCn%C3%AF-%E2%9C%93");
    assertThat(req.header("ce-source")).startsWith("file:///");
  }

  // Item 6.

  @Test
  void discordDeletedWebhook_disablesTheSink_insteadOfFailingEveryMessage() throws Exception {
    ServiceFake discord = fake(ServiceFake.Kind.DISCORD);
    for (int i = 0; i < 10; i++) {
      discord.faults.add("unknown_webhook");
    }
    start("--notify=discord+" + url(discord, "/api/webhooks/1/tok"));
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification sink is gone"));
    repo.commit("file.txt", "two");
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification skipped"));
    assertThat(fakes.get(discord).requests).hasSize(1);
  }

  // Item 7.

  @Test
  void alerts_areBroadcastFromTheSlackThread_andTopLevelInGoogleChat() throws Exception {
    ServiceFake slack = fake(ServiceFake.Kind.SLACK_API);
    ServiceFake chat = fake(ServiceFake.Kind.GCHAT);
    start(
        "--notify=slackbot+"
            + url(slack, "/api/chat.postMessage")
            + "?channel=C0123&token_file="
            + tokenFile("xoxb-good"),
        "--notify=gchat+" + url(chat, "/v1/spaces/S/messages?key=K"));
    await()
        .atMost(30, SECONDS)
        .until(() -> slack.accepted.size() == 1 && chat.accepted.size() == 1);
    assertThat(chat.accepted.get(0)).containsKey("thread");
    Files.move(repo.dir, tmp.resolve("gone"));
    await()
        .atMost(30, SECONDS)
        .until(() -> slack.accepted.size() == 2 && chat.accepted.size() == 2);
    assertThat(slack.accepted.get(1))
        .containsKey("thread_ts")
        .containsEntry("reply_broadcast", true);
    assertThat(chat.accepted.get(1)).doesNotContainKey("thread");
    noProblems(slack, chat);
  }

  // Items 8, 10 and 11: untrusted text, rendered as each service renders.

  @Test
  void untrustedText_reachesNoServiceAsMarkupOrMention() throws Exception {
    ServiceFake slack = fake(ServiceFake.Kind.SLACK_WEBHOOK);
    ServiceFake mattermost = fake(ServiceFake.Kind.MATTERMOST);
    ServiceFake chat = fake(ServiceFake.Kind.GCHAT);
    ServiceFake teams = fake(ServiceFake.Kind.TEAMS_WORKFLOWS);
    ServiceFake discord = fake(ServiceFake.Kind.DISCORD);
    Path evil = tmp.resolve("r&d");
    Repo r = new Repo(evil);
    r.commit("f.txt", "one");
    Files.writeString(evil.resolve("f.txt"), "two");
    r.git("add", "-A");
    r.git(
        "-c",
        "user.name=@all <!here>",
        "commit",
        "-qm",
        "ping <!channel> & @here and `code` with \\escapes <https://evil.example|click>");
    r.commit("f.txt", "three");
    List<String> a =
        new ArrayList<>(
            List.of(
                "--repo=file://" + evil,
                "--root=" + root,
                "--period=100ms",
                "--max-failures=-1",
                "--depth=0",
                "--notify=slack+" + url(slack, "/services/T/B/X"),
                "--notify=mattermost+" + url(mattermost, "/hooks/k"),
                "--notify=gchat+" + url(chat, "/v1/spaces/S/messages?key=K"),
                "--notify=teams+" + url(teams, "/workflows/x"),
                "--notify=discord+" + url(discord, "/api/webhooks/1/t")));
    g = GitSync.start(tmp, a.toArray(new String[0]));
    await()
        .atMost(30, SECONDS)
        .until(() -> slack.accepted.size() == 1 && teams.accepted.size() == 1);
    // Two commits that land at once (main moves in one step, and the remote's HEAD, which
    // git-sync follows, never points elsewhere), so they make one announcement on a busy host too.
    Path wt = tmp.resolve("next-worktree");
    r.git("worktree", "add", "-q", "-b", "next", wt.toString());
    Files.writeString(wt.resolve("f.txt"), "four");
    Repo.run(wt, List.of("git", "add", "-A"));
    Repo.run(wt, List.of("git", "commit", "-qm", "change four"));
    Repo.run(
        wt,
        List.of(
            "git",
            "-c",
            "user.name=Eve",
            "commit",
            "--allow-empty",
            "-qm",
            "A & B <users/all> @channel"));
    r.git("update-ref", "refs/heads/main", "refs/heads/next");
    await()
        .atMost(30, SECONDS)
        .until(() -> chat.accepted.size() == 2 && mattermost.accepted.size() == 2);
    // A failure whose git stderr carries the repo's name (with & in it) and a mention.
    Files.move(evil, tmp.resolve("moved"));
    await()
        .atMost(30, SECONDS)
        .until(
            () ->
                slack.accepted.size() == 3
                    && mattermost.accepted.size() == 3
                    && chat.accepted.size() == 3);
    try {
      await()
          .atMost(30, SECONDS)
          .until(() -> teams.accepted.size() == 3 && discord.accepted.size() == 3);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "teams "
              + teams.accepted.size()
              + ", discord "
              + discord.accepted.size()
              + "; problems: "
              + teams.problems()
              + discord.problems()
              + "\n"
              + g.err(),
          e);
    }
    noProblems(slack, mattermost, chat, teams, discord);
  }

  // Item 9.

  @Test
  void templateThatRendersEmpty_sendsTheBuiltInMessage_andSaysSoOnce() throws Exception {
    ServiceFake slack = fake(ServiceFake.Kind.SLACK_WEBHOOK);
    Path template = tmp.resolve("failures-only.tmpl");
    Files.writeString(template, "{{#error}}Broken: {{error}}{{/error}}\n");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--notify=slack+" + url(slack, "/services/T/B/X") + "?template_file=" + template);
    assertThat(r.code()).isZero();
    assertThat(slack.accepted).hasSize(1);
    assertThat(r.err()).contains("template_file renders an empty text");
    noProblems(slack);
  }

  // Item 12.

  @Test
  void oneLongSubject_pushesOutNoOtherCommit_andSplitsNoEntity() throws Exception {
    ServiceFake slack = fake(ServiceFake.Kind.SLACK_WEBHOOK);
    ServiceFake discord = fake(ServiceFake.Kind.DISCORD);
    String[] args = {
      "--repo=" + repo.url(),
      "--root=" + root,
      "--one-time",
      "--depth=0",
      "--notify=slack+" + url(slack, "/services/T/B/X"),
      "--notify=discord+" + url(discord, "/api/webhooks/1/t")
    };
    assertThat(GitSync.run(tmp, Map.of(), args).code()).isZero();
    repo.git("commit", "--allow-empty", "-qm", "&<>".repeat(1500) + "👨‍👩‍👧‍👦".repeat(50));
    for (int i = 0; i < 4; i++) {
      repo.commit("file.txt", "next " + i);
    }
    assertThat(GitSync.run(tmp, Map.of(), args).code()).isZero();
    await().atMost(60, SECONDS).until(() -> slack.accepted.size() == 2);
    String sent = fakes.get(slack).requests.get(1).body();
    assertThat(sent).contains("change 2", "change 5");
    noProblems(slack, discord);
  }

  // The documented error catalogues, judged as each service means them.

  @Test
  void eachServicesDocumentedErrors_areRetriedDroppedOrDisabledAsThatServiceMeansThem()
      throws Exception {
    record Case(ServiceFake.Kind kind, String prefix, String path, String fault, String expect) {}
    List<Case> cases =
        List.of(
            new Case(
                ServiceFake.Kind.SLACK_WEBHOOK,
                "slack+",
                "/services/T/B/X",
                "rollup_error",
                "retry"),
            new Case(
                ServiceFake.Kind.SLACK_WEBHOOK,
                "slack+",
                "/services/T/B/X",
                "rate_limited",
                "retry"),
            new Case(
                ServiceFake.Kind.SLACK_WEBHOOK,
                "slack+",
                "/services/T/B/X",
                "invalid_payload",
                "drop"),
            new Case(
                ServiceFake.Kind.SLACK_WEBHOOK,
                "slack+",
                "/services/T/B/X",
                "no_service",
                "disable"),
            new Case(
                ServiceFake.Kind.SLACK_WEBHOOK,
                "slack+",
                "/services/T/B/X",
                "channel_is_archived",
                "disable"),
            new Case(
                ServiceFake.Kind.SLACK_API,
                "slackbot+",
                "/api/chat.postMessage",
                "ratelimited",
                "retry"),
            new Case(
                ServiceFake.Kind.SLACK_API,
                "slackbot+",
                "/api/chat.postMessage",
                "internal_error",
                "retry"),
            new Case(
                ServiceFake.Kind.SLACK_API,
                "slackbot+",
                "/api/chat.postMessage",
                "invalid_auth",
                "disable"),
            new Case(
                ServiceFake.Kind.SLACK_API,
                "slackbot+",
                "/api/chat.postMessage",
                "msg_too_long",
                "drop"),
            new Case(
                ServiceFake.Kind.TEAMS_WORKFLOWS,
                "teams+",
                "/workflows/x",
                "rate_limited",
                "retry"),
            new Case(ServiceFake.Kind.TEAMS_WORKFLOWS, "teams+", "/workflows/x", "bad", "drop"),
            new Case(
                ServiceFake.Kind.DISCORD, "discord+", "/api/webhooks/1/t", "rate_limited", "retry"),
            new Case(
                ServiceFake.Kind.DISCORD, "discord+", "/api/webhooks/1/t", "invalid_form", "drop"),
            new Case(
                ServiceFake.Kind.GCHAT,
                "gchat+",
                "/v1/spaces/S/messages",
                "RESOURCE_EXHAUSTED",
                "retry"),
            new Case(
                ServiceFake.Kind.GCHAT,
                "gchat+",
                "/v1/spaces/S/messages",
                "INVALID_ARGUMENT",
                "drop"),
            new Case(
                ServiceFake.Kind.GCHAT, "gchat+", "/v1/spaces/S/messages", "NOT_FOUND", "disable"),
            new Case(ServiceFake.Kind.MATTERMOST, "mattermost+", "/hooks/k", "no_text", "drop"),
            new Case(ServiceFake.Kind.MATTERMOST, "mattermost+", "/hooks/k", "disabled", "drop"));
    Path token = tokenFile("xoxb-good");
    int n = 0;
    for (Case c : cases) {
      ServiceFake f = fake(c.kind());
      f.faults.add(c.fault());
      String extra =
          c.kind() == ServiceFake.Kind.SLACK_API ? "?channel=C0123&token_file=" + token : "";
      GitSync.Result r =
          GitSync.run(
              tmp,
              Map.of(),
              "--repo=" + repo.url(),
              "--root=" + tmp.resolve("root" + n++),
              "--one-time",
              "--notify=" + c.prefix() + url(f, c.path()) + extra);
      String what = c.kind() + " " + c.fault();
      assertThat(r.code()).as(what).isZero();
      switch (c.expect()) {
        case "retry":
          assertThat(f.accepted).as(what + " delivered on the retry").hasSize(1);
          assertThat(r.err()).as(what).contains("notification failed, will retry");
          break;
        case "drop":
          assertThat(f.accepted).as(what).isEmpty();
          assertThat(r.err()).as(what).contains("notification dropped");
          break;
        default:
          assertThat(f.accepted).as(what).isEmpty();
          assertThat(r.err()).as(what).contains("notification sink is gone");
      }
      noProblems(f);
    }
  }

  @Test
  void generic_signedDeliveries_verifyAsStandardWebhooksAndGitHub_andReplaysAreRecognised()
      throws Exception {
    ServiceFake generic = fake(ServiceFake.Kind.GENERIC);
    generic.secret =
        "whsec_" + java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123".getBytes());
    Path secret = tmp.resolve("secret");
    Files.writeString(secret, generic.secret + "\n");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--notify=generic+" + url(generic, "/h") + "?secret_file=" + secret);
    assertThat(r.code()).isZero();
    assertThat(generic.accepted).hasSize(1);
    assertThat(generic.answers).containsExactly("200");
  }

  /** Reads /metrics. */
  static final class Metrics {
    static String get(int port) throws Exception {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }
}
