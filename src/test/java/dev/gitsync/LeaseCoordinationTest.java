package dev.gitsync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.http.JdkHttpTransport;
import dev.gitsync.kube.LeaderElector;
import dev.gitsync.kube.RestLeaseApi;
import dev.gitsync.notify.Coordination;
import dev.gitsync.testing.FakeKubeApi;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.testing.TestLog;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record of announcements on the Lease, with real electors against the fake API server: a
 * replica that leads, follows and leads again reads the record again each time; chain numbers order
 * a sink that is far behind correctly; a follower's published commit wakes the leader.
 */
class LeaseCoordinationTest {
  static final String NS = "apps";
  @TempDir static Path pki;
  static FakeKubeApi api;
  static JdkHttpTransport http;
  @TempDir Path tmp;
  final FakeTime time = new FakeTime();
  final TestLog log = new TestLog();
  final List<LeaderElector> electors = new ArrayList<>();

  @BeforeAll
  static void server() throws Exception {
    api = new FakeKubeApi(pki, "token-1");
    http = new JdkHttpTransport(false, Optional.of(pki.resolve("ca.pem")));
  }

  @AfterAll
  static void stop() {
    http.close();
    api.close();
  }

  @AfterEach
  void tearDown() {
    electors.forEach(LeaderElector::close);
  }

  private LeaderElector elector(String lease, String identity, FakeTime t) throws Exception {
    Path token = Files.writeString(tmp.resolve("token-" + identity), "token-1");
    LeaderElector e =
        new LeaderElector(
            new RestLeaseApi(http, URI.create(api.url()), NS, token),
            lease,
            identity,
            LeaderElector.Timing.DEFAULT,
            t,
            log.log(),
            new LeaderElector.Listener() {
              @Override
              public void leading(boolean leading) {}

              @Override
              public void transitions(int transitions) {}

              @Override
              public void apiError(String status) {}
            },
            new Random(1));
    electors.add(e);
    return e;
  }

  /** The package-private attempt, as the elector's thread runs it. */
  private static boolean attempt(LeaderElector e) throws Exception {
    Method m = LeaderElector.class.getDeclaredMethod("attempt");
    m.setAccessible(true);
    return (boolean) m.invoke(e);
  }

  private static String hash(int i) {
    return String.format("%040x", i);
  }

  @Test
  void aReplicaThatLeadsFollowsAndLeadsAgain_readsTheRecordEachTimeItLeads() throws Exception {
    String lease = "relead";
    FakeTime aTime = new FakeTime(time.instant());
    LeaderElector ea = elector(lease, "pod-a", aTime);
    LeaderElector eb = elector(lease, "pod-b", time);
    LeaseCoordination a = new LeaseCoordination(ea, () -> {});
    LeaseCoordination b = new LeaseCoordination(eb, () -> {});
    assertThat(attempt(ea)).isTrue();
    assertThat(attempt(eb)).isFalse();
    assertThat(a.role()).isEqualTo(Coordination.Role.SENDER);
    assertThat(a.tookOver()).isTrue();
    a.recordAnnounced("sink", hash(3), a.nextChain());
    aTime.advance(Duration.ofSeconds(2));
    assertThat(attempt(ea)).isTrue();
    time.advance(Duration.ofSeconds(2));
    assertThat(attempt(eb)).isFalse();
    // a is paused; b takes over and announces up to commit 4.
    time.advance(Duration.ofSeconds(16));
    assertThat(attempt(eb)).isTrue();
    assertThat(b.tookOver()).isTrue();
    assertThat(b.announced().get("sink").hash()).isEqualTo(hash(3));
    b.recordAnnounced("sink", hash(4), b.nextChain());
    time.advance(Duration.ofSeconds(2));
    assertThat(attempt(eb)).isTrue();
    // a resumes and follows (its notifier, a follower, does not ask whether it took over).
    aTime.advance(Duration.ofSeconds(25));
    assertThat(attempt(ea)).isFalse();
    assertThat(a.role()).isEqualTo(Coordination.Role.FOLLOWER);
    // b is killed -9: a waits out the lease and leads again, reading b's record.
    aTime.advance(Duration.ofSeconds(2));
    attempt(ea);
    aTime.advance(Duration.ofSeconds(16));
    assertThat(attempt(ea)).isTrue();
    assertThat(a.role()).isEqualTo(Coordination.Role.SENDER);
    assertThat(a.tookOver()).as("leading again is taking over again").isTrue();
    assertThat(a.announced().get("sink").hash()).isEqualTo(hash(4));
    assertThat(a.nextChain()).as("after b's numbers").isGreaterThan(2);
  }

  @Test
  void aSinkFarBehind_keepsTheNumberItsAnnouncementWasMadeWith() throws Exception {
    LeaderElector e = elector("far", "pod-a", time);
    LeaseCoordination c = new LeaseCoordination(e, () -> {});
    assertThat(attempt(e)).isTrue();
    assertThat(c.tookOver()).isTrue();
    long[] chain = new long[41];
    for (int i = 1; i <= 40; i++) {
      chain[i] = c.nextChain();
      c.recordAnnounced("fast", hash(i), chain[i]);
    }
    // The slow sink delivers commit 2 only now, 38 announcements later.
    c.recordAnnounced("slow", hash(2), chain[2]);
    time.advance(Duration.ofSeconds(2));
    assertThat(attempt(e)).isTrue();
    Coordination.Announced behind =
        LeaseCoordination.parse(e.annotation(LeaseCoordination.ANNOUNCED).orElseThrow())
            .values()
            .stream()
            .min(java.util.Comparator.comparingLong(Coordination.Announced::seq))
            .orElseThrow();
    assertThat(behind.hash()).as("the successor starts from the slow sink").isEqualTo(hash(2));
    c.recordAnnounced("fast", hash(1), chain[1]);
    assertThat(c.announced().get("fast").hash()).as("never moved back").isEqualTo(hash(40));
  }

  @Test
  void aFollowerThatPublishesFirst_wakesTheLeader_once() throws Exception {
    String lease = "wake";
    LeaderElector ea = elector(lease, "pod-a", time);
    LeaderElector eb = elector(lease, "pod-b", time);
    AtomicInteger woken = new AtomicInteger();
    LeaseCoordination a = new LeaseCoordination(ea, woken::incrementAndGet);
    LeaseCoordination b = new LeaseCoordination(eb, () -> {});
    assertThat(attempt(ea)).isTrue();
    assertThat(attempt(eb)).isFalse();
    a.recordSuccess(time.instant(), hash(1));
    time.advance(Duration.ofSeconds(2));
    attempt(ea);
    attempt(eb);
    b.published(hash(1));
    attempt(eb);
    assertThat(api.annotation(NS, lease, LeaseCoordination.PUBLISHED))
        .as("the leader has it: nothing asked")
        .isNull();
    b.published(hash(2));
    attempt(eb);
    assertThat(api.annotation(NS, lease, LeaseCoordination.PUBLISHED)).isEqualTo(hash(2));
    time.advance(Duration.ofSeconds(2));
    attempt(ea);
    assertThat(woken).hasValue(1);
    time.advance(Duration.ofSeconds(2));
    attempt(ea);
    assertThat(woken).as("once per published commit").hasValue(1);
  }
}
