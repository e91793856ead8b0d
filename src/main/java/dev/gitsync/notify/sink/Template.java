package dev.gitsync.notify.sink;

import dev.gitsync.fs.BoundedFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A user's message template: a small, safe, logic-less language (a subset of Mustache). {@code
 * {{name}}} inserts a variable, escaped for the target service; {@code {{#name}}…{{/name}}} renders
 * its body when the variable is non-empty, once per item for {@code commits}; {@code
 * {{^name}}…{{/name}}} renders when it is empty. Nothing else is evaluated. Unknown variables are
 * rejected when the template is loaded.
 */
public final class Template {
  /** Top-level variables. */
  public static final Set<String> VARIABLES =
      Set.of(
          "event",
          "repo",
          "repo_name",
          "ref",
          "hash",
          "short_hash",
          "previous_hash",
          "short_previous_hash",
          "error",
          "failures",
          "broken_for",
          "commits",
          "more_commits",
          "diff_summary",
          "commit_url",
          "compare_url",
          "pod",
          "namespace",
          "hook",
          "time");

  /** Variables inside {@code {{#commits}}}. */
  public static final Set<String> COMMIT_VARIABLES =
      Set.of("hash", "short_hash", "author", "subject");

  private final List<Node> nodes;

  private Template(List<Node> nodes) {
    this.nodes = nodes;
  }

  /** Loads a template file; errors name the file and the problem. */
  public static Template load(Path file) {
    String text;
    try {
      text = BoundedFiles.readString(file, BoundedFiles.SMALL);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "can't read template_file " + file + ": " + e.getMessage());
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("template_file " + file + ": " + e.getMessage());
    }
  }

  /** Parses template text. */
  public static Template parse(String text) {
    int[] pos = {0};
    List<Node> nodes = parseNodes(text, pos, null, VARIABLES, 0);
    return new Template(nodes);
  }

  private interface Node {
    void render(StringBuilder sb, Map<String, Object> scope, UnaryOperator<String> escape);
  }

  /** Sections nest at most this deep: the parser recurses once per level. */
  static final int MAX_NESTING = 16;

  private static List<Node> parseNodes(
      String t, int[] pos, String closing, Set<String> vars, int depth) {
    if (depth > MAX_NESTING) {
      throw new IllegalArgumentException(
          "sections nested more than " + MAX_NESTING + " deep at offset " + pos[0]);
    }
    List<Node> out = new ArrayList<>();
    while (pos[0] < t.length()) {
      int open = t.indexOf("{{", pos[0]);
      if (open < 0) {
        String lit = t.substring(pos[0]);
        out.add((sb, s, e) -> sb.append(lit));
        pos[0] = t.length();
        break;
      }
      if (open > pos[0]) {
        String lit = t.substring(pos[0], open);
        out.add((sb, s, e) -> sb.append(lit));
      }
      int close = t.indexOf("}}", open);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed {{ at offset " + open);
      }
      String tag = t.substring(open + 2, close).trim();
      pos[0] = close + 2;
      if (tag.startsWith("/")) {
        String name = tag.substring(1).trim();
        if (!name.equals(closing)) {
          throw new IllegalArgumentException("unexpected {{/" + name + "}}");
        }
        return out;
      }
      if (tag.startsWith("#") || tag.startsWith("^")) {
        String name = tag.substring(1).trim();
        check(name, vars);
        boolean inverted = tag.startsWith("^");
        Set<String> inner = name.equals("commits") && !inverted ? COMMIT_VARIABLES : vars;
        List<Node> body = parseNodes(t, pos, name, inner, depth + 1);
        out.add(
            (sb, s, e) -> {
              Object v = s.get(name);
              boolean empty =
                  v == null
                      || v.toString().isEmpty()
                      || v instanceof List && ((List<?>) v).isEmpty()
                      || v.equals(0);
              if (inverted) {
                if (empty) {
                  body.forEach(n -> n.render(sb, s, e));
                }
              } else if (v instanceof List) {
                for (Object item : (List<?>) v) {
                  if (item instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> itemScope = (Map<String, Object>) m;
                    body.forEach(n -> n.render(sb, itemScope, e));
                  }
                }
              } else if (!empty) {
                body.forEach(n -> n.render(sb, s, e));
              }
            });
        continue;
      }
      check(tag, vars);
      out.add(
          (sb, s, e) -> {
            Object v = s.get(tag);
            sb.append(e.apply(v == null ? "" : v.toString()));
          });
    }
    if (closing != null) {
      throw new IllegalArgumentException("missing {{/" + closing + "}}");
    }
    return out;
  }

  private static void check(String name, Set<String> vars) {
    if (!vars.contains(name)) {
      throw new IllegalArgumentException(
          "unknown variable {{" + name + "}}; available: " + new TreeSet<>(vars));
    }
  }

  /** Renders with {@code values}, escaping each inserted value with {@code escape}. */
  public String render(Map<String, Object> values, UnaryOperator<String> escape) {
    StringBuilder sb = new StringBuilder();
    nodes.forEach(n -> n.render(sb, values, escape));
    return sb.toString();
  }
}
