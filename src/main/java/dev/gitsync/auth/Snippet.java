package dev.gitsync.auth;

import dev.gitsync.log.Json;

/** The start of a server's error body, quoted, for an error message (redacted by the caller). */
final class Snippet {
  private static final int MAX = 200;

  private Snippet() {}

  static String of(String body) {
    String b = body.strip();
    StringBuilder sb = new StringBuilder();
    Json.string(sb, b.length() > MAX ? b.substring(0, MAX) + "..." : b);
    return sb.toString();
  }
}
