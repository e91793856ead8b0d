package dev.gitsync.git;

import dev.gitsync.config.GitConfigEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The private global git config (upstream's {@code GIT_CONFIG_GLOBAL} temp file), written directly
 * rather than through one {@code git config} process per key, which keeps start-up fast. Entries
 * follow {@code git config} semantics: a plain entry replaces earlier values of the same key, an
 * {@code add} entry appends one. Keys are validated as git validates them.
 */
public final class GitConfigFile {
  private static final Pattern SECTION = Pattern.compile("[A-Za-z0-9.-]+");
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]*");

  private final List<GitConfigEntry> entries = new ArrayList<>();

  /**
   * Adds one entry.
   *
   * @throws IllegalArgumentException when the key is not a valid git config key
   */
  public void apply(GitConfigEntry e) {
    Key k = Key.parse(e.key());
    if (!e.add()) {
      entries.removeIf(x -> Key.parse(x.key()).equals(k));
    }
    entries.add(e);
  }

  /** The file's text. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    for (GitConfigEntry e : entries) {
      Key k = Key.parse(e.key());
      sb.append('[').append(k.section);
      if (k.subsection != null) {
        sb.append(" \"")
            .append(k.subsection.replace("\\", "\\\\").replace("\"", "\\\""))
            .append('"');
      }
      sb.append("]\n\t").append(k.name).append(" = ").append(quote(e.value())).append('\n');
    }
    return sb.toString();
  }

  /** Writes the file, readable only by this user. */
  public void write(Path path) throws IOException {
    Files.writeString(path, render(), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
  }

  private static String quote(String v) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : v.toCharArray()) {
      switch (c) {
        case '\\':
          sb.append("\\\\");
          break;
        case '"':
          sb.append("\\\"");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** A key split as git splits it: section, optional subsection (case kept), name. */
  private static final class Key {
    final String section;
    final String subsection;
    final String name;

    private Key(String section, String subsection, String name) {
      this.section = section;
      this.subsection = subsection;
      this.name = name;
    }

    static Key parse(String key) {
      int first = key.indexOf('.');
      int last = key.lastIndexOf('.');
      if (first <= 0 || last == key.length() - 1) {
        throw new IllegalArgumentException(
            "invalid git config key \""
                + key
                + "\": it needs a"
                + " section and a name, like core.askPass");
      }
      String section = key.substring(0, first);
      String name = key.substring(last + 1);
      String sub = first == last ? null : key.substring(first + 1, last);
      if (!SECTION.matcher(section).matches()
          || !NAME.matcher(name).matches()
          || sub != null && (sub.indexOf('\n') >= 0 || sub.indexOf('\0') >= 0)) {
        throw new IllegalArgumentException("invalid git config key \"" + key + "\"");
      }
      return new Key(section.toLowerCase(Locale.ROOT), sub, name.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return k.section.equals(section)
          && java.util.Objects.equals(k.subsection, subsection)
          && k.name.equals(name);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(section, subsection, name);
    }
  }
}
