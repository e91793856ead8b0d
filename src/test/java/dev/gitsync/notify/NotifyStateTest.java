package dev.gitsync.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.testing.TestLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
      assertThat(s.announced).isEmpty();
      assertThat(s.failing).isFalse();
      assertThat(log.text()).contains("unreadable notification state set aside");
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .singleElement()
            .satisfies(name -> assertThat(name).startsWith("state.json.corrupt-"));
      }
      s.announced = "abc";
      s.save();
      assertThat(NotifyState.load(dir, false, log.log()).announced).isEqualTo("abc");
    }
  }
}
