package dev.gitsync.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.http.JdkHttpTransport;
import dev.gitsync.testing.FakeKubeApi;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.testing.TestLog;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * client-go's election against a fake API server over real HTTPS: acquiring, following, taking
 * over, optimistic concurrency, the renew deadline, release, rotated tokens and refusals.
 */
class LeaderElectorTest {
  static final String NS = "apps";
  static final String NAME = "git-sync-app-0123456789";
  @TempDir static Path pki;
  static FakeKubeApi api;
  static JdkHttpTransport http;

  @TempDir Path tmp;
  final FakeTime time = new FakeTime();
  final List<LeaderElector> electors = new ArrayList<>();
  final List<String> events = new CopyOnWriteArrayList<>();
  final TestLog log = new TestLog();
  Path token;

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

  @BeforeEach
  void setUp() throws Exception {
    token = Files.writeString(tmp.resolve("token"), "token-1\n");
    api.mode = FakeKubeApi.Mode.UP;
    api.tokens.clear();
    api.tokens.add("token-1");
  }

  @AfterEach
  void tearDown() {
    electors.forEach(LeaderElector::close);
  }

  private LeaderElector elector(String name, String identity) {
    return elector(name, identity, time);
  }

  private LeaderElector elector(String name, String identity, FakeTime time) {
    LeaderElector e =
        new LeaderElector(
            new RestLeaseApi(http, URI.create(api.url()), NS, token),
            name,
            identity,
            LeaderElector.Timing.DEFAULT,
            time,
            log.log(),
            new LeaderElector.Listener() {
              @Override
              public void leading(boolean leading) {
                events.add(identity + (leading ? " leads" : " stops"));
              }

              @Override
              public void transitions(int transitions) {}

              @Override
              public void apiError(String status) {
                events.add(identity + " error " + status);
              }
            },
            new Random(1));
    electors.add(e);
    return e;
  }

  @Test
  void theFirstCreatesTheLeaseAndLeads_theSecondFollows_untilTheLeaseRunsOutUnrenewed()
      throws Exception {
    String name = NAME + "-a";
    LeaderElector a = elector(name, "pod-a");
    LeaderElector b = elector(name, "pod-b");
    assertThat(a.attempt()).isTrue();
    assertThat(a.role()).isEqualTo(LeaderElector.Role.LEADER);
    assertThat(api.spec(NS, name, "holderIdentity")).isEqualTo("pod-a");
    assertThat(api.spec(NS, name, "leaseDurationSeconds")).isEqualTo(15.0);
    assertThat(api.spec(NS, name, "leaseTransitions")).isEqualTo(0.0);

    assertThat(b.attempt()).isFalse();
    assertThat(b.role()).isEqualTo(LeaderElector.Role.FOLLOWER);
    // a renews every 2 s: b keeps seeing a change and keeps following.
    for (int i = 0; i < 10; i++) {
      time.advance(Duration.ofSeconds(2));
      assertThat(a.attempt()).isTrue();
      assertThat(b.attempt()).isFalse();
    }
    // a stops renewing (its node died): b waits out a full lease from the last change it saw.
    time.advance(Duration.ofSeconds(14));
    assertThat(b.attempt()).as("14 s after the last renewal").isFalse();
    time.advance(Duration.ofSeconds(2));
    assertThat(b.attempt()).as("16 s after").isTrue();
    assertThat(b.role()).isEqualTo(LeaderElector.Role.LEADER);
    assertThat(api.spec(NS, name, "holderIdentity")).isEqualTo("pod-b");
    assertThat(api.spec(NS, name, "leaseTransitions")).isEqualTo(1.0);
    // a wakes up: it sees b's record and follows.
    assertThat(a.attempt()).isFalse();
    assertThat(a.role()).isEqualTo(LeaderElector.Role.FOLLOWER);
    assertThat(events).containsSubsequence("pod-a leads", "pod-b leads", "pod-a stops");
  }

