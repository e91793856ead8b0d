package dev.gitsync.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a child wrote to one stream, bounded: the first {@link #HEAD} and the last {@link #TAIL}
 * bytes are kept and the middle is counted, however much the child writes.
 *
 * <p>Design: a commit subject of 50 MB makes {@code git reset --hard} print it, an exec hook may
 * print 100 MB; keeping it all would run a 32 MB heap out, and with {@code --max-failures=0} every
 * sidecar on that repository would exit on every restart. The head holds what callers parse (the
 * output of {@code rev-parse}, {@code config --get}, {@code log} with bounded fields) and the
 * beginning of an error; the tail holds the end of an error, where git puts the reason. The stream
 * is always drained to its end, so the child never blocks on a full pipe.
 */
public final class BoundedOutput {
  /** Bytes kept from the start. */
  public static final int HEAD = 64 * 1024;

  /** Bytes kept from the end. */
  public static final int TAIL = 16 * 1024;

  private final byte[] head = new byte[HEAD];
  private final byte[] tail = new byte[TAIL];
  private int headLen;
  private long tailWritten;
  private long total;

  /** Reads {@code in} to its end and returns what was kept. */
  public static BoundedOutput drain(InputStream in) throws IOException {
    BoundedOutput out = new BoundedOutput();
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
    }
    return out;
  }

  /** Adds bytes. */
  public void write(byte[] b, int off, int len) {
    total += len;
    int toHead = Math.min(len, HEAD - headLen);
    System.arraycopy(b, off, head, headLen, toHead);
    headLen += toHead;
    for (int i = off + toHead; i < off + len; i++) {
      tail[(int) (tailWritten++ % TAIL)] = b[i];
    }
  }

  /** How many bytes the stream carried in all. */
  public long total() {
    return total;
  }

  /** True when bytes were dropped from the middle. */
  public boolean truncated() {
    return tailWritten > TAIL;
  }

  /**
   * The text: the whole output when it fit, else head, a marker saying how many bytes were left
   * out, and tail. Invalid UTF-8 is replaced, never an error.
   */
  public String text() {
    String h = new String(head, 0, headLen, StandardCharsets.UTF_8);
    if (tailWritten == 0) {
      return h;
    }
    int kept = (int) Math.min(tailWritten, TAIL);
    byte[] t = new byte[kept];
    long start = tailWritten - kept;
    for (int i = 0; i < kept; i++) {
      t[i] = tail[(int) ((start + i) % TAIL)];
    }
    String tailText = new String(t, StandardCharsets.UTF_8);
    if (!truncated()) {
      // Nothing dropped: rejoin the two parts (a character split between them is decoded whole).
      byte[] all = new byte[headLen + kept];
      System.arraycopy(head, 0, all, 0, headLen);
      System.arraycopy(t, 0, all, headLen, kept);
      return new String(all, StandardCharsets.UTF_8);
    }
    return h + "\n[… " + (total - headLen - kept) + " bytes omitted …]\n" + tailText;
  }
}
