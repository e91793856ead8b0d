package dev.gitsync.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in Go's syntax ({@code 10s}, {@code 1m30s}, {@code 250ms}, {@code 1.5h}), the only
 * syntax upstream git-sync accepts for its duration flags. Parsing and formatting follow Go's
 * {@code time.ParseDuration} and {@code time.Duration.String}, so defaults print the same way in
 * {@code --help}.
 */
public final class GoDuration {
  private static final Pattern PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");
  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "µs", 1_000L,
          "μs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  private GoDuration() {}

  /**
   * Parses a Go duration.
   *
   * @throws IllegalArgumentException naming the bad input, worded like Go's error
   */
  public static Duration parse(String text) {
    String s = text.trim();
    boolean negative = false;
    if (s.startsWith("-") || s.startsWith("+")) {
      negative = s.startsWith("-");
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at || m.group(1).isEmpty() || m.group(1).equals(".")) {
        throw new IllegalArgumentException(why(s, at, text));
      }
      nanos =
          nanos.add(
              new BigDecimal(m.group(1))
                  .multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(m.group(2)))));
      at = m.end();
    }
    if (nanos.compareTo(MAX_NANOS) > 0) {
      // Go's ParseDuration refuses what does not fit in an int64 of nanoseconds too.
      throw new IllegalArgumentException(
          "time: invalid duration \"" + text + "\" (out of range: at most 2562047h)");
    }
    long n = nanos.longValue();
    return Duration.ofNanos(negative ? -n : n);
  }

  /** Go's words for what is wrong at {@code at}: a missing unit, an unknown one, or neither. */
  private static String why(String s, int at, String text) {
    int i = at;
    int dots = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      dots += s.charAt(i) == '.' ? 1 : 0;
      i++;
    }
    if (dots > 1 || i == at + dots) {
      return "time: invalid duration \"" + text + "\"";
    }
    if (i > at && i == s.length()) {
      return "time: missing unit in duration \"" + text + "\"";
    }
    int u = i;
    while (u < s.length() && s.charAt(u) != '.' && !Character.isDigit(s.charAt(u))) {
      u++;
    }
    if (i > at && u > i) {
      return "time: unknown unit \"" + s.substring(i, u) + "\" in duration \"" + text + "\"";
    }
    return "time: invalid duration \"" + text + "\"";
  }

  /** Formats like Go's {@code Duration.String()}: {@code 10s}, {@code 2m0s}, {@code 250ms}. */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (n < 0) {
      sb.append('-');
      n = -n;
    }
    if (n < 1_000_000_000L) {
      if (n < 1_000L) {
        return sb.append(n).append("ns").toString();
      }
      if (n < 1_000_000L) {
        return sb.append(fraction(n, 1_000L)).append("µs").toString();
      }
      return sb.append(fraction(n, 1_000_000L)).append("ms").toString();
    }
    long hours = n / 3_600_000_000_000L;
    n %= 3_600_000_000_000L;
    long minutes = n / 60_000_000_000L;
    n %= 60_000_000_000L;
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    return sb.append(fraction(n, 1_000_000_000L)).append('s').toString();
  }

  private static String fraction(long n, long unit) {
    BigDecimal v = BigDecimal.valueOf(n).divide(BigDecimal.valueOf(unit));
    return v.stripTrailingZeros().toPlainString();
  }
}
