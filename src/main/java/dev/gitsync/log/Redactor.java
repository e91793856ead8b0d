package dev.gitsync.log;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it reaches a log line, the error file or an exception message:
 * the user-info part of any URL ({@code https://user:token@host} becomes {@code
 * https://REDACTED@host}) and every registered secret value.
 */
public final class Redactor {
  private static final Pattern URL_USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s\"']+@");
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

  /** Hides only URL credentials; for use before a redactor exists. */
  public static String redactUrls(String text) {
    if (text.indexOf('@') < 0) {
      return text;
    }
    // An ssh user name (ssh://git@host) is not a secret; in other schemes a user name alone can be
    // a token (https://TOKEN@github.com).
    return URL_USERINFO
        .matcher(text)
        .replaceAll(
            m -> {
              String info = m.group().substring(m.group(1).length(), m.group().length() - 1);
              boolean sshUser =
                  m.group(1).toLowerCase(java.util.Locale.ROOT).matches("(git\\+)?ssh://")
                      && info.indexOf(':') < 0;
              return java.util.regex.Matcher.quoteReplacement(
                  sshUser ? m.group() : m.group(1) + MASK + "@");
            });
  }
}
