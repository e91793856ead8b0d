package dev.gitsync.notify.provider;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cutting text to a service's limits without breaking it: plain text is cut at a grapheme cluster
 * boundary (a ZWJ emoji or a flag stays whole) before it is escaped, so no cut can split an entity
 * such as {@code &amp;}, a {@code <url|text>} link or a surrogate pair.
 */
final class Text {
  static final String ELLIPSIS = "…";
  private static final Pattern GRAPHEME = Pattern.compile("\\X");

  private Text() {}

  /** {@code s} cut to at most {@code max} chars (UTF-16 units), ending with "…" when cut. */
  static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    if (max <= ELLIPSIS.length()) {
      return ELLIPSIS.substring(0, Math.max(0, max));
    }
    int limit = max - ELLIPSIS.length();
    Matcher m = GRAPHEME.matcher(s);
    int end = 0;
    while (m.find() && m.end() <= limit) {
      end = m.end();
    }
    return s.substring(0, end) + ELLIPSIS;
  }

  /**
   * The longest prefix of plain {@code s} that is at most {@code max} chars once escaped (with an
   * ellipsis when cut), escaped.
   */
  static String cutEscaped(String s, int max, UnaryOperator<String> esc) {
    String whole = esc.apply(s);
    if (whole.length() <= max) {
      return whole;
    }
    // Escaping only grows text, so the answer is at most max plain chars long: search downwards.
    int lo = 0;
    int hi = Math.min(s.length(), max);
    String best = esc.apply(cut(s, 0));
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      String e = esc.apply(cut(s, mid));
      if (e.length() <= max) {
        best = e;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }

  /**
   * Rendered markup (a user template's output) cut to at most {@code max} chars at a place that
   * splits no grapheme, no entity ({@code &amp;}), no {@code <…>} link or mention and no backslash
   * escape.
   */
  static String cutMarkup(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    String c = cut(s, max);
    String prefix = c.substring(0, c.length() - ELLIPSIS.length());
    int amp = prefix.lastIndexOf('&');
    if (amp >= 0 && prefix.indexOf(';', amp) < 0 && prefix.length() - amp <= 10) {
      prefix = prefix.substring(0, amp);
    }
    int lt = prefix.lastIndexOf('<');
    if (lt >= 0 && prefix.indexOf('>', lt) < 0) {
      prefix = prefix.substring(0, lt);
    }
    int backslashes = 0;
    for (int i = prefix.length() - 1; i >= 0 && prefix.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    if (backslashes % 2 == 1) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return prefix + ELLIPSIS;
  }

  /** The UTF-8 size of {@code s}. */
  static int utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }
}
