package dev.gitsync.log;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Removes secrets from text before it reaches a log line, the error file or an exception message:
 * the user-info part of any URL ({@code https://user:token@host} becomes {@code
 * https://REDACTED@host}) and every registered secret value.
 *
 * <p>Design: the text is often the pusher's (a submodule URL, a commit subject at {@code -v 6}), so
 * URLs are found by one left-to-right scan, linear in the text, not by a regular expression (the
 * one this replaces backtracked quadratically: 21 s for 64 K characters). A URL's user info runs,
 * as Go's {@code net/url} (upstream) reads it, from {@code ://} to the <em>last</em> {@code @} of
 * the authority, which ends at the first {@code /}, {@code ?}, {@code #}, white space or quote: a
 * password holding a raw {@code @} is hidden whole.
 */
public final class Redactor {
  private static final String MASK = "REDACTED";

  private final List<String> secrets = new CopyOnWriteArrayList<>();

  /** Registers a secret value to hide wherever it appears. Short values are ignored. */
  public void register(String secret) {
    if (secret != null && secret.length() >= 4 && !secrets.contains(secret)) {
      secrets.add(secret);
    }
  }

  /** Hides URL credentials and registered secrets in {@code text}. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = redactUrls(text);
    for (String s : secrets) {
      out = out.replace(s, MASK);
    }
    return out;
  }

  /** Hides only URL credentials; for use before a redactor exists. Linear in the text. */
  public static String redactUrls(String text) {
    if (text.indexOf('@') < 0) {
      return text;
    }
    StringBuilder out = null;
    int copied = 0; // text before this index is in out (or unchanged)
    int from = 0;
    int floor = 0; // how far back a scheme may reach: the previous URL's authority, at most
    while (true) {
      int sep = text.indexOf("://", from);
      if (sep < 0) {
        break;
      }
      int start = sep + 3;
      int end = start;
      int at = -1;
      while (end < text.length() && !endsAuthority(text.charAt(end))) {
        if (text.charAt(end) == '@') {
          at = end;
        }
        end++;
      }
      int schemeStart = schemeStart(text, sep, floor);
      if (at > start && schemeStart < sep) {
        String scheme = text.substring(schemeStart, sep).toLowerCase(Locale.ROOT);
        boolean sshUser =
            (scheme.equals("ssh") || scheme.equals("git+ssh")) && !contains(text, start, at, ':');
        if (!sshUser) {
          // An ssh user name (ssh://git@host) is not a secret; in other schemes a user name alone
          // can be a token (https://TOKEN@github.com).
          if (out == null) {
            out = new StringBuilder(text.length());
          }
          out.append(text, copied, start).append(MASK);
          copied = at;
        }
      }
      // The next "://" may begin at this authority's last character ("http://xhttps://u:p@h"),
      // and its scheme within it: each character is still looked at a bounded number of times.
      floor = start;
      from = Math.max(start, end - 1);
    }
    if (out == null) {
      return text;
    }
    return out.append(text, copied, text.length()).toString();
  }

  private static boolean contains(String text, int from, int to, char c) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == c) {
        return true;
      }
    }
    return false;
  }

  private static boolean endsAuthority(char c) {
    // Not '?' or '#': a password holding a raw one must be hidden too (hiding a query is harmless).
    return c == '/' || c == '"' || c == '\'' || Character.isWhitespace(c);
  }

  /**
   * Where the scheme before {@code ://} at {@code sep} starts ({@code sep} when there is none): the
   * longest run of scheme characters that starts with a letter, looking back no further than {@code
   * floor}, so that the scan stays linear.
   */
  private static int schemeStart(String text, int sep, int floor) {
    int i = sep;
    while (i > floor && isSchemeChar(text.charAt(i - 1))) {
      i--;
    }
    while (i < sep && !isLetter(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isLetter(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  private static boolean isSchemeChar(char c) {
    return isLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-';
  }
}
