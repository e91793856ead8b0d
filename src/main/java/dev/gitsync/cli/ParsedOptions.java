package dev.gitsync.cli;

import dev.gitsync.config.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The raw outcome of reading the command line and environment: a typed value for every option,
 * which options were set (and how), and the problems found. {@link ConfigFactory} turns it into a
 * validated {@code Config}.
 */
public final class ParsedOptions {
  private final Map<String, Object> values = new HashMap<>();
  private final Set<String> given = new HashSet<>();
  final List<String> usageErrors = new ArrayList<>();
  final List<String> envErrors = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  final List<String> positional = new ArrayList<>();

  ParsedOptions() {
    for (OptionDef o : Options.all()) {
      values.put(o.name(), parseDefault(o));
    }
  }

  private static Object parseDefault(OptionDef o) {
    switch (o.type()) {
      case STRING_LIST:
        return o.defaultValue().isEmpty() ? List.of() : List.of(o.defaultValue());
      default:
        return Values.parse(o.type(), o.defaultValue());
    }
  }

  void set(OptionDef o, Object value) {
    values.put(o.name(), value);
    given.add(o.name());
  }

  /** Unparseable command-line input (exit code 2). */
  public List<String> usageErrors() {
    return List.copyOf(usageErrors);
  }

  /** Env vars whose values could not be parsed (exit code 1). */
  public List<String> envErrors() {
    return List.copyOf(envErrors);
  }

  /** Deprecation warnings, printed to stderr as upstream does. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** Arguments that are not flags. */
  public List<String> positional() {
    return List.copyOf(positional);
  }

  /** True when the option was given by a flag or an env var. */
  public boolean isSet(Opt<?> o) {
    return given.contains(o.name());
  }

  /**
   * An option's value, as upstream reads it: a deprecated option that overrides this one wins when
   * it holds a value ({@link Options#LEGACY}).
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Opt<T> o) {
    Object v = get(o.name());
    for (Options.Legacy<?, ?> l : Options.LEGACY) {
      // By name (unique in the table), not the records' equals: their first call bootstraps
      // java.lang.runtime.ObjectMethods, about 20 ms of method-handle spinning at every start.
      if (l.target().name().equals(o.name())) {
        Object mapped = apply(l);
        if (mapped != null) {
          v = mapped;
        }
      }
    }
    return (T) v;
  }

  @SuppressWarnings("unchecked")
  private <S, T> T apply(Options.Legacy<S, T> l) {
    return l.map().apply((S) get(l.deprecated().name()));
  }

  /** The raw value of a declared option (no legacy applied), for rendering. */
  Object raw(OptionDef o) {
    return get(o.name());
  }

  /** A string option's value. */
  String string(String name) {
    return (String) get(name);
  }

  /** A bool option's value. */
  boolean bool(String name) {
    return (Boolean) get(name);
  }

  /** An int option's value. */
  int integer(String name) {
    return (Integer) get(name);
  }

  /** A float option's value. */
  double floating(String name) {
    return (Double) get(name);
  }

  /** A duration option's value. */
  Duration duration(String name) {
    return (Duration) get(name);
  }

  /** A repeatable option's values. */
  @SuppressWarnings("unchecked")
  List<String> list(String name) {
    return (List<String>) get(name);
  }

  private Object get(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("no such option: " + name);
    }
    return values.get(name);
  }

  /** Parsing of the scalar types, shared by flags, env vars and defaults. */
  static final class Values {
    private Values() {}

    static Object parse(OptionType type, String text) {
      switch (type) {
        case BOOL:
          return parseBool(text);
        case INT:
          try {
            return Integer.parseInt(text.startsWith("+") ? text.substring(1) : text);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "strconv.ParseInt: parsing \"" + text + "\": invalid syntax");
          }
        case FLOAT:
          try {
            if (text.isBlank() || text.chars().anyMatch(Character::isWhitespace)) {
              throw new NumberFormatException();
            }
            return Double.parseDouble(text);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "strconv.ParseFloat: parsing \"" + text + "\": invalid syntax");
          }
        case DURATION:
          return GoDuration.parse(text);
        default:
          return text;
      }
    }

    static boolean parseBool(String text) {
      switch (text) {
        case "1":
        case "t":
        case "T":
        case "true":
        case "TRUE":
        case "True":
          return true;
        case "0":
        case "f":
        case "F":
        case "false":
        case "FALSE":
        case "False":
          return false;
        default:
          throw new IllegalArgumentException(
              "strconv.ParseBool: parsing \"" + text + "\": invalid syntax");
      }
    }
  }
}