  @Test
  void aRenewalWithAStaleResourceVersion_isRefused409_andTheLeaderReadsAgainAndFollows()
      throws Exception {
    String name = NAME + "-f";
    FakeTime slow = new FakeTime(time.instant());
    LeaderElector a = elector(name, "pod-a", slow);
    LeaderElector b = elector(name, "pod-b");
    assertThat(a.attempt()).isTrue();
    assertThat(b.attempt()).isFalse();
    // a's clock runs slow (client-go tolerates skew, not rate): b sees the lease run out first.
    time.advance(Duration.ofSeconds(16));
    assertThat(b.attempt()).isTrue();
    slow.advance(Duration.ofSeconds(2));
    assertThat(a.attempt()).isFalse();
    assertThat(api.calls).contains("PUT " + name + " 409");
    assertThat(a.role()).isEqualTo(LeaderElector.Role.FOLLOWER);
    assertThat(api.spec(NS, name, "holderIdentity")).isEqualTo("pod-b");
  }

  @Test
  void aLeaderThatCannotRenewForTheDeadline_stopsLeading_andAnOutageMakesEveryoneSend()
      throws Exception {
    String name = NAME + "-b";
    LeaderElector a = elector(name, "pod-a");
    LeaderElector b = elector(name, "pod-b");
    assertThat(a.attempt()).isTrue();
    assertThat(b.attempt()).isFalse();
    api.mode = FakeKubeApi.Mode.ERROR;
    time.advance(Duration.ofSeconds(8));
    assertThat(a.attempt()).as("within the renew deadline").isTrue();
    time.advance(Duration.ofSeconds(4));
    assertThat(a.attempt()).as("past it").isFalse();
    assertThat(a.role()).isEqualTo(LeaderElector.Role.UNKNOWN);
    assertThat(b.attempt()).isFalse();
    time.advance(Duration.ofSeconds(4));
    assertThat(b.role())
        .as("the lease b last saw ran out: nobody is known to lead")
        .isEqualTo(LeaderElector.Role.UNKNOWN);
    assertThat(events).contains("pod-a error 500", "pod-b error 500", "pod-a stops");
    assertThat(log.text())
        .contains("can't use the notify lease", "etcdserver: leader changed")
        .doesNotContain("token-1");
  }

  @Test
  void forbidden_isLoggedWithTheGrantItNeeds_andCounted() throws Exception {
    api.mode = FakeKubeApi.Mode.FORBIDDEN;
    LeaderElector a = elector(NAME + "-c", "pod-a");
    assertThat(a.attempt()).isFalse();
    assertThat(a.role()).isEqualTo(LeaderElector.Role.UNKNOWN);
    assertThat(events).contains("pod-a error 403");
    assertThat(log.text())
        .contains("cannot get resource \\\"leases\\\"", "grant get and update on leases");
    api.mode = FakeKubeApi.Mode.UP;
    assertThat(a.attempt()).isTrue();
    assertThat(log.text()).contains("the notify lease works again");
  }

  @Test
  void aRotatedToken_isReadAgain_afterA401() throws Exception {
    LeaderElector a = elector(NAME + "-d", "pod-a");
    assertThat(a.attempt()).isTrue();
    api.tokens.clear();
    api.tokens.add("token-2");
    Files.writeString(token, "token-2");
    time.advance(Duration.ofSeconds(2));
    assertThat(a.attempt()).isTrue();
    Files.writeString(token, "stale");
    time.advance(Duration.ofSeconds(2));
    assertThat(a.attempt()).as("refused, and still inside the renew deadline").isTrue();
    assertThat(events).contains("pod-a error 401");
    assertThat(log.text()).contains("the service account token was refused");
  }

