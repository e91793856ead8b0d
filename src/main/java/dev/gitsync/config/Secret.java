package dev.gitsync.config;

import java.util.Objects;

/**
 * A secret value (password, token, webhook URL). Its {@link #toString()} never reveals the value,
 * so a secret that ends up in a log line, an exception message or a config dump stays hidden. Code
 * that really needs the value calls {@link #reveal()}, which is easy to grep for.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value);
  }

  /** Wraps a value. */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** Returns the secret value. */
  public String reveal() {
    return value;
  }

  /** True when the value is empty. */
  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "" : "***";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret && ((Secret) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
