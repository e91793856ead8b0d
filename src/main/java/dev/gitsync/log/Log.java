package dev.gitsync.log;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The logging contract: one JSON object per line on stderr, with upstream's field names and order
 * ({@code logger, ts, caller, level, msg, …} for info, {@code logger, ts, caller, msg, error, …}
 * for errors) and its {@code -v} ladder: 0 updates, 1 details, 2 the loop, 3 loop details, 5
 * commands run, 6 their output, 9 tracing. Every value passes through the {@link Redactor}. Errors
 * logged by the main logger are also written to the error file.
 */
public final class Log {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final String name;
  private final int verbosity;
  private final PrintStream out;
  private final Clock clock;
  private final Redactor redactor;
  private final Optional<ErrorFile> errorFile;

  /** A logger named {@code name} printing levels up to {@code verbosity}. */
  public Log(
      String name,
      int verbosity,
      PrintStream out,
      Clock clock,
      Redactor redactor,
      Optional<ErrorFile> errorFile) {
    this.name = name;
    this.verbosity = verbosity;
    this.out = out;
    this.clock = clock;
    this.redactor = redactor;
    this.errorFile = errorFile;
  }

  /** A logger with another name sharing this one's settings, error file included. */
  public Log named(String newName) {
    return new Log(newName, verbosity, out, clock, redactor, errorFile);
  }

  /** True when lines at level {@code v} are printed. */
  public boolean enabled(int v) {
    return v <= verbosity;
  }

  /** The redactor this logger uses. */
  public Redactor redactor() {
    return redactor;
  }

  /** Logs an info line at level {@code v} with key/value pairs. */
  public void info(int v, String msg, Object... kv) {
    if (!enabled(v)) {
      return;
    }
    StringBuilder sb = prefix();
    sb.append(",\"level\":").append(v).append(",\"msg\":");
    Json.string(sb, redactor.redact(msg));
    emit(sb, kv);
  }

  /** Logs an error line and writes the error file. */
  public void error(String err, String msg, Object... kv) {
    StringBuilder sb = prefix();
    sb.append(",\"msg\":");
    Json.string(sb, redactor.redact(msg));
    sb.append(",\"error\":");
    Json.append(sb, err, redactor);
    emit(sb, kv);
    if (errorFile.isPresent()) {
      try {
        errorFile.get().writeJson(msg, redactor.redact(err), pairs(kv), redactor);
      } catch (IOException | RuntimeException e) {
        StringBuilder w = prefix();
        w.append(",\"msg\":\"can't write error file\",\"error\":");
        Json.append(w, String.valueOf(e.getMessage()), redactor);
        emit(w, new Object[0]);
      }
    }
  }

  private StringBuilder prefix() {
    StringBuilder sb = new StringBuilder(160);
    sb.append("{\"logger\":");
    Json.string(sb, name);
    sb.append(",\"ts\":\"").append(TS.format(LocalDateTime.now(clock))).append('"');
    StackWalker.StackFrame f = caller();
    sb.append(",\"caller\":{\"file\":");
    Json.string(sb, f == null ? "?" : String.valueOf(f.getFileName()));
    sb.append(",\"line\":").append(f == null ? 0 : f.getLineNumber()).append('}');
    return sb;
  }

  private static StackWalker.StackFrame caller() {
    return StackWalker.getInstance()
        .walk(s -> s.filter(f -> !f.getClassName().equals(Log.class.getName())).findFirst())
        .orElse(null);
  }

  private void emit(StringBuilder sb, Object[] kv) {
    for (int i = 0; i + 1 < kv.length; i += 2) {
      sb.append(',');
      Json.string(sb, String.valueOf(kv[i]));
      sb.append(':');
      Json.append(sb, kv[i + 1], redactor);
    }
    sb.append('}');
    out.println(sb);
  }

  private static Map<String, Object> pairs(Object[] kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(String.valueOf(kv[i]), kv[i + 1]);
    }
    return m;
  }
}
