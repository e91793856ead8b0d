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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Commit statuses on GitHub, GitLab, Gitea/Forgejo, Bitbucket and Azure DevOps against {@link
 * StatusFake}: the published commit is marked successful under one context per workload, a refused
 * commit failed, rate limits are waited out, and a token the forge refuses disables the sink
 * without being shown.
 */
class StatusIT {
  static final String TOKEN = "forge-token-0001";

  @TempDir Path tmp;
  Repo repo;
  Path root;
  Receiver rx;
  StatusFake fake;
  GitSync g;

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
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

  private String sink(StatusFake.Kind kind, String token) throws Exception {
    fake = new StatusFake(kind, TOKEN);
    rx.validator = fake;
    Path t = tmp.resolve("token");
    Files.writeString(t, token + "\n");
    return kind.prefix + "+" + rx.url(kind.base) + "?token_file=" + t;
  }

  private GitSync start(String sink, String... extra) throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--repo=" + repo.url(),
                "--root=" + root,
                "--period=100ms",
                "--max-failures=-1",
                "--notify=" + sink));
    a.addAll(List.of(extra));
    g =
        GitSync.start(
            tmp,
            Map.of("POD_NAME", "web-7d9f8c6b5-x2x4z", "POD_NAMESPACE", "prod"),
            a.toArray(new String[0]));
    return g;
  }

  @ParameterizedTest
  @EnumSource(StatusFake.Kind.class)
  void thePublishedCommitIsMarkedSuccessful_underOneContextPerWorkload(StatusFake.Kind kind)
      throws Exception {
    String one = repo.commit("f", "one");
    String sink = sink(kind, TOKEN);
    fake.commits.add(one);
    fake.faults.add("rate_limited");
    start(sink);
    await().atMost(30, SECONDS).until(() -> fake.statuses.size() == 1);
    StatusFake.Status s = fake.statuses.get(0);
    assertThat(s.sha()).isEqualTo(one);
    assertThat(s.context()).isEqualTo("git-sync/prod/web");
    assertThat(s.state()).isIn("success", "SUCCESSFUL", "succeeded");
    assertThat(s.description()).isEqualTo("Published by git-sync in prod/web-7d9f8c6b5-x2x4z");
    assertThat(fake.answers.get(0)).startsWith(kind == StatusFake.Kind.GITHUB ? "403" : "429");
    assertThat(fake.rejections).isEmpty();

    // --notify-test reads the repository with the token; it writes no status.
    GitSync.Result test =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=" + repo.url(),
            "--root=" + root,
            "--notify=" + sink,
            "--notify-test");
    assertThat(test.code()).as(test.out() + test.err()).isZero();
    assertThat(fake.statuses).hasSize(1);
    assertThat(g.err() + test.out() + test.err()).doesNotContain(TOKEN);
  }

  @Test
  void aRefusedCommitIsMarkedFailed_andAnUnknownCommitIsDroppedNotRetried() throws Exception {
    Signers keys = new Signers(tmp.resolve("keys"));
    Path key = keys.sshKey("dev");
    Path allowed = tmp.resolve("allowed_signers");
    Files.writeString(allowed, Signers.allowed("dev@example.com", "", key));
    String good = keys.sshCommit(repo, key, "f", "one");
    String sink = sink(StatusFake.Kind.GITHUB, TOKEN) + "&context=deploy/prod";
    fake.commits.add(good);
    start(sink, "--verify=head", "--verify-ssh-allowed-signers=" + allowed);
    await().atMost(30, SECONDS).until(() -> fake.statuses.size() == 1);
    String unsigned = repo.commit("f", "two");
    fake.commits.add(unsigned);
    await().atMost(30, SECONDS).until(() -> fake.statuses.size() == 2);
    StatusFake.Status refused = fake.statuses.get(1);
    assertThat(refused.sha()).isEqualTo(unsigned);
    assertThat(refused.state()).isEqualTo("failure");
    assertThat(refused.context()).isEqualTo("deploy/prod");
    assertThat(refused.description()).startsWith("Not published: unsigned");

    // A signed commit the forge does not know (a mirror behind): 422, dropped, not retried.
    String unknown = keys.sshCommit(repo, key, "f", "three");
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification dropped"));
    assertThat(fake.answers.stream().filter(a -> a.startsWith("422"))).hasSize(1);
    assertThat(fake.statuses).noneMatch(s -> s.sha().equals(unknown));
  }

  @Test
  void aTokenTheForgeRefuses_disablesTheSink_andIsShownNowhere() throws Exception {
    repo.commit("f", "one");
    start(sink(StatusFake.Kind.GITLAB, "wrong-token-0002"));
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification sink is gone"));
    assertThat(g.err()).contains("401").doesNotContain("wrong-token-0002");
  }

  @Test
  void azureDevOps_takesTheRepositorysWebUrl_andDropsACommitItDoesNotHave() throws Exception {
    String one = repo.commit("f", "one");
    String sink =
        sink(StatusFake.Kind.AZURE, TOKEN)
            .replace("/_apis/git/repositories/", "/_git/")
            .concat("&context=deploy");
    fake.commits.add(one);
    start(sink);
    await().atMost(30, SECONDS).until(() -> fake.statuses.size() == 1);
    StatusFake.Status s = fake.statuses.get(0);
    assertThat(s.sha()).isEqualTo(one);
    assertThat(s.state()).isEqualTo("succeeded");
    // A context without a slash gets the genre git-sync: Azure requires both.
    assertThat(s.context()).isEqualTo("git-sync/deploy");

    // A commit the repository does not have (a mirror behind): 404, dropped, not retried.
    String unknown = repo.commit("f", "two");
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification dropped"));
    assertThat(fake.answers.stream().filter(a -> a.startsWith("404"))).hasSize(1);
    assertThat(fake.statuses).noneMatch(x -> x.sha().equals(unknown));
    assertThat(g.err()).contains("GitCommitDoesNotExistException").doesNotContain(TOKEN);
  }

  @Test
  void azureDevOps_aSignInPageInsteadOfAStatus_isNoDelivery_andDisablesTheSink() throws Exception {
    String one = repo.commit("f", "one");
    // Shaped like an Entra token, so sent as Bearer; the fake does not take it: 203 and HTML.
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    String sink = sink(StatusFake.Kind.AZURE, jwt);
    fake.commits.add(one);
    start(sink, "-v", "6");
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification sink is gone"));
    assertThat(fake.answers).allMatch(a -> a.startsWith("203"));
    assertThat(fake.statuses).isEmpty();
    assertThat(g.err())
        .contains("HTTP 203 with an HTML page")
        .doesNotContain(jwt)
        .doesNotContain("notification delivered");
  }

  @Test
  void eventsAStatusCannotCarry_areAStartupError() throws Exception {
    repo.commit("f", "one");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--notify=" + sink(StatusFake.Kind.GITEA, TOKEN) + "&events=failed");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("events=failed does not apply to gitea-status sinks");
  }
}