  @Test
  void annotationsRideOnRenewals_andAReleasedLeaseIsTakenAtOnce() throws Exception {
    String name = NAME + "-e";
    LeaderElector a = elector(name, "pod-a");
    LeaderElector b = elector(name, "pod-b");
    assertThat(a.attempt()).isTrue();
    b.annotate("git-sync/x", "ignored: b does not lead");
    a.annotate("git-sync/x", "from a");
    time.advance(Duration.ofSeconds(2));
    assertThat(a.attempt()).isTrue();
    assertThat(api.annotation(NS, name, "git-sync/x")).isEqualTo("from a");
    assertThat(b.attempt()).isFalse();
    assertThat(b.annotation("git-sync/x")).contains("from a");
    a.close();
    assertThat(api.spec(NS, name, "holderIdentity")).isEqualTo("");
    assertThat(api.annotation(NS, name, "git-sync/x")).as("kept on release").isEqualTo("from a");
    time.advance(Duration.ofMillis(1));
    assertThat(b.attempt()).as("a released lease is free at once").isTrue();
    assertThat(api.annotation(NS, name, "git-sync/x")).isEqualTo("from a");
  }

  @Test
  void aLeaderPausedPastItsLease_actsOnNothingWhenItResumes_untilItHasReadTheLease()
      throws Exception {
    String name = NAME + "-g";
    FakeTime paused = new FakeTime(time.instant());
    LeaderElector a = elector(name, "pod-a", paused);
    LeaderElector b = elector(name, "pod-b");
    assertThat(a.attempt()).isTrue();
    assertThat(b.attempt()).isFalse();
    // SIGSTOP a for 25 s: b takes over after the lease.
    time.advance(Duration.ofSeconds(16));
    assertThat(b.attempt()).isTrue();
    paused.advance(Duration.ofSeconds(25));
    assertThat(a.role())
        .as("resumed: its renewal is older than the renew deadline, and it has not read yet")
        .isEqualTo(LeaderElector.Role.UNKNOWN);
    assertThat(a.attempt()).isFalse();
    assertThat(a.role()).isEqualTo(LeaderElector.Role.FOLLOWER);
    assertThat(log.text()).contains("another replica took the notify lease", "pod-b");
    assertThat(log.text().lines().filter(l -> l.contains("another replica took")).findFirst().get())
        .as("at level 0")
        .contains("\"level\":0");
  }

  @Test
  void aWallClockStep_changesNobodysRole_becauseExpiryIsMeasuredMonotonically() throws Exception {
    String name = NAME + "-h";
    FakeTime bTime = new FakeTime(time.instant());
    LeaderElector a = elector(name, "pod-a");
    LeaderElector b = elector(name, "pod-b", bTime);
    assertThat(a.attempt()).isTrue();
    assertThat(b.attempt()).isFalse();
    // NTP steps b's wall clock an hour forward, and a's an hour back.
    bTime.stepWallClock(Duration.ofHours(1));
    time.stepWallClock(Duration.ofHours(-1));
    assertThat(b.role()).isEqualTo(LeaderElector.Role.FOLLOWER);
    assertThat(b.attempt()).isFalse();
    assertThat(a.role()).isEqualTo(LeaderElector.Role.LEADER);
    time.advance(Duration.ofSeconds(2));
    assertThat(a.attempt()).isTrue();
    assertThat(a.role()).isEqualTo(LeaderElector.Role.LEADER);
    bTime.advance(Duration.ofSeconds(2));
    assertThat(b.attempt()).isFalse();
    assertThat(b.role()).isEqualTo(LeaderElector.Role.FOLLOWER);
  }

