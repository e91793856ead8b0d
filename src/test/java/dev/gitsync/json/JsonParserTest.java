package dev.gitsync.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParserTest {
  @Test
  void parse_nestingBeyondTheLimit_isAnOrdinaryError() {
    String deep = "[".repeat(30_000) + "]".repeat(30_000);
    assertThatThrownBy(() -> JsonParser.parse(deep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested too deeply");
    String objects = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    assertThatThrownBy(() -> JsonParser.parse(objects)).hasMessageContaining("nested too deeply");
  }

  @Test
  void parse_nestingWithinTheLimit_andSiblings_areFine() {
    String ok = "[".repeat(JsonParser.MAX_DEPTH) + "]".repeat(JsonParser.MAX_DEPTH);
    assertThat(JsonParser.parse(ok)).isInstanceOf(List.class);
    // Depth is depth, not the number of containers: many siblings are fine.
    String wide = "[" + "[],{},".repeat(10_000) + "[]]";
    assertThat((List<?>) JsonParser.parse(wide)).hasSize(20_001);
  }

  @Test
  void parse_documentOverTheSizeLimit_isRefusedBeforeParsing() {
    String big = "\"" + " ".repeat(JsonParser.MAX_CHARS) + "\"";
    assertThatThrownBy(() -> JsonParser.parse(big)).hasMessageContaining("too large");
  }

  @Test
  void objectOrEmpty_badInput_isEmpty() {
    assertThat(JsonParser.objectOrEmpty("[".repeat(1000))).isEmpty();
    assertThat(JsonParser.objectOrEmpty("{\"ok\":true}")).isEqualTo(Map.of("ok", true));
    assertThat(JsonParser.objectOrEmpty("\"\\uZZZZ\"")).isEmpty();
  }
}
