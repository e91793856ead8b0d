package dev.gitsync.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotifyPolicyTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static NotifyPolicy policy(int threshold, Duration repeat) {
    return new NotifyPolicy(threshold, repeat, NotifyPolicy.Snapshot.EMPTY);
  }

  @Test
  void succeeded_announcesEachCommitOnce_andNotAfterARestart() {
    NotifyPolicy p = policy(1, Duration.ofHours(1));
    assertThat(p.succeeded("h1", T0).announce()).isTrue();
    assertThat(p.succeeded("h1", T0)).isSameAs(NotifyPolicy.Success.NOTHING);
    NotifyPolicy restarted = new NotifyPolicy(1, Duration.ofHours(1), p.snapshot());
    assertThat(restarted.succeeded("h1", T0)).isSameAs(NotifyPolicy.Success.NOTHING);
    NotifyPolicy.Success s = restarted.succeeded("h2", T0);
    assertThat(s.announce()).isTrue();
    assertThat(s.lastAnnounced()).isEqualTo("h1");
  }

  @Test
  void refused_alertsOncePerCommit_acrossRestarts_countsAsAFailure_andRecovers() {
    NotifyPolicy p = policy(3, Duration.ofMinutes(1));
    p.succeeded("h1", T0);
    // Below the failure threshold, and whatever the repeat interval: a refusal alerts at once,
    // once.
    assertThat(p.refused("bad", 1, T0, true)).isTrue();
    assertThat(p.refused("bad", 2, T0.plusSeconds(3600), true)).isFalse();
    NotifyPolicy restarted = new NotifyPolicy(3, Duration.ofMinutes(1), p.snapshot());
    assertThat(restarted.refused("bad", 1, T0.plusSeconds(7200), true)).isFalse();
    assertThat(restarted.refused("worse", 2, T0.plusSeconds(7300), true)).isTrue();
    // A follower leaving it to the leader records nothing, so it alerts if it takes over.
    assertThat(restarted.refused("worst", 3, T0.plusSeconds(7400), false)).isFalse();
    assertThat(restarted.refused("worst", 4, T0.plusSeconds(7500), true)).isTrue();
    NotifyPolicy.Success s = restarted.succeeded("h2", T0.plusSeconds(7600));
    assertThat(s.recovered()).isTrue();
    assertThat(s.failures()).isEqualTo(4);
  }

  @Test
  void announcementBase_isTheLastCommitAnnounced_soAnnouncementsFormAChain() {
    NotifyPolicy p = policy(1, Duration.ofHours(1));
    assertThat(p.announcementBase("h1", "")).hasValue("");
    p.succeeded("h1", T0);
    assertThat(p.announcementBase("h1", "h0")).isEmpty();
    // A crash fell between the flip to h2 and its announcement; now h3 is published with the
    // link's previous target h2: the announcement starts from h1, so h2 is in it.
    assertThat(p.announcementBase("h3", "h2")).hasValue("h1");
  }

  @Test
  void failed_alertsAfterTheThreshold_thenAtMostOncePerRepeatInterval() {
    NotifyPolicy p = policy(3, Duration.ofMinutes(30));
    assertThat(p.failed(1, T0)).isFalse();
    assertThat(p.failed(2, T0.plusSeconds(10))).isFalse();
    assertThat(p.failed(3, T0.plusSeconds(20))).isTrue();
    assertThat(p.failed(4, T0.plusSeconds(30))).isFalse();
    assertThat(p.failed(50, T0.plusSeconds(20 + 1799))).isFalse();
    assertThat(p.failed(51, T0.plusSeconds(20 + 1800))).isTrue();
  }

  @Test
  void succeededAfterAnAlert_recoversOnce_withHowLongItWasBroken() {
    NotifyPolicy p = policy(1, Duration.ofHours(1));
    p.succeeded("h1", T0);
    p.failed(1, T0.plusSeconds(60));
    p.failed(2, T0.plusSeconds(120));
    NotifyPolicy restarted = new NotifyPolicy(1, Duration.ofHours(1), p.snapshot());
    NotifyPolicy.Success s = restarted.succeeded("h1", T0.plusSeconds(660));
    assertThat(s.recovered()).isTrue();
    assertThat(s.failures()).isEqualTo(2);
    assertThat(s.brokenFor()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.announce()).isFalse();
    assertThat(restarted.succeeded("h1", T0.plusSeconds(700)))
        .isSameAs(NotifyPolicy.Success.NOTHING);
  }

  @Test
  void failuresBelowTheThreshold_recoverSilently() {
    NotifyPolicy p = policy(3, Duration.ofHours(1));
    p.succeeded("h1", T0);
    p.failed(1, T0);
    NotifyPolicy.Success s = p.succeeded("h1", T0.plusSeconds(5));
    assertThat(s.recovered()).isFalse();
    assertThat(s.announce()).isFalse();
  }

  @Test
  void hookFailed_alertsOncePerHookAndCommit_acrossRestarts() {
    NotifyPolicy p = policy(1, Duration.ofHours(1));
    assertThat(p.hookFailed("exechook", "h1")).isTrue();
    assertThat(p.hookFailed("exechook", "h1")).isFalse();
    assertThat(p.hookFailed("webhook", "h1")).isTrue();
    NotifyPolicy restarted = new NotifyPolicy(1, Duration.ofHours(1), p.snapshot());
    assertThat(restarted.hookFailed("exechook", "h1")).isFalse();
    assertThat(restarted.hookFailed("exechook", "h2")).isTrue();
    assertThat(Optional.of(restarted.snapshot().hookAlerted()))
        .hasValueSatisfying(m -> assertThat(m).containsEntry("exechook", "h2"));
  }
}
