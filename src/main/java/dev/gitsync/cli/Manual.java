package dev.gitsync.cli;

import dev.gitsync.cli.OptionDef.Visibility;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@code --help}, {@code --man} and {@code docs/flags.md} from the option table, so the
 * three cannot drift from each other or from what the parser accepts.
 */
public final class Manual {
  private static final int WIDTH = 100;

  private Manual() {}

  /** The short usage text for {@code --help}. */
  public static String help() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: git-sync [FLAGS...]\n\n");
    sb.append("git-sync syncs one git repository ref into --root and publishes it at --link.\n");
    sb.append("Every flag can also be set by its env var (see --man).\n\n");
    List<String[]> rows = new ArrayList<>();
    int w = 0;
    for (OptionDef o : Options.all()) {
      if (o.visibility() != Visibility.NORMAL) {
        continue;
      }
      String left =
          (o.shorthand() != 0 ? "-" + o.shorthand() + ", " : "    ")
              + o.flag()
              + (o.type() == OptionType.BOOL ? "" : " " + o.type().label());
      w = Math.max(w, left.length());
      String def = o.defaultValue();
      boolean showDefault =
          !def.isEmpty() && !def.equals("false") && !(def.equals("0") || def.equals("0s"));
      rows.add(
          new String[] {
            left, o.help() + (showDefault ? " (default " + quoteDefault(o) + ")" : "")
          });
    }
    for (String[] r : rows) {
      sb.append("  ").append(pad(r[0], w)).append("   ").append(r[1]).append('\n');
    }
    sb.append("\nRun 'git-sync --man' for the full manual.\n");
    return sb.toString();
  }

  /** The full manual for {@code --man}. */
  public static String man() {
    StringBuilder sb = new StringBuilder();
    sb.append("GIT-SYNC\n\nNAME\n    git-sync - sync a remote git repository\n\n");
    sb.append("SYNOPSIS\n    git-sync --repo=<repo> --root=<path> [OPTIONS]...\n\n");
    sb.append("DESCRIPTION\n");
    wrap(
        sb,
        "    ",
        "Fetch a remote git repository to a local directory, poll the remote for changes, and"
            + " update the local copy. This is a drop-in replacement for kubernetes/git-sync v4,"
            + " written in Java. It takes the same flags and env vars, keeps the same on-disk"
            + " layout and writes the same log lines.");
    sb.append('\n');
    wrap(
        sb,
        "    ",
        "Every flag can be configured by an env var. The current name is GITSYNC_ followed by"
            + " the flag in capitals with '-' as '_'; legacy names are listed with each option."
            + " A flag on the command line beats its env var. When a legacy env var and the"
            + " current one are both set, the legacy one wins, as in upstream v4.4+. A deprecated"
            + " flag beats its replacement.");
    sb.append("\nOPTIONS\n");
    for (OptionDef o : Options.all()) {
      if (o.visibility() == Visibility.NORMAL || o.visibility() == Visibility.HIDDEN) {
        option(sb, o);
      }
    }
    sb.append("\nDEPRECATED OPTIONS (v3)\n");
    for (OptionDef o : Options.all()) {
      if (o.visibility() == Visibility.DEPRECATED) {
        option(sb, o);
      }
    }
    sb.append("\nEXIT CODES\n");
    wrap(sb, "    ", "0: --help, --man, --version; --one-time after a successful sync.");
    wrap(
        sb,
        "    ",
        "1: a configuration or startup error; too many consecutive sync failures;"
            + " --one-time after a failed sync.");
    wrap(sb, "    ", "2: the command line could not be parsed (unknown flag or bad value).");
    wrap(
        sb,
        "    ",
        "130 or 143: stopped by SIGINT or SIGTERM; the running git process is"
            + " stopped first and no lock files are left. 0 when stopped while idle after a"
            + " commit-hash --ref has synced.");
    sb.append("\nCONTRACT\n");
    wrap(
        sb,
        "    ",
        "git-sync guarantees that --link is a symlink whose target's basename is the hash of"
            + " the synced commit, and that the target is a complete checkout of that commit."
            + " The link is replaced atomically. The target is a relative path, so the volume can"
            + " be mounted elsewhere. The directory --root holds git-sync's own repository and"
            + " worktrees (.worktrees/<hash>); it is not the data. Old worktrees are removed"
            + " after --stale-worktree-timeout, so consumers must re-resolve the link rather than"
            + " hold a path into it.");
    sb.append("\nEXAMPLE USAGE\n");
    sb.append("    git-sync \\\n        --repo=https://github.com/kubernetes/git-sync \\\n");
    sb.append("        --ref=main \\\n        --root=/mnt/git \\\n        --period=10s\n");
    return sb.toString();
  }

  /** The options as a Markdown table, for {@code docs/flags.md}. */
  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# git-sync flags\n\n");
    sb.append("Generated from the option table (`Options.java`); a test keeps it in sync.\n\n");
    sb.append("| Flag | Env vars | Type | Default | Description |\n");
    sb.append("|---|---|---|---|---|\n");
    for (OptionDef o : Options.all()) {
      String flag = o.hasFlag() ? "`" + o.flag() + "`" : "(env only)";
      if (o.shorthand() != 0) {
        flag = "`-" + o.shorthand() + "`, " + flag;
      }
      List<String> envs = new ArrayList<>();
      for (String e : o.envs()) {
        envs.add("`" + e + "`");
      }
      String desc = o.manual().replace("|", "\\|");
      if (o.visibility() == Visibility.DEPRECATED) {
        desc = "**Deprecated.** " + desc;
      }
      sb.append("| ")
          .append(flag)
          .append(" | ")
          .append(String.join(" ", envs))
          .append(" | ")
          .append(o.type() == OptionType.STRING_LIST ? "string (repeatable)" : o.type().label())
          .append(" | ")
          .append(o.defaultValue().isEmpty() ? "" : "`" + o.defaultValue() + "`")
          .append(" | ")
          .append(desc.replace("\n", " "))
          .append(" |\n");
    }
    return sb.toString();
  }

  private static void option(StringBuilder sb, OptionDef o) {
    List<String> names = new ArrayList<>();
    if (o.shorthand() != 0) {
      names.add("-" + o.shorthand());
    }
    if (o.hasFlag()) {
      names.add(o.flag());
    }
    for (String e : o.envs()) {
      names.add("$" + e);
    }
    String head = String.join(", ", names);
    sb.append("\n    ").append(head).append('\n');
    String text = o.manual();
    if (!o.defaultValue().isEmpty() && o.visibility() != Visibility.DEPRECATED) {
      text += " [type: " + o.type().label() + ", default: " + quoteDefault(o) + "]";
    }
    if (o.secret()) {
      text += " The value is a secret and is never logged.";
    }
    wrap(sb, "            ", text);
  }

  private static String quoteDefault(OptionDef o) {
    return o.type() == OptionType.STRING || o.type() == OptionType.STRING_LIST
        ? "\"" + o.defaultValue() + "\""
        : o.defaultValue();
  }

  private static void wrap(StringBuilder sb, String indent, String text) {
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.split(" ")) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
        sb.append(line).append('\n');
        line = new StringBuilder(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    sb.append(line).append('\n');
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(Math.max(0, w - s.length()));
  }
}