  @Test
  @SuppressWarnings("unchecked")
  void renewals_keepLabelsOwnersFinalizersAndSpecFieldsTheyDoNotKnow() throws Exception {
    String name = NAME + "-i";
    api.put(
        NS,
        name,
        java.util.Map.of(
            "apiVersion",
            "coordination.k8s.io/v1",
            "kind",
            "Lease",
            "metadata",
            java.util.Map.of(
                "labels", java.util.Map.of("app", "web"),
                "annotations", java.util.Map.of("team", "platform"),
                "finalizers", List.of("example.com/keep"),
                "ownerReferences",
                    List.of(
                        java.util.Map.of(
                            "apiVersion", "apps/v1",
                            "kind", "Deployment",
                            "name", "web",
                            "uid", "0b4c2f9e-1f7a-4c1e-9b3e-2a8f6d1c3e5a"))),
            "spec",
            java.util.Map.of(
                "strategy", "OldestEmulationVersion",
                "preferredHolder", "pod-z",
                "leaseDurationSeconds", 15)));
    LeaderElector a = elector(name, "pod-a");
    assertThat(a.attempt()).isTrue();
    a.annotate("git-sync/x", "1");
    time.advance(Duration.ofSeconds(2));
    assertThat(a.attempt()).isTrue();
    java.util.Map<String, Object> l = api.lease(NS, name);
    java.util.Map<String, Object> meta = (java.util.Map<String, Object>) l.get("metadata");
    assertThat(meta.get("labels")).isEqualTo(java.util.Map.of("app", "web"));
    assertThat(meta.get("finalizers")).isEqualTo(List.of("example.com/keep"));
    assertThat(meta.get("ownerReferences").toString()).contains("Deployment", "0b4c2f9e");
    assertThat((java.util.Map<String, Object>) meta.get("annotations"))
        .containsEntry("team", "platform")
        .containsEntry("git-sync/x", "1");
    assertThat(api.spec(NS, name, "strategy")).isEqualTo("OldestEmulationVersion");
    assertThat(api.spec(NS, name, "preferredHolder")).isEqualTo("pod-z");
    assertThat(api.spec(NS, name, "holderIdentity")).isEqualTo("pod-a");
    assertThat(api.spec(NS, name, "leaseDurationSeconds")).isEqualTo(15.0);
  }

  @Test
  void aLeaseDeletedByHand_isMadeAgain_withItsRecord() throws Exception {
    String name = NAME + "-j";
    LeaderElector a = elector(name, "pod-a");
    LeaderElector b = elector(name, "pod-b");
    assertThat(a.attempt()).isTrue();
    a.annotate(
        "git-sync/notify-announced", "{\"s\":{\"hash\":\"" + "a".repeat(40) + "\",\"seq\":4}}");
    time.advance(Duration.ofSeconds(2));
    assertThat(a.attempt()).isTrue();
    assertThat(b.attempt()).isFalse();
    api.delete(NS, name);
    // The leader is killed before it renews; the follower finds no Lease and makes it again.
    time.advance(Duration.ofSeconds(3));
    assertThat(b.attempt()).isTrue();
    assertThat(api.annotation(NS, name, "git-sync/notify-announced")).contains("\"seq\":4");
    api.delete(NS, name);
    time.advance(Duration.ofSeconds(2));
    assertThat(b.attempt()).as("the leader renews into nothing, then makes it again").isTrue();
    assertThat(api.annotation(NS, name, "git-sync/notify-announced")).contains("\"seq\":4");
  }

  @Test
  void releasingAfterAConflict_readsAgainAndReleases() throws Exception {
    String name = NAME + "-k";
    LeaderElector a = elector(name, "pod-a");
    assertThat(a.attempt()).isTrue();
    api.touch(NS, name);
    a.close();
    assertThat(api.calls).contains("PUT " + name + " 409");
    assertThat(api.spec(NS, name, "holderIdentity")).isEqualTo("");
    assertThat(log.text()).contains("released the notify lease");
  }

