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

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "+1",
        "01",
        ".5",
        "1.",
        "-",
        "1e",
        "1e+",
        "-01",
        "[1,]",
        "\"\\u-001\"",
        "\"\\u12\"",
        "\"\\u00g1\"",
        "{\"a\":1,\"a\":2}",
        "{\"a\":{\"b\":1,\"b\":1}}",
        "0x10",
        "Infinity",
        "NaN"
      })
  void parse_whatRfc8259Refuses_isRefused(String text) {
    assertThatThrownBy(() -> JsonParser.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "0",
        "-0",
        "1.5",
        "-12.25e+3",
        "1E-2",
        "10",
        "\"\\u00e9\\uD83D\\uDE00\"",
        "{\"a\":1,\"b\":{\"a\":2}}"
      })
  void parse_whatRfc8259Allows_isRead(String text) {
    assertThat(JsonParser.parse(text)).isNotNull();
  }

  @Test
  void parse_isLinear_onAMegabyteOfLongTokens() {
    int n = 1 << 20;
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(20),
        () -> {
          JsonParser.parse("\"" + "\\u00e9".repeat(n / 6) + "\"");
          JsonParser.parse("0." + "1".repeat(n));
          JsonParser.parse("[" + "0,".repeat(n / 2) + "0]");
          assertThatThrownBy(() -> JsonParser.parse("{" + "\"k\":0,".repeat(n / 6) + "}"))
              .isInstanceOf(IllegalArgumentException.class);
        });
  }

  @Test
  @SuppressWarnings("unchecked")
  void parsePrefix_keepsWhatIsCompleteBeforeTheCut() {
    String doc =
        "{\"ref\":\"refs/heads/main\",\"deleted\":false,\"repository\":{\"clone_url\":\"u\"},"
            + "\"commits\":[{\"id\":\"a\",\"message\":\"one\"},{\"id\":\"b\",\"message\":\"two\"}]}";
    for (int cut = 1; cut < doc.length(); cut++) {
      Object o = JsonParser.parsePrefix(doc.substring(0, cut));
      if (cut > doc.indexOf(",\"deleted\"")) {
        assertThat((java.util.Map<String, Object>) o).containsEntry("ref", "refs/heads/main");
      }
      if (cut > doc.indexOf(",\"commits\"")) {
        assertThat((java.util.Map<String, Object>) o)
            .containsEntry("deleted", false)
            .containsKey("repository");
      }
    }
    assertThat(JsonParser.parsePrefix(doc)).isEqualTo(JsonParser.parse(doc));
    assertThat((java.util.Map<String, Object>) JsonParser.parsePrefix("{\"a\":tr"))
        .doesNotContainKey("a");
    assertThatThrownBy(() -> JsonParser.parsePrefix("{\"a\":x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonParser.parsePrefix("{\"a\":1,\"a\":2"))
        .as("a duplicate before the cut")
        .isInstanceOf(IllegalArgumentException.class);
  }
}
