package dev.gitsync.config;

import dev.gitsync.json.JsonStrings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --webhook-payload} template: text with {@code {{name}}} variables from a fixed set.
 * Values are JSON-string-escaped when substituted, so a template that is valid JSON stays valid
 * whatever a ref name or URL contains. Nothing else is evaluated: no expressions, no loops.
 */
public final class PayloadTemplate {
  /** The variables a template may use. */
  public static final Set<String> VARIABLES =
      Set.of("hash", "short_hash", "previous_hash", "ref", "repo", "link", "timestamp");

  private static final Pattern VAR = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

  private final String text;

  private PayloadTemplate(String text) {
    this.text = text;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException naming unknown variables and the ones available
   */
  public static PayloadTemplate parse(String text) {
    List<String> unknown = new ArrayList<>();
    Matcher m = VAR.matcher(text);
    while (m.find()) {
      if (!VARIABLES.contains(m.group(1))) {
        unknown.add(m.group(1));
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown variable(s) " + unknown + "; available: " + new java.util.TreeSet<>(VARIABLES));
    }
    return new PayloadTemplate(text);
  }

  /** Substitutes {@code values} (missing ones become empty), JSON-escaped. */
  public String render(Map<String, String> values) {
    Matcher m = VAR.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          sb, Matcher.quoteReplacement(escape(values.getOrDefault(m.group(1), ""))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** JSON string escaping without the surrounding quotes. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    JsonStrings.escape(sb, s);
    return sb.toString();
  }
}
