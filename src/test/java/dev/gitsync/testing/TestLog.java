package dev.gitsync.testing;

import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/** A {@link Log} whose lines are kept in memory for assertions. */
public final class TestLog {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Log log;

  /** A log at verbosity {@code v}. */
  public TestLog(int v) {
    this.log =
        new Log(
            "",
            v,
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            Clock.systemUTC(),
            new Redactor(),
            Optional.empty());
  }

  /** A log at verbosity 9. */
  public TestLog() {
    this(9);
  }

  /** The logger. */
  public Log log() {
    return log;
  }

  /** Everything logged so far. */
  public synchronized String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
