package dev.gitsync.log;

import dev.gitsync.config.GoDuration;
import dev.gitsync.json.JsonStrings;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/** Minimal JSON rendering for log lines and the error file; no dependency needed for this. */
public final class Json {
  private Json() {}

  /** Appends {@code value} as JSON: strings quoted and escaped, numbers and booleans bare. */
  public static void append(StringBuilder sb, Object value, Redactor redactor) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      sb.append(value);
    } else if (value instanceof Number) {
      double d = ((Number) value).doubleValue();
      sb.append(Double.isFinite(d) ? value.toString() : "\"" + value + "\"");
    } else if (value instanceof Duration) {
      string(sb, GoDuration.format((Duration) value));
    } else if (value instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        string(sb, String.valueOf(e.getKey()));
        sb.append(':');
        append(sb, e.getValue(), redactor);
      }
      sb.append('}');
    } else if (value instanceof Collection) {
      sb.append('[');
      boolean first = true;
      for (Object o : (Collection<?>) value) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        append(sb, o, redactor);
      }
      sb.append(']');
    } else {
      string(sb, redactor == null ? value.toString() : redactor.redact(value.toString()));
    }
  }

  /** Appends a quoted, escaped JSON string. */
  public static void string(StringBuilder sb, String s) {
    sb.append('"');
    JsonStrings.escape(sb, s);
    sb.append('"');
  }
}
