package dev.gitsync.cli;

/**
 * A typed handle on one declared option: {@code p.get(Options.PERIOD)} is a {@code Duration}, so no
 * consumer looks an option up by a string or casts its value.
 *
 * @param <T> the Java type of the option's value
 * @param def the option's declaration
 */
public record Opt<T>(OptionDef def) {
  /** The long name, without dashes. */
  public String name() {
    return def.name();
  }
}
