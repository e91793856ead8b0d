package dev.gitsync.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --verify}: which signatures a commit must carry before it is published, and the keys
 * trusted to make them.
 *
 * @param mode what is verified
 * @param sshAllowedSigners an OpenSSH {@code allowed_signers} file, if given
 * @param sshRevokedKeys an OpenSSH key revocation list or list of public keys, if given
 * @param gpgKeys a file of OpenPGP public keys (armored or binary), if given
 */
public record VerifySettings(
    Mode mode,
    Optional<Path> sshAllowedSigners,
    Optional<Path> sshRevokedKeys,
    Optional<Path> gpgKeys) {
  /** Nothing is verified (upstream's behaviour). */
  public static final VerifySettings NONE =
      new VerifySettings(Mode.NONE, Optional.empty(), Optional.empty(), Optional.empty());

  /** What {@code --verify} checks before a commit is published. */
  public enum Mode {
    /** Nothing. */
    NONE("none"),
    /** The commit to publish carries a good signature by a trusted key. */
    HEAD("head"),
    /** {@code --ref} is an annotated tag with a good signature by a trusted key. */
    TAG("tag"),
    /** Both {@link #TAG} and {@link #HEAD}. */
    TAG_AND_HEAD("tag-and-head"),
    /** Every commit since the one published, merged sides included (the first time: the head). */
    ALL("all");

    private final String flag;

    Mode(String flag) {
      this.flag = flag;
    }

    /** The value of {@code --verify}. */
    public String flag() {
      return flag;
    }

    /** Whether the commit to publish (and, for {@link #ALL}, those before it) is verified. */
    public boolean commits() {
      return this == HEAD || this == TAG_AND_HEAD || this == ALL;
    }

    /** Whether the annotated tag {@code --ref} names is verified. */
    public boolean tag() {
      return this == TAG || this == TAG_AND_HEAD;
    }

    /** The mode {@code value} names, or empty. */
    public static Optional<Mode> of(String value) {
      for (Mode m : values()) {
        if (m.flag.equals(value)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }
  }

  /** Whether anything is verified. */
  public boolean enabled() {
    return mode != Mode.NONE;
  }
}
