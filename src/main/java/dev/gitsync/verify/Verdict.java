package dev.gitsync.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code git verify-commit --raw} or {@code git verify-tag --raw} said of one object, read
 * from its machine-readable output: for OpenPGP, gpg's status lines ({@code [GNUPG:] GOODSIG},
 * {@code VALIDSIG}, {@code BADSIG}, {@code ERRSIG}/{@code NO_PUBKEY}, {@code EXPSIG}, {@code
 * EXPKEYSIG}, {@code REVKEYSIG}; gpg percent-escapes what a signature may carry, so a line cannot
 * be forged from inside one); for SSH, the result lines git itself parses from ssh-keygen ({@code
 * Good "git" signature for PRINCIPAL with TYPE key FINGERPRINT}, or {@code … with TYPE key
 * FINGERPRINT} alone when no principal matched).
 *
 * <p>Good means git exited 0 <em>and</em> the output says good with a trusted key: anything
 * unrecognised is refused (fail closed). The keyring holds only the operator's keys, so an OpenPGP
 * signature is trusted when gpg could check it at all.
 *
 * @param result the outcome, also the {@code git_sync_verify_total} label
 * @param signer the key's fingerprint and, when known, its user id or principal; empty if unsigned
 * @param reason why it was refused, for people; empty when good
 */
public record Verdict(Result result, String signer, String reason) {
  /** The outcomes. */
  public enum Result {
    GOOD("good"),
    UNSIGNED("unsigned"),
    BAD("bad"),
    UNTRUSTED("untrusted"),
    EXPIRED("expired"),
    REVOKED("revoked"),
    OUTSIDE_VALIDITY("outside_validity"),
    NOT_SIGNED_TAG("not_signed_tag"),
    ERROR("error");

    private final String label;

    Result(String label) {
      this.label = label;
    }

    /** The metric label. */
    public String label() {
      return label;
    }
  }

  private static final String STATUS = "[GNUPG:] ";
  private static final String SSH_GOOD_FOR = "Good \"git\" signature for ";
  private static final String SSH_GOOD_WITH = "Good \"git\" signature with ";
  private static final int MAX_FIELD = 200;

  /** Whether the object may be published. */
  public boolean good() {
    return result == Result.GOOD;
  }

  /**
   * Reads git's answer.
   *
   * @param exitCode git's exit status
   * @param output what git wrote (stdout and stderr)
   * @param allowed the allowed signers, to explain an SSH key that matched no principal
   */
  public static Verdict parse(int exitCode, String output, Optional<AllowedSigners> allowed) {
    List<String[]> status = new ArrayList<>();
    List<String> other = new ArrayList<>();
    for (String line : output.split("\n", -1)) {
      String l = line.strip();
      if (l.startsWith(STATUS)) {
        status.add(l.substring(STATUS.length()).split(" ", -1));
      } else if (!l.isEmpty()) {
        other.add(l);
      }
    }
    if (!status.isEmpty()) {
      return openPgp(exitCode, status);
    }
    for (String l : other) {
      if (l.startsWith(SSH_GOOD_FOR) || l.startsWith(SSH_GOOD_WITH)) {
        return ssh(exitCode, l, allowed);
      }
    }
    for (String l : other) {
      if (l.contains("Signature verification failed") || l.contains("incorrect signature")) {
        return new Verdict(Result.BAD, "", "the SSH signature does not match the content");
      }
    }
    if (other.isEmpty() && exitCode != 0) {
      return new Verdict(Result.UNSIGNED, "", "unsigned");
    }
    String first = other.isEmpty() ? "exit status " + exitCode : clip(other.get(0));
    return new Verdict(Result.ERROR, "", "the signature could not be checked: " + first);
  }

