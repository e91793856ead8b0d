package dev.gitsync.config;

import java.util.List;
import java.util.Locale;

/**
 * A POSIX signal given to {@code --sync-on-signal}, by name ({@code SIGHUP}, {@code HUP}) or by
 * number ({@code 1}), using Linux's numbering.
 *
 * @param name the name without the {@code SIG} prefix, e.g. {@code HUP}
 * @param number the Linux signal number
 */
public record SyncSignal(String name, int number) {
  private static final List<String> LINUX =
      List.of(
          "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
          "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
          "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

  /**
   * Parses a signal name or number.
   *
   * @throws IllegalArgumentException when it names no signal
   */
  public static SyncSignal parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.startsWith("SIG")) {
      t = t.substring(3);
    }
    if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
      int n = Integer.parseInt(t);
      if (n >= 1 && n < LINUX.size()) {
        return new SyncSignal(LINUX.get(n), n);
      }
    } else {
      int n = LINUX.indexOf(t);
      if (n >= 1) {
        return new SyncSignal(t, n);
      }
    }
    throw new IllegalArgumentException("not a signal: " + text);
  }
}
