package dev.gitsync.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gitsync.json.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the API server (or whoever answers in its place) sends back as a Lease. Properties: reading
 * it returns a Lease or refuses it with {@link IllegalArgumentException}; writing it back keeps
 * every field leader election does not own, and reading that again gives the same Lease.
 */
class LeaseJsonFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void aLeaseReadAndWrittenBack_keepsWhatItDoesNotOwn(byte[] input) {
    Map<String, Object> o = JsonParser.objectOrEmpty(new String(input, StandardCharsets.UTF_8));
    Lease l;
    try {
      l = Lease.fromJson(o);
    } catch (IllegalArgumentException notALease) {
      return;
    }
    Lease again;
    try {
      again = Lease.fromJson(JsonParser.objectOrEmpty(l.toJson("ns")));
    } catch (IllegalArgumentException e) {
      throw new AssertionError("what was written cannot be read back", e);
    }
    assertThat(again.holder()).isEqualTo(l.holder());
    assertThat(again.annotations()).isEqualTo(l.annotations());
    assertThat(again.transitions()).isEqualTo(l.transitions());
    assertThat(again.durationSeconds()).isEqualTo(l.durationSeconds());
    assertThat(again.resourceVersion()).isEqualTo(l.resourceVersion());
    if (o.get("spec") instanceof Map<?, ?> spec) {
      for (Object k : spec.keySet()) {
        assertThat(((Map<?, ?>) again.raw().get("spec")).containsKey(k)).as("spec." + k).isTrue();
      }
    }
  }
}
