package dev.gitsync.notify.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SinkStatesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void disable_probesBackOff_from5MinutesTo1Hour_andSuccessClearsTheStrikes() {
    SinkStates s = new SinkStates();
    AtomicInteger saves = new AtomicInteger();
    s.onChange(saves::incrementAndGet);
    assertThat(s.disable("a", "gone", "fp", T0).nextProbe())
        .isEqualTo(T0.plus(Duration.ofMinutes(5)));
    s.reprobe("a");
    assertThat(s.disabled("a")).isEmpty();
    assertThat(s.disable("a", "gone", "fp", T0).nextProbe())
        .isEqualTo(T0.plus(Duration.ofMinutes(10)));
    for (int i = 0; i < 10; i++) {
      s.reprobe("a");
      s.disable("a", "gone", "fp", T0);
    }
    assertThat(s.disabled("a").orElseThrow().nextProbe()).isEqualTo(T0.plus(Duration.ofHours(1)));
    s.reprobe("a");
    assertThat(s.works("a")).isTrue();
    assertThat(s.works("a")).isFalse();
    assertThat(s.disable("a", "gone", "fp", T0).strikes()).isEqualTo(1);
    assertThat(saves.get()).isGreaterThan(20);
  }

  @Test
  void retain_forgetsRemovedSinksAndTheirThreads() {
    SinkStates s = new SinkStates();
    s.thread(SinkStates.threadKey("a", "r", "main"), "1.1");
    s.thread(SinkStates.threadKey("b", "r", "main"), "2.2");
    s.disable("b", "gone", "fp", T0);
    s.retain(Set.of("a"));
    assertThat(s.thread(SinkStates.threadKey("a", "r", "main"))).isEqualTo("1.1");
    assertThat(s.thread(SinkStates.threadKey("b", "r", "main"))).isEmpty();
    assertThat(s.disabled("b")).isEmpty();
  }

  @Test
  void thread_isKeptOnce_andClearedWhenItsParentIsGone() {
    SinkStates s = new SinkStates();
    s.thread("k", "1.1");
    s.thread("k", "2.2");
    assertThat(s.thread("k")).isEqualTo("1.1");
    s.clearThread("k");
    assertThat(s.thread("k")).isEmpty();
    s.thread("k", "3.3");
    assertThat(s.thread("k")).isEqualTo("3.3");
  }
}
