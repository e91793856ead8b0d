package dev.gitsync.cli;

/** The value types options take, parsed as Go's pflag and strconv parse them. */
public enum OptionType {
  /** Free text. */
  STRING("string"),
  /** {@code true}/{@code false} and Go's other spellings; a bare flag means true. */
  BOOL("bool"),
  /** A base-10 integer. */
  INT("int"),
  /** A floating-point number. */
  FLOAT("float"),
  /** A Go duration such as {@code 10s} or {@code 1m30s}. */
  DURATION("duration"),
  /** Repeatable text; each use adds one value. */
  STRING_LIST("string");

  private final String label;

  OptionType(String label) {
    this.label = label;
  }

  /** The type's name as shown in help. */
  public String label() {
    return label;
  }
}