  @Test
  void aFailingApi_leavesTheRoleUnknownForFourLeases_thenExplicitlyAlone_untilACallWorks()
      throws Exception {
    String name = NAME + "-l";
    LeaderElector a = elector(name, "pod-a");
    LeaderElector b = elector(name, "pod-b");
    assertThat(a.attempt()).isTrue();
    assertThat(b.attempt()).isFalse();
    int term = b.term();
    api.mode = FakeKubeApi.Mode.UNAVAILABLE;
    for (int s = 0; s < 58; s += 2) {
      time.advance(Duration.ofSeconds(2));
      a.attempt();
      b.attempt();
      assertThat(a.role()).isNotEqualTo(LeaderElector.Role.ALONE);
      assertThat(b.role()).isNotEqualTo(LeaderElector.Role.ALONE);
    }
    assertThat(a.role())
        .as("a stopped leading at its renew deadline")
        .isEqualTo(LeaderElector.Role.UNKNOWN);
    assertThat(b.role()).isEqualTo(LeaderElector.Role.UNKNOWN);
    time.advance(Duration.ofSeconds(4));
    b.attempt();
    assertThat(b.role()).isEqualTo(LeaderElector.Role.ALONE);
    assertThat(b.term()).as("acting alone is a new term").isGreaterThan(term);
    assertThat(log.text())
        .contains("the notify lease is unusable; this pod sends notifications as if alone");
    api.mode = FakeKubeApi.Mode.UP;
    time.advance(Duration.ofSeconds(2));
    b.attempt();
    assertThat(b.role()).isIn(LeaderElector.Role.LEADER, LeaderElector.Role.FOLLOWER);
    assertThat(log.text()).contains("no longer sending as if alone");
  }

  @Test
  void aFollowersRequest_isWrittenWithoutTouchingTheSpec_andTheLeaderHearsOfIt() throws Exception {
    String name = NAME + "-m";
    LeaderElector a = elector(name, "pod-a");
    LeaderElector b = elector(name, "pod-b");
    List<String> heard = new CopyOnWriteArrayList<>();
    a.onAnnotations(m -> heard.add(m.getOrDefault("git-sync/published", "")));
    assertThat(a.attempt()).isTrue();
    assertThat(b.attempt()).isFalse();
    Object renew = api.spec(NS, name, "renewTime");
    b.request("git-sync/published", "c".repeat(40));
    assertThat(b.attempt()).isFalse();
    assertThat(api.annotation(NS, name, "git-sync/published")).isEqualTo("c".repeat(40));
    assertThat(api.spec(NS, name, "renewTime")).isEqualTo(renew);
    assertThat(api.spec(NS, name, "holderIdentity")).isEqualTo("pod-a");
    time.advance(Duration.ofSeconds(2));
    assertThat(a.attempt()).isTrue();
    assertThat(heard).contains("c".repeat(40));
    assertThat(b.role()).isEqualTo(LeaderElector.Role.FOLLOWER);
  }

  @Test
  void leadingAgainAfterFollowing_startsANewTerm() throws Exception {
    String name = NAME + "-n";
    FakeTime aTime = new FakeTime(time.instant());
    LeaderElector a = elector(name, "pod-a", aTime);
    LeaderElector b = elector(name, "pod-b");
    assertThat(a.attempt()).isTrue();
    assertThat(b.attempt()).isFalse();
    int first = a.term();
    time.advance(Duration.ofSeconds(16));
    assertThat(b.attempt()).isTrue();
    aTime.advance(Duration.ofSeconds(16));
    assertThat(a.attempt()).isFalse();
    b.close();
    aTime.advance(Duration.ofSeconds(2));
    assertThat(a.attempt()).as(api.calls.toString()).isTrue();
    assertThat(a.term()).isGreaterThan(first);
  }

  @Test
  void timing_scalesAsClientGosDefaults_andRefusesWhatClientGoRefuses() {
    assertThat(LeaderElector.Timing.DEFAULT)
        .isEqualTo(
            new LeaderElector.Timing(
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));
    LeaderElector.Timing t = LeaderElector.Timing.of(Duration.ofSeconds(6));
    assertThat(t.renewDeadline()).isEqualTo(Duration.ofSeconds(4));
    assertThat(t.retry()).isEqualTo(Duration.ofMillis(800));
    assertThat(t.alone()).isEqualTo(Duration.ofSeconds(24));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new LeaderElector.Timing(
                    Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
