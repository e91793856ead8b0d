package dev.gitsync.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The JSON parser reads forge deliveries, Lease objects, state and outbox files. Properties: it
 * returns or throws {@link IllegalArgumentException}, nothing else (no stack overflow, no other
 * runtime exception); what it accepts is written back by {@link JsonWriter} and read again to the
 * same value.
 */
class JsonParserFuzzTest {
  @FuzzTest(maxDuration = "15s")
  void parse_returnsOrRefuses_andWhatItReadsRoundTrips(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Object v;
    try {
      v = JsonParser.parse(text);
    } catch (IllegalArgumentException refused) {
      return;
    }
    String written = JsonWriter.write(v);
    assertThat(JsonWriter.write(JsonParser.parse(written))).isEqualTo(written);
  }
}
