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
 * PagerDuty, Opsgenie and Alertmanager against {@link IncidentFake}: a failing sync opens one
 * incident and its recovery closes it, a failing hook opens one of its own and its next success
 * closes it, successes are not sent, and {@code --notify-test} opens nothing.
 */
class IncidentIT {
  static final String KEY = "0123456789abcdef0123456789abcdef";

  @TempDir Path tmp;
  Repo repo;
  Path root;
  Receiver rx;
  IncidentFake fake;
  GitSync g;

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
    repo.commit("f", "one");
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

  private String sink(IncidentFake.Kind kind, String extra) throws Exception {
    fake = new IncidentFake(kind, KEY);
    rx.validator = fake;
    Path k = tmp.resolve("key");
    Files.writeString(k, KEY + "\n");
    String and = extra.isEmpty() ? "" : "&" + extra;
    switch (kind) {
      case PAGERDUTY:
        return "pagerduty+" + rx.url("/v2/enqueue") + "?routing_key_file=" + k + and;
      case OPSGENIE:
        return "opsgenie+" + rx.url("/v2/alerts") + "?api_key_file=" + k + and;
      default:
        return "alertmanager+" + rx.url("") + (extra.isEmpty() ? "" : "?" + extra);
    }
  }

  private GitSync start(String sink, String... extra) throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--repo=" + repo.url(),
                "--root=" + root,
                "--period=200ms",
                "--max-failures=-1",
                "--notify-failure-threshold=1",
                "--notify=" + sink));
    a.addAll(List.of(extra));
    g =
        GitSync.start(
            tmp, Map.of("POD_NAME", "web-0", "POD_NAMESPACE", "prod"), a.toArray(new String[0]));
    return g;
  }

  private boolean open(IncidentFake.Incident i) {
    return fake.kind == IncidentFake.Kind.ALERTMANAGER ? i.firing() : i.open;
  }

  @ParameterizedTest
  @EnumSource(IncidentFake.Kind.class)
  void aFailingSyncOpensOneIncident_itsRecoveryClosesIt_andAHookHasItsOwn(IncidentFake.Kind kind)
      throws Exception {
    Path broken = tmp.resolve("hook-broken");
    Files.writeString(broken, "");
    Path hook = tmp.resolve("hook.sh");
    Files.writeString(hook, "#!/bin/sh\ntest ! -e " + broken + "\n");
    hook.toFile().setExecutable(true);
    fake = null;
    String sink = sink(kind, "");
    fake.faults.add("rate_limited");
    start(sink, "--exechook-command=" + hook, "--exechook-backoff=1s");
    // The hook fails: its incident opens (after one rate-limited answer); the success of the sync
    // itself is not sent.
    await().atMost(60, SECONDS).until(() -> fake.incidents.size() == 1);
    IncidentFake.Incident hookIncident = fake.incidents.get(0);
    assertThat(hookIncident.summary).contains("exechook failed");
    Files.delete(broken);
    await().atMost(60, SECONDS).until(() -> !open(hookIncident));

    // The remote goes away: one incident, however many passes fail.
    Files.move(repo.dir, tmp.resolve("moved"));
    await().atMost(60, SECONDS).until(() -> fake.incidents.size() == 2);
    IncidentFake.Incident sync = fake.incidents.get(1);
    assertThat(sync.summary).contains("Sync failing");
    assertThat(sync.key).isNotEqualTo(hookIncident.key);
    await().atMost(60, SECONDS).until(() -> count(g.err(), "error syncing repo") >= 5);
    assertThat(fake.incidents).hasSize(2);
    assertThat(open(sync)).isTrue();

    Files.move(tmp.resolve("moved"), repo.dir);
    await().atMost(60, SECONDS).until(() -> !open(sync));
    assertThat(fake.incidents).hasSize(2);
    assertThat(fake.rejections).isEmpty();
    assertThat(g.err()).doesNotContain(KEY);
  }

  @Test
  void alertmanager_aFiringAlertIsSentAgainWhileItFires() throws Exception {
    String url = sink(IncidentFake.Kind.ALERTMANAGER, "refresh=1s");
    start(url, "-v", "2");
    await().atMost(30, SECONDS).until(() -> Files.isSymbolicLink(root.resolve("remote")));
    Files.move(repo.dir, tmp.resolve("moved"));
    await().atMost(60, SECONDS).until(() -> fake.incidents.size() == 1);
    IncidentFake.Incident alert = fake.incidents.get(0);
    assertThat(alert.labels)
        .containsEntry("alertname", "GitSyncFailing")
        .containsEntry("pod", "web-0")
        .containsEntry("namespace", "prod")
        .containsKeys("repo", "ref");
    await().atMost(60, SECONDS).until(() -> alert.updates >= 3);
    assertThat(g.err()).contains("open incident sent again");
    // A restart in the middle of the incident: the new process keeps refreshing it.
    g.kill();
    int before = alert.updates;
    start(url, "-v", "2");
    await().atMost(60, SECONDS).until(() -> alert.updates >= before + 2);
    assertThat(fake.incidents).hasSize(1);
    Files.move(tmp.resolve("moved"), repo.dir);
    await().atMost(60, SECONDS).until(() -> !alert.firing());
    int after = alert.updates;
    await().atMost(30, SECONDS).until(() -> count(g.err(), "update not required") >= 10);
    assertThat(alert.updates).isEqualTo(after);
    assertThat(fake.rejections).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(IncidentFake.Kind.class)
  void notifyTest_checksTheKey_andOpensNothing(IncidentFake.Kind kind) throws Exception {
    String sink = sink(kind, "");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(),
            "--repo=" + repo.url(),
            "--root=" + root,
            "--notify=" + sink,
            "--notify-test");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(fake.incidents.stream().filter(this::open)).isEmpty();
    assertThat(fake.answers).isNotEmpty();
  }

  private static int count(String s, String what) {
    return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }
}
