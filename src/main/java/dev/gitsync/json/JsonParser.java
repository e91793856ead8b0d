package dev.gitsync.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON parser (RFC 8259) for the documents the program reads: forge deliveries,
 * Lease objects, its own outbox entries and state, {@code --credential} values, and the JSON
 * answers of chat services. Objects become {@link Map}, arrays {@link List}, numbers {@link
 * Double}, and the rest {@link String}, {@link Boolean} or null. Strict means the RFC's grammar and
 * nothing more: numbers as {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?} (no {@code +1},
 * {@code 01}, {@code .5}), {@code \\u} followed by exactly four hex digits, and no key twice in one
 * object (RFC 8259 leaves duplicates to the reader; readers disagree about which one wins, so a
 * signed delivery could mean one thing to its verifier and another here: they are refused).
 *
 * <p>Everything it reads comes from outside, so it is bounded: at most {@link #MAX_DEPTH} levels of
 * nesting (a 30,000-deep document would otherwise overflow the stack) and {@link #MAX_CHARS}
 * characters; both are reported as the {@link IllegalArgumentException} every other malformed input
 * gets.
 */
public final class JsonParser {
  /** The deepest nesting accepted; our own documents use five levels. */
  public static final int MAX_DEPTH = 64;

  /** The longest document accepted, in characters. */
  public static final int MAX_CHARS = 8 * 1024 * 1024;

  private final String s;
  private final boolean prefix;
  private int i;
  private int depth;

  private JsonParser(String s, boolean prefix) {
    this.s = s;
    this.prefix = prefix;
  }

  /** The input ended inside a value (prefix mode): what had been read of the enclosing value. */
  private static final class Cut extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Object partial;

    Cut(Object partial) {
      super(null, null, false, false);
      this.partial = partial;
    }
  }

  /**
   * Parses the first part of a JSON document that was cut short (the first megabyte of a larger
   * delivery): every value that is complete is read as {@link #parse} reads it; of the values the
   * cut falls into, objects and arrays keep their complete members and the rest is left out. A
   * document that is malformed before the cut is refused as by {@link #parse}.
   *
   * @throws IllegalArgumentException on malformed input before the cut
   */
  public static Object parsePrefix(String text) {
    checkSize(text);
    try {
      return new JsonParser(text, true).document();
    } catch (Cut cut) {
      return cut.partial;
    }
  }

  /** One value and nothing after it but white space. */
  private Object document() {
    ws();
    Object v = value();
    ws();
    if (i != s.length()) {
      throw new IllegalArgumentException("trailing data at offset " + i);
    }
    return v;
  }

  private static void checkSize(String text) {
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException(
          "JSON document too large (" + text.length() + " characters, at most " + MAX_CHARS + ")");
    }
  }

  /** In prefix mode, at the end of the input: the value being read was cut. */
  private void cutIfAtEnd() {
    if (prefix && i >= s.length()) {
      throw new Cut(null);
    }
  }

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException on malformed input
   */
  public static Object parse(String text) {
    checkSize(text);
    return new JsonParser(text, false).document();
  }

  /** Parses a JSON object, or returns an empty map when the text is not one. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> objectOrEmpty(String text) {
    try {
      Object o = parse(text);
      return o instanceof Map ? (Map<String, Object>) o : Map.of();
    } catch (IllegalArgumentException e) {
      return Map.of();
    }
  }

  private void ws() {
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
  }

  private Object value() {
    cutIfAtEnd();
    if (i >= s.length()) {
      throw new IllegalArgumentException("unexpected end of JSON");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      default:
        break;
    }
    for (String lit : new String[] {"true", "false", "null"}) {
      if (s.startsWith(lit, i)) {
        i += lit.length();
        return lit.equals("null") ? null : Boolean.valueOf(lit);
      }
      if (prefix && lit.startsWith(s.substring(i, Math.min(s.length(), i + lit.length())))) {
        throw new Cut(null);
      }
    }
    int start = i;
    accept('-');
    if (accept('0')) {
      // A leading zero stands alone.
    } else if (!digits()) {
      throw new IllegalArgumentException("unexpected character '" + c + "' at offset " + start);
    }
    if (accept('.') && !digits()) {
      throw new IllegalArgumentException("bad number at offset " + start + ": digit expected");
    }
    if (accept('e') || accept('E')) {
      if (!accept('+')) {
        accept('-');
      }
      if (!digits()) {
        throw new IllegalArgumentException("bad number at offset " + start + ": digit expected");
      }
    }
    cutIfAtEnd(); // A number that runs to the cut may have had more digits.
    double d = Double.parseDouble(s.substring(start, i));
    if (Double.isInfinite(d)) {
      // 1e999: nothing here has a use for it, and it could not be written back.
      throw new IllegalArgumentException("number out of range at offset " + start);
    }
    return d;
  }

  /** Consumes one or more digits; false when there was none. */
  private boolean digits() {
    cutIfAtEnd();
    int from = i;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i > from;
  }

  private void nest() {
    if (++depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "JSON nested too deeply (more than " + MAX_DEPTH + " levels) at offset " + i);
    }
  }

  private Map<String, Object> object() {
    nest();
    i++;
    Map<String, Object> m = new LinkedHashMap<>();
    ws();
    if (accept('}')) {
      depth--;
      return m;
    }
    String k = null;
    try {
      do {
        k = null;
        ws();
        int at = i;
        String key = string();
        ws();
        expect(':');
        ws();
        if (m.containsKey(key)) {
          throw new IllegalArgumentException("duplicate key at offset " + at);
        }
        k = key;
        m.put(k, value());
        k = null;
        ws();
      } while (accept(','));
      expect('}');
    } catch (Cut cut) {
      if (k != null && cut.partial != null) {
        m.put(k, cut.partial);
      } else if (k != null) {
        m.remove(k);
      }
      throw new Cut(m);
    }
    depth--;
    return m;
  }

  private List<Object> array() {
    nest();
    i++;
    List<Object> l = new ArrayList<>();
    ws();
    if (accept(']')) {
      depth--;
      return l;
    }
    try {
      do {
        ws();
        l.add(value());
        ws();
      } while (accept(','));
      expect(']');
    } catch (Cut cut) {
      if (cut.partial != null) {
        l.add(cut.partial);
      }
      throw new Cut(l);
    }
    depth--;
    return l;
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      cutIfAtEnd();
      if (i >= s.length()) {
        throw new IllegalArgumentException("unterminated string");
      }
      char c = s.charAt(i++);
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw new IllegalArgumentException("control character in string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      cutIfAtEnd();
      if (i >= s.length()) {
        throw new IllegalArgumentException("unterminated escape");
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'n':
          sb.append('\n');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 'b':
          sb.append('\b');
          break;
        case 'f':
          sb.append('\f');
          break;
        case '/':
        case '\\':
        case '"':
          sb.append(e);
          break;
        case 'u':
          int cp = 0;
          for (int k = 0; k < 4; k++) {
            cutIfAtEnd();
            int d = i < s.length() ? hex(s.charAt(i++)) : -1;
            if (d < 0) {
              throw new IllegalArgumentException("bad unicode escape at offset " + (i - 1));
            }
            cp = cp * 16 + d;
          }
          sb.append((char) cp);
          break;
        default:
          throw new IllegalArgumentException("bad escape \\" + e);
      }
    }
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private boolean accept(char c) {
    if (i < s.length() && s.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!accept(c)) {
      cutIfAtEnd();
      throw new IllegalArgumentException("expected '" + c + "' at offset " + i);
    }
  }
}
