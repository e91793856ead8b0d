package dev.gitsync.cli;

import dev.gitsync.config.GitConfigEntry;
import dev.gitsync.log.Redactor;
import java.util.ArrayList;
import java.util.List;

/**
 * The flag list for the "starting up" log line: the options that were set (or all of them at {@code
 * -v 4} and above), as upstream logs them, with secret values and URL credentials hidden.
 */
public final class StartupFlags {
  private StartupFlags() {}

  /**
   * {@code --git-config} values often carry credentials ({@code http.extraHeader: Authorization:
   * Bearer …}), so only the keys are shown.
   */
  private static String gitConfigKeys(OptionDef o, ParsedOptions p) {
    List<String> specs =
        o.type() == OptionType.STRING_LIST ? p.list(o.name()) : List.of(p.string(o.name()));
    List<String> keys = new ArrayList<>();
    for (String spec : specs) {
      try {
        for (GitConfigEntry e : GitConfigEntry.parse(spec, false)) {
          keys.add(e.key() + ":<redacted>");
        }
      } catch (IllegalArgumentException e) {
        keys.add("<redacted>");
      }
    }
    return String.join(",", keys);
  }

  /** The flags for the "starting up" line (all of them with {@code all}). */
  public static List<String> describe(ParsedOptions p, boolean all) {
    List<String> out = new ArrayList<>();
    for (OptionDef o : Options.all()) {
      if (!o.hasFlag() && !p.isSet(new Opt<>(o))) {
        continue;
      }
      if (!all && !p.isSet(new Opt<>(o))) {
        continue;
      }
      String value;
      switch (o.type()) {
        case STRING_LIST:
          value = String.join(",", p.list(o.name()));
          break;
        case DURATION:
          value = dev.gitsync.config.GoDuration.format(p.duration(o.name()));
          break;
        case BOOL:
          value = String.valueOf(p.bool(o.name()));
          break;
        case INT:
          value = String.valueOf(p.integer(o.name()));
          break;
        case FLOAT:
          value = String.valueOf(p.floating(o.name()));
          break;
        default:
          value = p.string(o.name());
      }
      if (o.secret() && !value.isEmpty()) {
        value = "<redacted>";
      } else if (o.name().startsWith("git-config") && !value.isEmpty()) {
        value = gitConfigKeys(o, p);
      }
      out.add((o.hasFlag() ? o.flag() : "$" + o.primaryEnv()) + "=" + Redactor.redactUrls(value));
    }
    return List.copyOf(out);
  }
}
