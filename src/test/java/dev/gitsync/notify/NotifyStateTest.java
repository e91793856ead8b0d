package dev.gitsync.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.testing.TestLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyStateTest {
  @TempDir Path tmp;

  @Test
  void load_corruptFiles_areSetAside_andTheStateStartsAfresh() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    List<byte[]> bad =
        List.of(
            "{\"failing\":true,\"failing_since\":\"garbage\"}".getBytes(StandardCharsets.UTF_8),
            new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'},
            ("[".repeat(30_000) + "]".repeat(30_000)).getBytes(StandardCharsets.US_ASCII),
            big,
            "[1,2]".getBytes(StandardCharsets.US_ASCII));
    int n = 0;
    for (byte[] content : bad) {
      Path dir = Files.createDirectories(tmp.resolve("d" + n++));
      Files.write(dir.resolve("state.json"), content);
      TestLog log = new TestLog();
      NotifyState s = NotifyState.load(dir, false, log.log());
      assertThat(s.policy().announced()).isEmpty();
      assertThat(s.policy().failing()).isFalse();
      assertThat(log.text()).contains("unreadable notification state set aside");
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .singleElement()
            .satisfies(name -> assertThat(name).startsWith("state.json.corrupt-"));
      }
      s.policy(new NotifyPolicy.Snapshot("abc", false, 0, null, false, null, Map.of(), ""));
      assertThat(NotifyState.load(dir, false, log.log()).policy().announced()).isEqualTo("abc");
    }
  }

  @Test
  void saveAndLoad_keepThreadsAndDisabledSinks_andARestartProbesThemAtOnce() throws Exception {
    TestLog log = new TestLog();
    NotifyState s = NotifyState.load(tmp, false, log.log());
    s.sinks().thread("s1|repo#main", "111.1");
    s.sinks().disable("s2", "token_revoked", "fp", java.time.Instant.parse("2026-01-01T00:00:00Z"));
    NotifyState again = NotifyState.load(tmp, false, log.log());
    assertThat(again.sinks().thread("s1|repo#main")).isEqualTo("111.1");
    assertThat(again.sinks().disabled("s2"))
        .hasValueSatisfying(
            d -> {
              assertThat(d.reason()).isEqualTo("token_revoked");
              assertThat(d.nextProbe()).isEqualTo(java.time.Instant.MIN);
            });
  }

  @Test
  void load_olderFormat_withAListOfDisabledIds_isUnderstood() throws Exception {
    Files.writeString(
        tmp.resolve("state.json"),
        "{\"announced\":\"abc\",\"threads\":{\"s|r#m\":\"1.2\"},\"disabled\":[\"s9\"]}");
    NotifyState s = NotifyState.load(tmp, false, new TestLog().log());
    assertThat(s.policy().announced()).isEqualTo("abc");
    assertThat(s.sinks().thread("s|r#m")).isEqualTo("1.2");
    assertThat(s.sinks().disabled("s9")).isPresent();
  }
}
