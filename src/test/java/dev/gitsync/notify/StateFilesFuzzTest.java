package dev.gitsync.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gitsync.notify.delivery.Outbox;
import dev.gitsync.testing.TestLog;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files the notifier reads back at start (its state and outbox entries), as a full disk, a
 * crash or another container in the pod may leave them. Properties: loading never throws anything
 * but an I/O error; a file it cannot understand is set aside (renamed) and logged, so the next
 * start does not meet it again (no crash loop).
 */
class StateFilesFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyStateOrOutboxFile_loadsOrIsSetAside(FuzzedDataProvider data) throws Exception {
    byte[] state = data.consumeBytes(data.consumeInt(0, 2000));
    byte[] entry = data.consumeRemainingAsBytes();
    Path dir = Files.createTempDirectory("fuzz-notify");
    try {
      Files.write(dir.resolve("state.json"), state);
      Files.createDirectories(dir.resolve("pending"));
      Files.write(dir.resolve("pending/00000000000000000001-sink.json"), entry);
      TestLog log = new TestLog();
      NotifyState.load(dir, false, log.log());
      new Outbox(dir, false).load(log.log());
      // Whatever could not be read is out of the way now: a second start reads cleanly.
      TestLog again = new TestLog();
      NotifyState.load(dir, false, again.log());
      new Outbox(dir, false).load(again.log());
      assertThat(again.text()).doesNotContain("set aside");
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