  private static Verdict openPgp(int exitCode, List<String[]> status) {
    int signatures = 0;
    String[] good = null;
    String fingerprint = "";
    Verdict refused = null;
    for (String[] s : status) {
      String arg1 = s.length > 1 ? s[1] : "";
      switch (s[0]) {
        case "NEWSIG":
          signatures++;
          break;
        case "GOODSIG":
          good = s;
          break;
        case "VALIDSIG":
          // The primary key's fingerprint is the last field (the signing key's the first).
          fingerprint = s.length >= 11 ? s[10] : arg1;
          break;
        case "BADSIG":
          refused = first(refused, Result.BAD, who(s), "the signature does not match the content");
          break;
        case "EXPSIG":
          refused = first(refused, Result.EXPIRED, who(s), "the signature has expired");
          break;
        case "EXPKEYSIG":
          refused = first(refused, Result.EXPIRED, who(s), "signed by an expired key");
          break;
        case "REVKEYSIG":
          refused = first(refused, Result.REVOKED, who(s), "signed by a revoked key");
          break;
        case "NO_PUBKEY":
          refused =
              first(
                  refused,
                  Result.UNTRUSTED,
                  clip(arg1),
                  "signed by a key not in --verify-gpg-keys");
          break;
        case "ERRSIG":
          // ERRSIG keyid algo hash class time rc [fingerprint]: NO_PUBKEY follows when the key is
          // unknown; any other rc is a signature gpg could not check.
          String key = s.length >= 8 && !s[7].isEmpty() ? s[7] : arg1;
          String rc = s.length >= 7 ? s[6] : "";
          if (!rc.equals("9")) {
            refused =
                first(
                    refused,
                    Result.BAD,
                    clip(key),
                    "gpg could not check the signature (rc " + clip(rc) + ")");
          } else {
            refused =
                first(
                    refused,
                    Result.UNTRUSTED,
                    clip(key),
                    "signed by a key not in --verify-gpg-keys");
          }
          break;
        default:
          break;
      }
    }
    if (signatures > 1) {
      return new Verdict(Result.BAD, "", "more than one signature: refused");
    }
    if (refused != null) {
      return refused;
    }
    if (good != null && !fingerprint.isEmpty() && exitCode == 0) {
      return new Verdict(Result.GOOD, clip(fingerprint) + " " + who(good), "");
    }
    return new Verdict(
        Result.ERROR, "", "gpg did not report a good signature (exit status " + exitCode + ")");
  }

  private static Verdict first(Verdict seen, Result r, String signer, String reason) {
    return seen != null ? seen : new Verdict(r, signer, reason);
  }

  /** "KEYID UID" of a GOODSIG/BADSIG/EXP*SIG line, cut. */
  private static String who(String[] s) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i < s.length; i++) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(s[i]);
    }
    return clip(b.toString());
  }

  private static Verdict ssh(int exitCode, String l, Optional<AllowedSigners> allowed) {
    int key = l.lastIndexOf(" key ");
    String fingerprint = key < 0 ? "" : clip(l.substring(key + 5).strip());
    if (l.startsWith(SSH_GOOD_FOR)) {
      int with = l.lastIndexOf(" with ");
      String principal =
          with > SSH_GOOD_FOR.length() ? l.substring(SSH_GOOD_FOR.length(), with) : "";
      if (exitCode == 0 && !fingerprint.isEmpty()) {
        return new Verdict(Result.GOOD, fingerprint + " (" + clip(principal) + ")", "");
      }
      return new Verdict(
          Result.ERROR,
          fingerprint,
          "git did not accept the SSH signature (exit status " + exitCode + ")");
    }
    Optional<AllowedSigners.Entry> listed = allowed.flatMap(a -> a.byFingerprint(fingerprint));
    if (listed.isPresent() && listed.get().validityWindow()) {
      return new Verdict(
          Result.OUTSIDE_VALIDITY,
          fingerprint + " (" + clip(listed.get().principals()) + ")",
          "the key is outside the valid-after/valid-before of its allowed_signers line "
              + listed.get().line()
              + " at the commit's date");
    }
    if (listed.isPresent()) {
      return new Verdict(
          Result.UNTRUSTED,
          fingerprint + " (" + clip(listed.get().principals()) + ")",
          "the key's allowed_signers line " + listed.get().line() + " does not accept it here");
    }
    return new Verdict(
        Result.UNTRUSTED, fingerprint, "signed by a key not in --verify-ssh-allowed-signers");
  }

  /** At most {@link #MAX_FIELD} characters, control characters replaced. */
  static String clip(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < MAX_FIELD; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return s.length() > MAX_FIELD ? b + "…" : b.toString();
  }
}
