package dev.gitsync.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.http.NioHttpServer;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.testing.Forges;
import dev.gitsync.testing.TestLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every sender's verification, matching and answers, without a socket. */
class TriggerHandlerTest {
  static final String SECRET = "It's a Secret to Everybody";
  static final String REPO = "https://github.com/o/r";

  @TempDir Path tmp;
  final FakeTime time = new FakeTime();
  final TestLog log = new TestLog();
  final List<String> fired = new CopyOnWriteArrayList<>();
  final List<String> counted = new ArrayList<>();
  Pacer pacer;
  Path secretFile;

  @BeforeEach
  void setUp() throws Exception {
    secretFile = Files.writeString(tmp.resolve("secret"), SECRET + "\n");
    pacer = new Pacer(Duration.ofSeconds(1), time, fired::add);
  }

  @AfterEach
  void tearDown() {
    pacer.close();
  }

  private TriggerHandler handler(String ref) {
    return new TriggerHandler(
        new SecretFile(secretFile),
        REPO,
        ref,
        pacer,
        Duration.ofSeconds(1),
        time,
        log.log(),
        (s, r) -> counted.add(s + "/" + r));
  }

  private static NioHttpServer.Response send(TriggerHandler h, Forges.Delivery d) {
    return send(h, "POST", "/trigger", d);
  }

