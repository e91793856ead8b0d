package dev.gitsync.json;

/** JSON string escaping (RFC 8259), shared by the log writer and the webhook payload templates. */
public final class JsonStrings {
  private JsonStrings() {}

  /** Appends {@code s} escaped for use inside a JSON string, without the quotes. */
  public static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
  }
}
