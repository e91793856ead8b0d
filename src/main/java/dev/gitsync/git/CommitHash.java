package dev.gitsync.git;

import java.util.regex.Pattern;

/** A full git object name: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits. */
public final class CommitHash {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private final String hex;

  private CommitHash(String hex) {
    this.hex = hex;
  }

  /**
   * Parses a full hash.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static CommitHash of(String text) {
    String t = text.trim();
    if (!HEX.matcher(t).matches()) {
      throw new IllegalArgumentException("not a full commit hash: \"" + t + "\"");
    }
    return new CommitHash(t);
  }

  /** True when {@code text} is a full lowercase hash. */
  public static boolean isHash(String text) {
    return HEX.matcher(text).matches();
  }

  /** The hex digits. */
  public String hex() {
    return hex;
  }

  @Override
  public String toString() {
    return hex;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CommitHash && ((CommitHash) o).hex.equals(hex);
  }

  @Override
  public int hashCode() {
    return hex.hashCode();
  }
}
