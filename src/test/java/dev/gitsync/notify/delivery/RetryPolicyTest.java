package dev.gitsync.notify.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void delay_exponentialWithJitter_cappedAndRetryAfterWins() {
    RetryPolicy p = new RetryPolicy(new Random(1));
    for (int attempt = 1; attempt <= 12; attempt++) {
      Duration d = p.delay(attempt, Optional.empty());
      long window = Math.min(300_000, 1000L << (attempt - 1));
      assertThat(d.toMillis()).isBetween(window / 2, window);
    }
    assertThat(p.delay(1, Optional.of(Duration.ofSeconds(30)))).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.delay(1, Optional.of(Duration.ofDays(2)))).isEqualTo(Duration.ofHours(1));
  }
}
