package dev.gitsync.json;

import java.util.Collection;
import java.util.Map;

/**
 * Writes back what {@link JsonParser} read (maps, lists, strings, numbers, booleans, null), so a
 * document read from outside can be changed in a few fields and sent back with the rest as it was.
 * A whole number read as a {@link Double} is written without a fraction (an API server refuses
 * {@code 5.0} for an integer field). Nesting is bounded by what the parser accepts.
 */
public final class JsonWriter {
  private JsonWriter() {}

  /** The value as JSON text. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder(256);
    append(sb, value);
    return sb.toString();
  }

  /** Appends {@code value} as JSON. */
  public static void append(StringBuilder sb, Object value) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String s) {
      sb.append('"');
      JsonStrings.escape(sb, s);
      sb.append('"');
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      sb.append(value);
    } else if (value instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("not a JSON number: " + d);
      }
      if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        sb.append((long) d);
      } else {
        sb.append(d);
      }
    } else if (value instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        append(sb, String.valueOf(e.getKey()));
        sb.append(':');
        append(sb, e.getValue());
      }
      sb.append('}');
    } else if (value instanceof Collection<?> c) {
      sb.append('[');
      boolean first = true;
      for (Object o : c) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        append(sb, o);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getSimpleName());
    }
  }
}
