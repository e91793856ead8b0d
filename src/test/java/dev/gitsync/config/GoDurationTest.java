package dev.gitsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
  @Test
  void parse_goSyntax_givesDuration() {
    assertThat(GoDuration.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("2h45m")).isEqualTo(Duration.ofMinutes(165));
    assertThat(GoDuration.parse("100us")).isEqualTo(Duration.ofNanos(100_000));
    assertThat(GoDuration.parse("100µs")).isEqualTo(Duration.ofNanos(100_000));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(GoDuration.parse("-1s")).isEqualTo(Duration.ofSeconds(-1));
  }

  @Test
  void parse_missingUnitOrGarbage_throwsNamingInput() {
    for (String bad : new String[] {"", "s", "ten", "1..5s"}) {
      assertThatThrownBy(() -> GoDuration.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid duration");
    }
    // Go's own words for the commonest mistakes (time.ParseDuration).
    assertThatThrownBy(() -> GoDuration.parse("10"))
        .hasMessage("time: missing unit in duration \"10\"");
    assertThatThrownBy(() -> GoDuration.parse("1s2"))
        .hasMessage("time: missing unit in duration \"1s2\"");
    assertThatThrownBy(() -> GoDuration.parse("1x"))
        .hasMessage("time: unknown unit \"x\" in duration \"1x\"");
  }

  @Test
  void format_likeGo() {
    assertThat(GoDuration.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(GoDuration.format(Duration.ofSeconds(120))).isEqualTo("2m0s");
    assertThat(GoDuration.format(Duration.ofMinutes(61))).isEqualTo("1h1m0s");
    assertThat(GoDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void parse_beyondWhatGoAccepts_isOutOfRange() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GoDuration.parse("9999999999999h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    org.assertj.core.api.Assertions.assertThat(GoDuration.parse("2562047h"))
        .isEqualTo(java.time.Duration.ofHours(2562047));
  }
}
