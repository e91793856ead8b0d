package dev.gitsync.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One git config setting from {@code --git-config} or {@code --git-config-add}.
 *
 * @param key the full key, e.g. {@code url.https://example.com/.insteadOf}
 * @param value the value, with escapes already decoded
 * @param add true to add a value ({@code git config --add}), false to replace ({@code git config})
 */
public record GitConfigEntry(String key, String value, boolean add) {

  /**
   * Parses upstream's {@code --git-config} syntax: comma-separated {@code key:value} pairs where
   * keys and values may be double-quoted; quoted keys and all values understand the escapes {@code
   * \n \t \" \, \\}. A colon inside a key needs a quoted key; a comma inside an unquoted value
   * needs an escape.
   *
   * @throws IllegalArgumentException describing the first syntax error
   */
  public static List<GitConfigEntry> parse(String spec, boolean add) {
    List<GitConfigEntry> out = new ArrayList<>();
    Cursor c = new Cursor(spec);
    while (!c.atEnd()) {
      String key;
      if (c.peek() == '"') {
        c.next();
        key = quoted(c, "key");
        if (c.atEnd() || c.next() != ':') {
          throw new IllegalArgumentException("key \"" + key + "\": missing ':' after quoted key");
        }
      } else {
        StringBuilder k = new StringBuilder();
        while (!c.atEnd() && c.peek() != ':') {
          k.append(c.next());
        }
        if (c.atEnd()) {
          throw new IllegalArgumentException("unexpected end of key: \"" + k + "\"");
        }
        c.next();
        key = k.toString();
      }
      if (key.isEmpty()) {
        throw new IllegalArgumentException("empty key");
      }
      if (c.atEnd()) {
        throw new IllegalArgumentException("key \"" + key + "\": no value");
      }
      String value;
      if (c.peek() == '"') {
        c.next();
        value = quoted(c, "value");
        if (!c.atEnd() && c.next() != ',') {
          throw new IllegalArgumentException(
              "key \"" + key + "\": unexpected character after quoted value");
        }
      } else {
        StringBuilder v = new StringBuilder();
        while (!c.atEnd() && c.peek() != ',') {
          char ch = c.next();
          v.append(ch == '\\' ? escape(c) : ch);
        }
        if (!c.atEnd()) {
          c.next();
        }
        value = v.toString();
      }
      out.add(new GitConfigEntry(key, value, add));
    }
    return List.copyOf(out);
  }

  private static String quoted(Cursor c, String what) {
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (c.atEnd()) {
        throw new IllegalArgumentException("unexpected end of quoted " + what + ": \"" + sb + "\"");
      }
      char ch = c.next();
      if (ch == '"') {
        return sb.toString();
      }
      sb.append(ch == '\\' ? escape(c) : ch);
    }
  }

  private static char escape(Cursor c) {
    if (c.atEnd()) {
      throw new IllegalArgumentException("unterminated escape sequence");
    }
    char e = c.next();
    switch (e) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case '"':
      case ',':
      case '\\':
        return e;
      default:
        throw new IllegalArgumentException("unhandled escape sequence: \\" + e);
    }
  }

  private static final class Cursor {
    private final String s;
    private int i;

    Cursor(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return i >= s.length();
    }

    char peek() {
      return s.charAt(i);
    }

    char next() {
      return s.charAt(i++);
    }
  }
}