  private static NioHttpServer.Response send(
      TriggerHandler h, String method, String path, Forges.Delivery d) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    d.headers().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.of(v)));
    return h.handle(
        new NioHttpServer.Request(
            method, path, "", headers, d.body().getBytes(StandardCharsets.UTF_8), "test"));
  }

  private static String text(NioHttpServer.Response r) {
    return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8).strip();
  }

  @Test
  void github_signedPushToTheRef_schedulesASync_sayingWhatStartedIt() {
    TriggerHandler h = handler("main");
    Forges.Delivery d =
        Forges.github(SECRET, "push", "refs/heads/main", REPO + ".git", false, "d1");
    assertThat(text(send(h, d))).isEqualTo("202 sync scheduled");
    assertThat(fired).singleElement().asString().contains("github push to refs/heads/main", "d1");
    assertThat(counted).containsExactly("github/scheduled");
  }

  @Test
  void github_knownSignatureVector_isAccepted() {
    // GitHub's documented test vector: secret "It's a Secret to Everybody", "Hello, World!".
    assertThat(Forges.hex(SECRET, "Hello, World!"))
        .isEqualTo("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  }

  @Test
  void github_missingOrWrongSignature_is401_andSaysNothingOfTheSecret() {
    TriggerHandler h = handler("main");
    Forges.Delivery d = Forges.github(SECRET, "push", "refs/heads/main", REPO, false, "d1");
    assertThat(text(send(h, d.with("X-Hub-Signature-256", "sha256=" + "0".repeat(64)))))
        .isEqualTo("401 not authorized");
    assertThat(
            send(h, Forges.github("wrong", "push", "refs/heads/main", REPO, false, "d2")).status())
        .isEqualTo(401);
    Forges.Delivery unsigned = new Forges.Delivery(Map.of("X-GitHub-Event", "push"), d.body());
    assertThat(send(h, unsigned).status()).isEqualTo(401);
    assertThat(send(h, new Forges.Delivery(Map.of(), "{}")).status()).isEqualTo(401);
    assertThat(fired).isEmpty();
    assertThat(log.text()).doesNotContain(SECRET);
  }

  @Test
  void github_pingAnotherRefAnotherRepoADeletionOrAnotherEvent_are200WithTheReason() {
    TriggerHandler h = handler("main");
    assertThat(text(send(h, Forges.github(SECRET, "ping", "", REPO, false, "p"))))
        .isEqualTo("200 pong");
    assertThat(text(send(h, Forges.github(SECRET, "push", "refs/heads/dev", REPO, false, "a"))))
        .isEqualTo("200 ignored: another ref");
    assertThat(
            text(
                send(
                    h,
                    Forges.github(
                        SECRET,
                        "push",
                        "refs/heads/main",
                        "https://github.com/o/other",
                        false,
                        "b"))))
        .isEqualTo("200 ignored: another repository");
    assertThat(text(send(h, Forges.github(SECRET, "push", "refs/heads/main", REPO, true, "c"))))
        .isEqualTo("200 ignored: the ref was deleted");
    assertThat(text(send(h, Forges.github(SECRET, "issues", "refs/heads/main", REPO, false, "e"))))
        .isEqualTo("200 ignored: event issues");
    assertThat(fired).isEmpty();
  }

  @Test
  void repository_matchesAcrossHttpsSshAndScpForms() {
    for (String url :
        List.of(
            "git@github.com:o/r.git",
            "ssh://git@ssh.github.com:443/o/r.git",
            "https://token@GitHub.com/O/R/",
            "http://github.com/o/r.git")) {
      TriggerHandler h = handler("main");
      assertThat(
              send(h, Forges.github(SECRET, "push", "refs/heads/main", url, false, url)).status())
          .as(url)
          .isEqualTo(202);
      time.advance(Duration.ofSeconds(2));
    }
  }

  @Test
  void refHead_followsTheDefaultBranch_andTagsMatchByName() {
    TriggerHandler head = handler("HEAD");
    assertThat(
            send(head, Forges.github(SECRET, "push", "refs/heads/dev", REPO, false, "1")).status())
        .isEqualTo(200);
    assertThat(
            send(head, Forges.github(SECRET, "push", "refs/heads/main", REPO, false, "2")).status())
        .isEqualTo(202);
    time.advance(Duration.ofSeconds(2));
    TriggerHandler tag = handler("v1.2");
    assertThat(
            send(tag, Forges.github(SECRET, "push", "refs/tags/v1.2", REPO, false, "3")).status())
        .isEqualTo(202);
    TriggerHandler hash = handler("a".repeat(40));
    assertThat(text(send(hash, Forges.github(SECRET, "push", "refs/heads/main", REPO, false, "4"))))
        .contains("--ref is a commit");
  }

  @Test
  void gitlab_tokenOrStandardSignature_andTagPushes() {
    TriggerHandler h = handler("v2");
    assertThat(send(h, Forges.gitlab(SECRET, "Tag Push Hook", "refs/tags/v2", REPO, "g1")).status())
        .isEqualTo(202);
    assertThat(send(h, Forges.gitlab("nope", "Push Hook", "refs/heads/v2", REPO, "g2")).status())
        .isEqualTo(401);
    assertThat(text(send(h, Forges.gitlab(SECRET, "Note Hook", "", REPO, "g3"))))
        .isEqualTo("200 ignored: event Note Hook");
  }

  @Test
  void giteaAndForgejo_bareHexSignatures_areRecognisedBeforeGithubs() {
    TriggerHandler h = handler("main");
    assertThat(send(h, Forges.gitea(SECRET, false, "refs/heads/main", REPO, "t1")).status())
        .isEqualTo(202);
    assertThat(counted).containsExactly("gitea/scheduled");
    Forges.Delivery forgejo = Forges.gitea(SECRET, true, "refs/heads/main", REPO, "f1");
    assertThat(send(h, forgejo).status()).isEqualTo(202);
    assertThat(counted).last().isEqualTo("forgejo/scheduled");
    Forges.Delivery third = Forges.gitea(SECRET, true, "refs/heads/main", REPO, "f2");
    assertThat(send(h, third).status()).isEqualTo(202);
    assertThat(counted).last().isEqualTo("forgejo/coalesced");
    assertThat(send(h, forgejo.with("X-Forgejo-Signature", "ab".repeat(32))).status())
        .isEqualTo(401);
  }

  @Test
  void bitbucket_cloudPushesOfBranchesAndTags_andDeletions() {
    TriggerHandler h = handler("main");
    String html = "https://github.com/o/r";
    assertThat(send(h, Forges.bitbucket(SECRET, "branch", "main", html, false, "b1")).status())
        .isEqualTo(202);
    assertThat(text(send(h, Forges.bitbucket(SECRET, "branch", "main", html, true, "b2"))))
        .isEqualTo("200 ignored: the ref was deleted");
    assertThat(text(send(h, Forges.bitbucket(SECRET, "tag", "v1", html, false, "b3"))))
        .isEqualTo("200 ignored: another ref");
    assertThat(text(send(h, Forges.bitbucket(SECRET, "branch", "dev", html, false, "b4"))))
        .isEqualTo("200 ignored: another ref");
  }

  @Test
  void standardWebhooks_andBearer_forScripts_withATimestampTolerance() throws Exception {
    TriggerHandler h = handler("main");
    long now = time.instant().getEpochSecond();
    assertThat(send(h, Forges.standard(SECRET, "{}", "s1", now)).status()).isEqualTo(202);
    assertThat(send(h, Forges.standard(SECRET, "{}", "s2", now - 301)).status()).isEqualTo(401);
    assertThat(send(h, Forges.standard(SECRET, "{}", "s3", now + 301)).status()).isEqualTo(401);
    Forges.Delivery bearer = new Forges.Delivery(Map.of("Authorization", "Bearer " + SECRET), "");
    time.advance(Duration.ofSeconds(5));
    assertThat(send(h, bearer).status()).isEqualTo(202);
    assertThat(send(h, bearer.with("Authorization", "Bearer wrong")).status()).isEqualTo(401);
    Files.writeString(
        secretFile,
        "whsec_" + java.util.Base64.getEncoder().encodeToString("k".repeat(24).getBytes()));
    assertThat(
            send(
                    h,
                    Forges.standard(
                        "whsec_"
                            + java.util.Base64.getEncoder()
                                .encodeToString("k".repeat(24).getBytes()),
                        "{}",
                        "s4",
                        now))
                .status())
        .isEqualTo(202);
  }

  @Test
  void rotatedSecret_isInForceAtOnce() throws Exception {
    TriggerHandler h = handler("main");
    Files.writeString(secretFile, "the-new-secret");
    assertThat(send(h, Forges.github(SECRET, "push", "refs/heads/main", REPO, false, "o")).status())
        .isEqualTo(401);
    assertThat(
            send(h, Forges.github("the-new-secret", "push", "refs/heads/main", REPO, false, "n"))
                .status())
        .isEqualTo(202);
    Files.delete(secretFile);
    assertThat(
            send(h, Forges.github("the-new-secret", "push", "refs/heads/main", REPO, false, "x"))
                .status())
        .as("no readable secret: everything is refused")
        .isEqualTo(401);
    assertThat(log.text()).contains("the secret file cannot be read");
    assertThat(send(h, Forges.gitlab("", "Push Hook", "refs/heads/main", REPO, "y")).status())
        .as("nor does an empty token match it")
        .isEqualTo(401);
  }

  @Test
  void replays_badBodies_otherPathsAndMethods() {
    TriggerHandler h = handler("main");
    Forges.Delivery d = Forges.github(SECRET, "push", "refs/heads/main", REPO, false, "same");
    assertThat(send(h, d).status()).isEqualTo(202);
    assertThat(text(send(h, d))).isEqualTo("200 duplicate delivery ignored");
    Forges.Delivery junk =
        new Forges.Delivery(
            Map.of(
                "X-GitHub-Event",
                "push",
                "X-Hub-Signature-256",
                "sha256=" + Forges.hex(SECRET, "{not json")),
            "{not json");
    assertThat(send(h, junk).status()).isEqualTo(400);
    Forges.Delivery notADelivery =
        new Forges.Delivery(
            Map.of(
                "X-GitHub-Event",
                "push",
                "X-Hub-Signature-256",
                "sha256=" + Forges.hex(SECRET, "not json")),
            "not json");
    assertThat(send(h, notADelivery).status())
        .as("signed, but no body a forge signs: not a delivery")
        .isEqualTo(401);
    assertThat(send(h, "POST", "/other", d).status()).isEqualTo(404);
    NioHttpServer.Response get = send(h, "GET", "/trigger", d);
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers()).contains(Map.entry("Allow", "POST"));
  }

  @Test
  void triggersInOneInterval_startOnePassNowAndOneAtItsEnd_andABurstIsLimited() {
    TriggerHandler h = handler("main");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      statuses.add(
          send(h, Forges.github(SECRET, "push", "refs/heads/main", REPO, false, "x" + i)).status());
    }
    assertThat(statuses.subList(0, TriggerHandler.BURST)).containsOnly(202);
    assertThat(statuses.subList(TriggerHandler.BURST, 30)).containsOnly(429);
    assertThat(fired).hasSize(1);
    assertThat(
            send(h, Forges.github("wrong", "push", "refs/heads/main", REPO, false, "y")).status())
        .as("strangers neither use up nor meet the limit")
        .isEqualTo(401);
    assertThat(counted).contains("github/scheduled", "github/coalesced", "github/rate_limited");
  }

  @Test
  void verify_refusesWithAReason_neverThrows_whenTheProofIsAbsentOrTheSenderUnknown() {
    byte[] secret = "s3cret".getBytes(StandardCharsets.UTF_8);
    NioHttpServer.Request bare =
        new NioHttpServer.Request("POST", "/trigger", "", Map.of(), new byte[0], "test");
    java.time.Instant now = java.time.Instant.EPOCH;
    assertThat(Deliveries.verify("bearer", bare, secret, now)).contains("wrong bearer token");
    assertThat(Deliveries.verify("somebody", bare, secret, now)).contains("unknown sender");
    assertThat(Deliveries.verify("github", bare, secret, now))
        .contains("the signature header is missing");
    NioHttpServer.Request bearer =
        new NioHttpServer.Request(
            "POST",
            "/trigger",
            "",
            Map.of("authorization", List.of("Bearer s3cret")),
            new byte[0],
            "test");
    assertThat(Deliveries.verify("bearer", bearer, secret, now)).isEmpty();
  }

  @Test
  void replaysAndOtherRefs_neverUseUpTheBurst_soTheNextGenuinePushIsScheduled() {
    TriggerHandler h = handler("main");
    Forges.Delivery captured = Forges.github(SECRET, "push", "refs/heads/main", REPO, false, "cap");
    assertThat(send(h, captured).status()).isEqualTo(202);
    for (int i = 0; i < 3 * TriggerHandler.BURST; i++) {
      assertThat(send(h, captured).status()).isEqualTo(200);
      assertThat(
              send(h, Forges.github(SECRET, "push", "refs/heads/other", REPO, false, "o" + i))
                  .status())
          .isEqualTo(200);
      assertThat(send(h, Forges.github(SECRET, "ping", "", REPO, false, "p" + i)).status())
          .isEqualTo(200);
    }
    assertThat(
            send(h, Forges.github(SECRET, "push", "refs/heads/main", REPO, false, "genuine"))
                .status())
        .isEqualTo(202);
  }

  @Test
  void aStandardWebhooksSignature_resentAsGitHubs_overTheSameText_isRefused() {
    TriggerHandler h = handler("main");
    long now = time.instant().getEpochSecond();
    String body = "{\"ref\":\"refs/heads/main\"}";
    Forges.Delivery std = Forges.standard(SECRET, body, "msg_1", now);
    assertThat(send(h, std).status()).isEqualTo(202);
    String sig = std.headers().get("webhook-signature").split(" ")[1].substring(3);
    String hex = java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(sig));
    String text = "msg_1." + now + "." + body;
    assertThat(hex).isEqualTo(Forges.hex(SECRET, text));
    for (String event : List.of("X-GitHub-Event", "X-Gitea-Event", "X-Event-Key")) {
      Forges.Delivery forged =
          new Forges.Delivery(
              Map.of(
                  event,
                  "push",
                  "X-Hub-Signature-256",
                  "sha256=" + hex,
                  "X-Hub-Signature",
                  "sha256=" + hex,
                  "X-Gitea-Signature",
                  hex),
              text);
      assertThat(send(h, forged).status()).as(event).isEqualTo(401);
    }
    // And the other way: a GitHub signature over its body never passes as Standard Webhooks.
    Forges.Delivery gh = Forges.github(SECRET, "push", "refs/heads/main", REPO, false, "g");
    String ghBody = gh.body();
    int dot1 = ghBody.indexOf('.');
    assertThat(dot1).isPositive();
    assertThat(
            send(
                    h,
                    new Forges.Delivery(
                        Map.of(
                            "webhook-id",
                            ghBody.substring(0, dot1),
                            "webhook-timestamp",
                            Long.toString(now),
                            "webhook-signature",
                            "v1,"
                                + java.util.Base64.getEncoder()
                                    .encodeToString(
                                        java.util.HexFormat.of()
                                            .parseHex(
                                                gh.headers()
                                                    .get("X-Hub-Signature-256")
                                                    .substring(7)))),
                        "x"))
                .status())
        .isEqualTo(401);
  }

  @Test
  void gitLab_theSignedWebhookIdDecidesReplays_andEitherTokenProvesTheSender() {
    TriggerHandler h = handler("main");
    long now = time.instant().getEpochSecond();
    Forges.Delivery push = Forges.gitlab(SECRET, "Push Hook", "refs/heads/main", REPO, "k1");
    Forges.Delivery signed =
        Forges.standard(SECRET, push.body(), "msg-abc", now)
            .with("X-Gitlab-Event", "Push Hook")
            .with("Idempotency-Key", "fresh-1");
    assertThat(send(h, signed).status()).isEqualTo(202);
    assertThat(text(send(h, signed.with("Idempotency-Key", "fresh-2"))))
        .as("a new unsigned key does not make a replay new")
        .isEqualTo("200 duplicate delivery ignored");
    Forges.Delivery both =
        Forges.standard("other-signing-token", push.body(), "msg-def", now)
            .with("X-Gitlab-Event", "Push Hook")
            .with("X-Gitlab-Token", SECRET);
    assertThat(send(h, both).status())
        .as("the signature is made with another token, the secret token matches")
        .isEqualTo(202);
    assertThat(send(h, both.with("X-Gitlab-Token", "wrong")).status()).isEqualTo(401);
  }

  @Test
  void aSha256RepositorysZeroAfter_isADeletion_andBearerIsCaseInsensitive() {
    TriggerHandler h = handler("main");
    String body =
        "{\"ref\":\"refs/heads/main\",\"before\":\""
            + "1".repeat(64)
            + "\",\"after\":\""
            + "0".repeat(64)
            + "\"}";
    Forges.Delivery del =
        new Forges.Delivery(
            Map.of(
                "X-GitHub-Event",
                "push",
                "X-Hub-Signature-256",
                "sha256=" + Forges.hex(SECRET, body)),
            body);
    assertThat(text(send(h, del))).isEqualTo("200 ignored: the ref was deleted");
    for (String scheme : List.of("bearer ", "BEARER ", "Bearer ")) {
      Forges.Delivery b = new Forges.Delivery(Map.of("Authorization", scheme + SECRET), "");
      assertThat(send(h, b).status()).as(scheme).isIn(202, 200);
    }
  }

  @Test
  void refusals_closeTheConnection() {
    TriggerHandler h = handler("main");
    NioHttpServer.Response r =
        send(h, Forges.github("wrong", "push", "refs/heads/main", REPO, false, "z"));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers()).contains(Map.entry("Connection", "close"));
  }
}
