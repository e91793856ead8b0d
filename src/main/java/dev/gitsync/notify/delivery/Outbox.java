package dev.gitsync.notify.delivery;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.fs.FileOps;
import dev.gitsync.json.JsonParser;
import dev.gitsync.log.Json;
import dev.gitsync.log.Log;
import dev.gitsync.notify.event.NotifyEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The durable outbox: one file per (event, sink) delivery, written before anything is sent and
 * removed only when the sink confirmed it.
 *
 * <p>Design: each entry is written to a temporary file, fsynced, and renamed into place (then the
 * directory is fsynced), so after a crash an entry is either whole or absent. A crash after a send
 * but before the removal resends that one message on restart: duplicates are bounded to one per
 * delivery, and each carries the same idempotency key. Entries are named by a sequence number so
 * each sink's messages go out in order.
 */
public final class Outbox {
  private final Path dir;
  private final boolean groupWrite;
  private final AtomicLong seq = new AtomicLong();

  /** The outbox in {@code dir}/pending (created, group-writable with {@code groupWrite}). */
  public Outbox(Path dir, boolean groupWrite) throws IOException {
    this.dir = dir.resolve("pending");
    this.groupWrite = groupWrite;
    FileOps.mkdirs(this.dir, groupWrite);
  }

  /** The next sequence number. */
  public long nextSeq() {
    return seq.incrementAndGet();
  }

  private Path file(Delivery d) {
    return dir.resolve(String.format("%020d-%s.json", d.seq(), d.sinkId()));
  }

  /** Writes (or rewrites) an entry durably. */
  public void write(Delivery d) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", d.seq());
    m.put("sink", d.sinkId());
    m.put("attempts", d.attempts());
    m.put("not_before", d.notBefore().toString());
    if (d.chain() != 0) {
      m.put("chain", d.chain());
    }
    m.put("event", d.event().toJson());
    StringBuilder sb = new StringBuilder();
    Json.append(sb, m, null);
    writeAtomically(dir, file(d), sb.toString(), groupWrite);
  }

  /** Removes a confirmed or dropped entry. */
  public void remove(Delivery d) throws IOException {
    Files.deleteIfExists(file(d));
  }

  /** Loads every entry, oldest first; unreadable entries are set aside and logged. */
  @SuppressWarnings("unchecked")
  public List<Delivery> load(Log log) throws IOException {
    List<Delivery> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
      for (Path p : ds) {
        try {
          Map<String, Object> m =
              (Map<String, Object>)
                  JsonParser.parse(BoundedFiles.readString(p, BoundedFiles.SMALL));
          Delivery d =
              new Delivery(
                  ((Number) m.get("seq")).longValue(),
                  (String) m.get("sink"),
                  NotifyEvent.fromJson((Map<String, Object>) m.get("event")),
                  ((Number) m.get("attempts")).intValue(),
                  Instant.parse((String) m.get("not_before")),
                  m.get("chain") instanceof Number c ? c.longValue() : 0);
          out.add(d);
          seq.accumulateAndGet(d.seq(), Math::max);
        } catch (IOException | RuntimeException e) {
          log.error(
              String.valueOf(e.getMessage()),
              "unreadable notification in the outbox, set aside",
              "file",
              p.toString());
          Files.move(
              p,
              p.resolveSibling(p.getFileName() + ".corrupt"),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    out.sort(Comparator.comparingLong(Delivery::seq));
    return out;
  }

  /** Temp file (owner-only, or group-writable too), fsync, rename, fsync the directory. */
  public static void writeAtomically(Path dir, Path target, String content, boolean groupWrite)
      throws IOException {
    Path tmp = Files.createTempFile(dir, ".tmp-", ".part");
    try {
      if (groupWrite) {
        FileOps.addGroupWrite(tmp);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException ignored) {
        // Some file systems cannot sync a directory; the rename is still atomic.
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
