package dev.gitsync.cli;

import java.util.List;

/**
 * One command-line option, declared once: its flag, env vars (the current name first, then legacy
 * names), type, default, help text, manual text, and whether it holds a secret. {@code --help},
 * {@code --man} and {@code docs/flags.md} are all rendered from these declarations.
 *
 * @param name the long flag name without dashes
 * @param shorthand the one-letter flag, or {@code 0} for none
 * @param type how the value is parsed
 * @param defaultValue the default as a user would write it ({@code ""} for none)
 * @param envs env vars that set it: the current {@code GITSYNC_*} name first, then legacy names
 * @param help the one-line summary for {@code --help}
 * @param manual the longer text for {@code --man}
 * @param secret the value must never be logged
 * @param visibility whether the flag is listed, deprecated or hidden
 * @param replacement for a deprecated option, what to use instead
 */
public record OptionDef(
    String name,
    char shorthand,
    OptionType type,
    String defaultValue,
    List<String> envs,
    String help,
    String manual,
    boolean secret,
    Visibility visibility,
    String replacement) {

  /** Whether an option is shown in help output. */
  public enum Visibility {
    /** Listed in help and the manual. */
    NORMAL,
    /** Accepted with a warning; listed in the manual's deprecated section. */
    DEPRECATED,
    /** Accepted but not listed (upstream's test-only flags). */
    HIDDEN
  }

  /** True when the option's value is given by a flag (not only by env). */
  public boolean hasFlag() {
    return !name.startsWith("__env__");
  }

  /** The current env var name, or {@code null} when the option has none. */
  public String primaryEnv() {
    return envs.isEmpty() ? null : envs.get(0);
  }

  /** The flag as a user types it, e.g. {@code --repo}. */
  public String flag() {
    return "--" + name;
  }
}
