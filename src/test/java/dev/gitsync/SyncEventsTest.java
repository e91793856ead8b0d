package dev.gitsync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.fs.AbsPath;
import dev.gitsync.git.CommitHash;
import dev.gitsync.git.Git;
import dev.gitsync.http.Health;
import dev.gitsync.metrics.Metrics;
import dev.gitsync.notify.Notifier;
import dev.gitsync.sync.SyncPass;
import dev.gitsync.testing.FakeHttpTransport;
import dev.gitsync.testing.FakeProcessRunner;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.testing.TestLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a pass means for metrics, readiness and notifications, over scripted git. */
class SyncEventsTest {
  private static final CommitHash H1 = CommitHash.of("1".repeat(40));
  private static final CommitHash H2 = CommitHash.of("2".repeat(40));

  @TempDir Path tmp;
  final FakeProcessRunner git = new FakeProcessRunner();
  final FakeHttpTransport http = new FakeHttpTransport();
  final FakeTime time = new FakeTime();
  final TestLog log = new TestLog();
  final Metrics metrics = new Metrics();
  final Health health = new Health(time, Duration.ZERO);
  Notifier notifier;

  @AfterEach
  void tearDown() {
    if (notifier != null) {
      notifier.close();
    }
  }

  private SyncEvents events(boolean notify) throws Exception {
    Optional<Notifier> n = Optional.empty();
    if (notify) {
      notifier =
          new Notifier(
              new Notifier.Settings(
                  List.of("generic+http://127.0.0.1:9/h"),
                  Optional.empty(),
                  tmp.resolve("outbox"),
                  1,
                  Duration.ofHours(1),
                  Duration.ofHours(24),
                  "pod",
                  "",
                  false),
              http,
              log.log(),
              time,
              (a, b, c, d) -> {},
              "https://github.com/o/r",
              "main");
      notifier.start();
      n = Optional.of(notifier);
    }
    return new SyncEvents(
        metrics,
        health,
        List.of(),
        n,
        new Git(git, "git", Map.of(), time, log.log()),
        tmp,
        log.log(),
        time,
        "main",
        "https://github.com/o/r",
        "/root/link");
  }

  private static SyncPass.Outcome outcome(
      CommitHash h, boolean changed, boolean first, CommitHash previous) {
    return new SyncPass.Outcome(
        h,
        changed,
        first,
        Optional.ofNullable(previous),
        AbsPath.of(Path.of("/root/.worktrees/" + h)));
  }

  @Test
  void synced_firstAndChangedPasses_countAsSuccess_andUnchangedOnesAsNoop() throws Exception {
    SyncEvents e = events(false);
    e.synced(outcome(H1, true, true, null), Duration.ofMillis(5));
    e.synced(outcome(H1, false, false, H1), Duration.ofMillis(5));
    assertThat(metrics.render())
        .contains("git_sync_count_total{status=\"success\"} 1\n")
        .contains("git_sync_count_total{status=\"noop\"} 1\n")
        .contains("git_fetch_count_total 1\n")
        .contains("git_sync_current_hash_info{hash=\"" + H1.hex() + "\"} 1");
    assertThat(health.everSynced()).isTrue();
    e.failed(Duration.ofMillis(5), "boom", 1);
    assertThat(metrics.render()).contains("git_sync_count_total{status=\"error\"} 1\n");
  }

  @Test
  void synced_describesTheChanges_onlyWhenACommitIsAnnounced() throws Exception {
    git.on(List.of("rev-list"), FakeProcessRunner.ok(H2.hex() + "\n"));
    git.on(List.of("log"), FakeProcessRunner.ok(H2.hex() + "\u0000Ada\u0000Fix it"));
    git.on(List.of("diff"), FakeProcessRunner.ok(" 1 file changed, 1 insertion(+)\n"));
    SyncEvents e = events(true);
    e.synced(outcome(H1, true, true, null), Duration.ofMillis(5));
    int afterFirst = git.commands().size();
    e.synced(outcome(H1, false, false, H1), Duration.ofMillis(5));
    assertThat(git.commands()).hasSize(afterFirst);
    e.synced(outcome(H2, true, false, H1), Duration.ofMillis(5));
    assertThat(notifier.drain(Duration.ofSeconds(20))).isTrue();
    assertThat(http.requests()).hasSize(2);
    String body = new String(http.requests().get(1).body(), StandardCharsets.UTF_8);
    assertThat(body)
        .contains("\"previous_hash\":\"" + H1.hex() + "\"")
        .contains("Fix it", "1 file changed")
        .contains("/compare/" + H1.hex() + "..." + H2.hex());
    assertThat(git.argvs()).anySatisfy(a -> assertThat(a).contains(H1.hex() + ".." + H2.hex()));
  }

  /** A successor continues from a commit its shallow clone lacks: the new one is listed alone. */
  @Test
  void synced_fromACommitNotInTheClone_listsTheNewCommit_andSaysEarlierOnesWereNotFetched()
      throws Exception {
    git.on(List.of("cat-file"), FakeProcessRunner.fail(128, "fatal: Not a valid object name"));
    git.on(List.of("rev-list"), FakeProcessRunner.ok(H2.hex() + "\n"));
    git.on(List.of("log"), FakeProcessRunner.ok(H2.hex() + "\u0000Ada\u0000Fix it"));
    SyncEvents e = events(true);
    e.synced(outcome(H1, true, true, null), Duration.ofMillis(5));
    e.synced(outcome(H2, true, false, H1), Duration.ofMillis(5));
    assertThat(notifier.drain(Duration.ofSeconds(20))).isTrue();
    String body = new String(http.requests().get(1).body(), StandardCharsets.UTF_8);
    assertThat(body).contains("Fix it", "\"more_commits\":-1");
  }
}
