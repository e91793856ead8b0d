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
    return URL_USERINFO.matcher(text).replaceAll("$1" + MASK + "@");
  }
}
