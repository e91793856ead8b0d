package dev.gitsync.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads flags and env vars the way upstream's pflag and env.go do. Env vars set an option's default
 * (a legacy name beats the current one, as in v4.4+), flags override env vars, and each legacy env
 * var or deprecated flag prints a deprecation warning. Flags take the forms {@code --name=value},
 * {@code --name value}, a bare {@code --bool}, {@code -v 5}, {@code -v5}, and {@code -h}/{@code
 * -?}; single-dash long flags ({@code -repo}) are errors, as in v4.
 */
public final class ArgParser {
  private ArgParser() {}

  /** Parses the command line and the environment. Problems are collected, never thrown. */
  public static ParsedOptions parse(List<String> args, Map<String, String> env) {
    ParsedOptions p = new ParsedOptions();
    readEnv(p, env);
    readArgs(p, args);
    return p;
  }

  private static void readEnv(ParsedOptions p, Map<String, String> env) {
    for (OptionDef o : Options.all()) {
      for (int i = 0; i < o.envs().size(); i++) {
        String name = o.envs().get(i);
        String raw = env.get(name);
        if (raw == null) {
          continue;
        }
        if (i > 0) {
          p.warnings.add(
              "env $" + name + " has been deprecated, use $" + o.primaryEnv() + " instead");
        }
        try {
          p.set(o, envValue(o, raw));
        } catch (IllegalArgumentException e) {
          p.envErrors.add(
              "FATAL: invalid "
                  + o.type().label()
                  + " env "
                  + name
                  + "=\""
                  + raw
                  + "\": "
                  + e.getMessage());
        }
      }
    }
  }

  private static Object envValue(OptionDef o, String raw) {
    if (o.type() != OptionType.STRING_LIST) {
      return ParsedOptions.Values.parse(o.type(), raw);
    }
    if (o.name().equals("ssh-key-file")) {
      List<String> parts = new ArrayList<>();
      for (String s : raw.split(":")) {
        if (!s.isEmpty()) {
          parts.add(s);
        }
      }
      return List.copyOf(parts);
    }
    if (o.name().equals("notify")) {
      List<String> parts = new ArrayList<>();
      for (String s : raw.split("\\s+")) {
        if (!s.isEmpty()) {
          parts.add(s);
        }
      }
      return List.copyOf(parts);
    }
    return List.of(raw);
  }

  private static void readArgs(ParsedOptions p, List<String> args) {
    List<String> listsSeen = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--")) {
        p.positional.addAll(args.subList(i + 1, args.size()));
        return;
      }
      if (a.startsWith("--")) {
        i = longFlag(p, args, i, listsSeen);
      } else if (a.startsWith("-") && a.length() > 1) {
        i = shortFlags(p, args, i, listsSeen);
      } else {
        p.positional.add(a);
      }
    }
  }

  private static int longFlag(ParsedOptions p, List<String> args, int i, List<String> listsSeen) {
    String body = args.get(i).substring(2);
    int eq = body.indexOf('=');
    String name = eq < 0 ? body : body.substring(0, eq);
    OptionDef o = Options.byName(name);
    if (o == null) {
      String hint = Suggest.nearestFlag(name);
      p.usageErrors.add(
          "unknown flag: --" + name + (hint == null ? "" : " (did you mean " + hint + "?)"));
      return i;
    }
    String value;
    if (eq >= 0) {
      value = body.substring(eq + 1);
    } else if (o.type() == OptionType.BOOL) {
      value = "true";
    } else if (i + 1 < args.size()) {
      value = args.get(++i);
    } else {
      p.usageErrors.add("flag needs an argument: --" + name);
      return i;
    }
    apply(p, o, "--" + name, value, listsSeen);
    return i;
  }

  private static int shortFlags(ParsedOptions p, List<String> args, int i, List<String> listsSeen) {
    String a = args.get(i);
    char c = a.charAt(1);
    if (c == '?') {
      c = 'h';
    }
    OptionDef o = Options.byShorthand(c);
    if (o == null) {
      p.usageErrors.add(
          "unknown shorthand flag: '" + a.charAt(1) + "' in " + a + singleDashHint(a));
      return i;
    }
    String rest = a.substring(2);
    if (rest.startsWith("=")) {
      rest = rest.substring(1);
    }
    String value;
    if (o.type() == OptionType.BOOL) {
      if (!rest.isEmpty() && !a.startsWith("-" + a.charAt(1) + "=")) {
        p.usageErrors.add(
            "unknown shorthand flag: '" + rest.charAt(0) + "' in " + a + singleDashHint(a));
        return i;
      }
      value = rest.isEmpty() ? "true" : rest;
    } else if (!rest.isEmpty()) {
      value = rest;
    } else if (i + 1 < args.size()) {
      value = args.get(++i);
    } else {
      p.usageErrors.add("flag needs an argument: 'v' in -v");
      return i;
    }
    apply(p, o, "-" + c, value, listsSeen);
    return i;
  }

  private static String singleDashHint(String a) {
    String name = a.substring(1).split("=", 2)[0];
    return Options.byName(name) != null ? " (long flags take two dashes: --" + name + ")" : "";
  }

  private static void apply(
      ParsedOptions p, OptionDef o, String spelled, String value, List<String> listsSeen) {
    Object parsed;
    try {
      if (o.type() == OptionType.STRING_LIST) {
        List<String> l = new ArrayList<>();
        if (listsSeen.contains(o.name())) {
          l.addAll(p.list(o.name()));
        } else {
          listsSeen.add(o.name());
        }
        l.add(value);
        parsed = List.copyOf(l);
      } else {
        parsed = ParsedOptions.Values.parse(o.type(), value);
      }
    } catch (IllegalArgumentException e) {
      p.usageErrors.add(
          "invalid argument \""
              + (o.secret() ? "***" : value)
              + "\" for \""
              + spelled
              + "\" flag: "
              + (o.secret() ? "invalid syntax" : e.getMessage()));
      return;
    }
    if (o.visibility() == OptionDef.Visibility.DEPRECATED) {
      p.warnings.add(
          "Flag --" + o.name() + " has been deprecated, use " + o.replacement() + " instead");
    }
    p.set(o, parsed);
  }
}
