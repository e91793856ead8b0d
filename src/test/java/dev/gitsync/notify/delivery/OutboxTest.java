package dev.gitsync.notify.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.notify.event.EventType;
import dev.gitsync.testing.Events;
import dev.gitsync.testing.TestLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir Path tmp;

  private static Delivery delivery(long seq, String sink) {
    return new Delivery(
        seq,
        sink,
        Events.event(EventType.SYNC_FAILED, "https://h/o/r", List.of(), "e" + seq),
        0,
        Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void writeAndLoad_roundTrip_oldestFirst_andSequenceContinues() throws Exception {
    Outbox o = new Outbox(tmp, false);
    o.write(delivery(7, "b"));
    o.write(delivery(3, "a"));
    Delivery retried = delivery(5, "a").retried(Instant.parse("2026-01-01T01:00:00Z"));
    o.write(retried);
    Outbox again = new Outbox(tmp, false);
    List<Delivery> loaded = again.load(new TestLog().log());
    assertThat(loaded).extracting(Delivery::seq).containsExactly(3L, 5L, 7L);
    assertThat(loaded.get(1)).isEqualTo(retried);
    assertThat(again.nextSeq()).isEqualTo(8);
  }

  @Test
  void remove_takesTheEntryOut() throws Exception {
    Outbox o = new Outbox(tmp, false);
    Delivery d = delivery(1, "a");
    o.write(d);
    o.remove(d);
    o.remove(d);
    assertThat(o.load(new TestLog().log())).isEmpty();
  }

  @Test
  void load_unreadableEntries_areSetAside_andTheRestLoads() throws Exception {
    Outbox o = new Outbox(tmp, false);
    o.write(delivery(1, "a"));
    Path pending = tmp.resolve("pending");
    Files.writeString(pending.resolve("00000000000000000002-a.json"), "{\"seq\":\"x\"}");
    Files.writeString(pending.resolve("00000000000000000003-a.json"), "[".repeat(10_000));
    TestLog log = new TestLog();
    assertThat(o.load(log.log())).extracting(Delivery::seq).containsExactly(1L);
    try (Stream<Path> s = Files.list(pending)) {
      assertThat(s.filter(p -> p.toString().endsWith(".corrupt")).count()).isEqualTo(2);
    }
    assertThat(log.text()).contains("set aside");
  }
}
