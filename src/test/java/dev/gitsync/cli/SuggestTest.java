package dev.gitsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SuggestTest {
  @Test
  void nearestFlag_typo_suggestsFlag() {
    assertThat(Suggest.nearestFlag("sync-timout")).isEqualTo("--sync-timeout");
    assertThat(Suggest.nearestFlag("perod")).isEqualTo("--period");
    assertThat(Suggest.nearestFlag("one_time")).isEqualTo("--one-time");
  }

  @Test
  void nearestFlag_nothingClose_isNull() {
    assertThat(Suggest.nearestFlag("completely-unrelated-thing")).isNull();
    assertThat(Suggest.nearestFlag("foo")).as("not --root").isNull();
    assertThat(Suggest.nearestFlag("bar")).as("not --man").isNull();
  }

  @Test
  void nearestFlag_aPrefix_orAChatServiceName_suggestTheFlagMeant() {
    assertThat(Suggest.nearestFlag("trigger-secret")).isEqualTo("--trigger-secret-file");
    assertThat(Suggest.nearestFlag("slack-webhook")).isEqualTo("--notify");
    assertThat(Suggest.nearestFlag("teams-url")).isEqualTo("--notify");
  }
}
