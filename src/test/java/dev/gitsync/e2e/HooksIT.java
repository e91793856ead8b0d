package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec hooks, the pre-publish hook and the webhook, black box, against real processes and a real
 * HTTP receiver.
 */
class HooksIT {
  @TempDir Path tmp;
  Repo repo;
  Path root;
  String first;
  Receiver receiver;

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
    first = repo.commit("file.txt", "one");
    root = tmp.resolve("root");
    receiver = new Receiver();
  }

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  private String[] args(String... extra) {
    List<String> l = new java.util.ArrayList<>(List.of("--repo=" + repo.url(), "--root=" + root));
    l.addAll(List.of(extra));
    return l.toArray(new String[0]);
  }

  @Test
  void exechook_runsInWorktreeWithHashAndEnvironment() throws Exception {
    Path out = tmp.resolve("hook.out");
    Path hook =
        Disk.script(
            tmp.resolve("hook.sh"),
            "echo \"$PWD $GITSYNC_HASH $FROM_ENV $(cat file.txt)\" >> "
                + out
                + "; echo hook-said-hi");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of("FROM_ENV", "passed"),
            args("--one-time", "--exechook-command=" + hook, "-v", "1"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out).trim())
        .isEqualTo(root.resolve(".worktrees/" + first) + " " + first + " passed one");
    assertThat(r.err()).contains("\"logger\":\"exechook\"", "running exechook", "hook-said-hi");
  }

  @Test
  void exechook_failing_isRetriedWithBackoffUntilItSucceeds() throws Exception {
    Path count = tmp.resolve("count");
    Path hook =
        Disk.script(
            tmp.resolve("hook.sh"),
            "echo x >> "
                + count
                + "; [ $(wc -l < "
                + count
                + ") -ge 3 ] || { echo nope >&2; exit 7; }");
    GitSync g =
        GitSync.start(
            tmp,
            Map.of(),
            args("--period=1h", "--exechook-command=" + hook, "--exechook-backoff=1s"));
    try {
      await()
          .atMost(30, SECONDS)
          .until(() -> Files.exists(count) && Files.readAllLines(count).size() == 3);
      assertThat(g.err())
          .contains("\"msg\":\"hook failed\"", "exit status 7", "nope", "\"retry\":\"1s\"");
    } finally {
      g.kill();
    }
  }

  @Test
  void exechook_timeout_killsIt() throws Exception {
    Path hook = Disk.script(tmp.resolve("hook.sh"), "sleep 60");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            args("--one-time", "--exechook-command=" + hook, "--exechook-timeout=1s"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "killed after --exechook-timeout=1s",
            "\"msg\":\"exiting after one sync\",\"status\":1");
  }

  @Test
  void exechook_shellLine_failsClearly() throws Exception {
    GitSync.Result r = GitSync.run(tmp, Map.of(), args("--one-time", "--exechook-command=echo hi"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("without a shell or arguments");
  }

  @Test
  void exechook_firesAgainAfterRestart_sameHash() throws Exception {
    Path out = tmp.resolve("hook.out");
    Path hook = Disk.script(tmp.resolve("hook.sh"), "echo $GITSYNC_HASH >> " + out);
    assertThat(GitSync.run(tmp, Map.of(), args("--one-time", "--exechook-command=" + hook)).code())
        .isZero();
    assertThat(GitSync.run(tmp, Map.of(), args("--one-time", "--exechook-command=" + hook)).code())
        .isZero();
    assertThat(Files.readAllLines(out)).containsExactly(first, first);
  }

  @Test
  void exechook_newCommits_latestHashWins_eachHashAtMostOnce() throws Exception {
    Path out = tmp.resolve("hook.out");
    Path hook = Disk.script(tmp.resolve("hook.sh"), "sleep 1; echo $GITSYNC_HASH >> " + out);
    GitSync g = GitSync.start(tmp, Map.of(), args("--period=50ms", "--exechook-command=" + hook));
    try {
      await().atMost(30, SECONDS).until(() -> Files.exists(out));
      String last = null;
      for (int i = 0; i < 4; i++) {
        last = repo.commit("file.txt", "v" + i);
      }
      String expected = last;
      await().atMost(30, SECONDS).until(() -> Files.readAllLines(out).contains(expected));
      List<String> runs = Files.readAllLines(out);
      assertThat(runs).doesNotHaveDuplicates();
      assertThat(runs.get(runs.size() - 1)).isEqualTo(expected);
    } finally {
      g.kill();
    }
  }

  @Test
  void prePublish_failing_keepsOldTreePublished_passing_publishes() throws Exception {
    Path gate = tmp.resolve("gate");
    Path seen = tmp.resolve("seen");
    Path hook =
        Disk.script(
            tmp.resolve("check.sh"),
            "echo \"$PWD $GITSYNC_HASH\" > " + seen + "; [ -f " + gate + " ]");
    Files.writeString(gate, "");
    GitSync.Result ok =
        GitSync.run(tmp, Map.of(), args("--one-time", "--pre-publish-exechook-command=" + hook));
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(Disk.linkHash(root.resolve("remote"))).isEqualTo(first);

    Files.delete(gate);
    String second = repo.commit("file.txt", "two");
    GitSync.Result bad =
        GitSync.run(
            tmp,
            Map.of(),
            args(
                "--one-time",
                "--pre-publish-exechook-command=" + hook,
                "--pre-publish-exechook-backoff=1s",
                "--sync-timeout=3s"));
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err())
        .contains(
            "\"logger\":\"pre-publish-exechook\"",
            "--pre-publish-exechook-command failed, not publishing " + second);
    assertThat(Files.readString(seen).trim())
        .isEqualTo(root.resolve(".worktrees/" + second) + " " + second);
    assertThat(Disk.linkHash(root.resolve("remote"))).isEqualTo(first);
    assertThat(Files.readString(root.resolve("remote/file.txt"))).isEqualTo("one");

    Files.writeString(gate, "");
    assertThat(
            GitSync.run(tmp, Map.of(), args("--one-time", "--pre-publish-exechook-command=" + hook))
                .code())
        .isZero();
    assertThat(Disk.linkHash(root.resolve("remote"))).isEqualTo(second);
  }

  @Test
  void webhook_default_isUpstreamCompatible_emptyBodyAndHashHeader() throws Exception {
    GitSync.Result r =
        GitSync.run(tmp, Map.of(), args("--one-time", "--webhook-url=" + receiver.url("/hook")));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(receiver.requests).hasSize(1);
    Receiver.Request req = receiver.requests.get(0);
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/hook");
    assertThat(req.body()).isEmpty();
    assertThat(req.header("Gitsync-Hash")).isEqualTo(first);
    assertThat(req.header("Content-Type")).isNull();
  }

  @Test
  void webhook_wrongStatus_isRetried_untilSuccess() throws Exception {
    receiver.statuses.add(500);
    receiver.statuses.add(404);
    GitSync g =
        GitSync.start(
            tmp,
            Map.of(),
            args(
                "--period=1h",
                "--webhook-url=" + receiver.url("/h"),
                "--webhook-backoff=1s",
                "--webhook-method=PUT",
                "--webhook-success-status=204"));
    try {
      receiver.defaultStatus = 204;
      await().atMost(30, SECONDS).until(() -> receiver.requests.size() >= 3);
      assertThat(receiver.requests).allMatch(q -> q.method().equals("PUT"));
      await().atMost(30, SECONDS).until(() -> g.err().contains("answered 404, expected 204"));
    } finally {
      g.kill();
    }
  }

  @Test
  void webhook_successStatusZero_isFireAndForget() throws Exception {
    receiver.defaultStatus = 500;
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            args(
                "--one-time", "--webhook-url=" + receiver.url("/h"), "--webhook-success-status=0"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(receiver.requests).hasSize(1);
  }

  @Test
  void webhook_slow_timesOut_andOneTimeFails() throws Exception {
    receiver.delayMillis = 3000;
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            args("--one-time", "--webhook-url=" + receiver.url("/h"), "--webhook-timeout=1s"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("timed out");
  }

  @Test
  void webhook_payload_isAcceptedBySlackLikeReceiver_whileEmptyBodyIsRejected() throws Exception {
    receiver.validator = Receiver::slack;
    String url = receiver.url("/services/T000/B000/XXXXsecretXXXX");
    GitSync.Result plain = GitSync.run(tmp, Map.of(), args("--one-time", "--webhook-url=" + url));
    assertThat(plain.code()).isEqualTo(1);
    assertThat(plain.err()).contains("answered 400", "no_text");

    repo.git("checkout", "-q", "-b", "feat/\"quoted\"");
    String h = repo.commit("file.txt", "two");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            args(
                "--one-time",
                "--webhook-url=" + url,
                "--ref=feat/\"quoted\"",
                "--webhook-payload={\"text\":\"synced {{ref}} at {{short_hash}} (was {{previous_hash}}) from {{repo}}\"}",
                "--webhook-header=X-Extra: one",
                "--webhook-header=Authorization: Bearer s3cr3t-bearer"));
    assertThat(r.code()).as(r.err()).isZero();
    Receiver.Request last = receiver.requests.get(receiver.requests.size() - 1);
    assertThat(last.header("Content-Type")).isEqualTo("application/json");
    assertThat(last.header("X-Extra")).isEqualTo("one");
    assertThat(last.header("Authorization")).isEqualTo("Bearer s3cr3t-bearer");
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) dev.gitsync.json.JsonParser.parse(last.body());
    assertThat(body.get("text"))
        .isEqualTo(
            "synced feat/\"quoted\" at "
                + h.substring(0, 7)
                + " (was "
                + first
                + ") from "
                + repo.url());
    for (String log : List.of(plain.err(), r.err())) {
      assertThat(log).doesNotContain("XXXXsecretXXXX", "s3cr3t-bearer");
    }
  }

  @Test
  void webhook_urlNeverInLogsOrErrorFile() throws Exception {
    receiver.defaultStatus = 500;
    String url = receiver.url("/services/T0/B0/TOPSECRETTOKEN?token=QUERYSECRET");
    GitSync g =
        GitSync.start(
            tmp,
            Map.of(),
            args("--period=1h", "--webhook-url=" + url, "--error-file=err.json", "-v", "9"));
    try {
      await()
          .atMost(30, SECONDS)
          .until(() -> Disk.readOrEmpty(root.resolve("err.json")).contains("answered 500"));
      assertThat(g.err()).doesNotContain("TOPSECRETTOKEN", "QUERYSECRET").contains("127.0.0.1");
      assertThat(Disk.readOrEmpty(root.resolve("err.json")))
          .doesNotContain("TOPSECRETTOKEN", "QUERYSECRET");
    } finally {
      g.kill();
    }
  }

  @Test
  void webhook_unreachable_errorHasNoUrl() throws Exception {
    GitSync.Result r =
        GitSync.run(
            tmp, Map.of(), args("--one-time", "--webhook-url=http://127.0.0.1:9/p/SECRETPATH"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("hook failed").doesNotContain("SECRETPATH");
  }

  @Test
  void webhookPayload_unknownVariable_isAConfigError() throws Exception {
    GitSync.Result r =
        GitSync.run(
            tmp, Map.of(), args("--webhook-url=http://127.0.0.1:9/", "--webhook-payload={{nope}}"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--webhook-payload: unknown variable(s) [nope]");
  }
}
