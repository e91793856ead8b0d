package dev.gitsync.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * An OpenSSH {@code allowed_signers} file, as ssh-keygen(1) describes it under ALLOWED SIGNERS: per
 * line, principals (comma-separated patterns, optionally in double quotes), optional options
 * ({@code cert-authority}, {@code namespaces="…"}, {@code valid-after="…"}, {@code
 * valid-before="…"}, comma-separated, values quoted), a key type and a base64 key; {@code #}
 * comments and blank lines are ignored.
 *
 * <p>git and ssh-keygen do the verifying; this parser exists to refuse a malformed file at startup
 * with the line that is wrong, to say how many keys are trusted, and to tell "this key is listed
 * but outside its valid-after/valid-before window" from "this key is not listed" when ssh-keygen
 * found no principal. It is linear in the file: one pass over each line, no regex.
 */
public final class AllowedSigners {
  /**
   * One entry.
   *
   * @param line its line number
   * @param principals the principals field as written
   * @param certAuthority whether the key is a CA for certificates
   * @param validityWindow whether {@code valid-after} or {@code valid-before} is set
   * @param validBefore when the key stops being valid, if set
   * @param keyType the key type
   * @param fingerprint {@code SHA256:} and the unpadded base64 SHA-256 of the key blob
   */
  public record Entry(
      int line,
      String principals,
      boolean certAuthority,
      boolean validityWindow,
      Optional<java.time.Instant> validBefore,
      String keyType,
      String fingerprint) {}

  private final List<Entry> entries;

  private AllowedSigners(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** The entries, in file order. */
  public List<Entry> entries() {
    return entries;
  }

  /** The first entry for the key with {@code fingerprint}, if listed. */
  public Optional<Entry> byFingerprint(String fingerprint) {
    return entries.stream().filter(e -> e.fingerprint().equals(fingerprint)).findFirst();
  }

  /**
   * Whether every entry of the key with {@code fingerprint} has a {@code valid-before} that has
   * passed at {@code now} (false when the key is not listed, as for a certificate's key).
   */
  public boolean retired(String fingerprint, java.time.Instant now) {
    List<Entry> mine = entries.stream().filter(e -> e.fingerprint().equals(fingerprint)).toList();
    return !mine.isEmpty()
        && mine.stream().allMatch(e -> e.validBefore().map(now::isAfter).orElse(false));
  }

  /**
   * Parses a file's text.
   *
   * @throws IllegalArgumentException naming the first malformed line and what is wrong with it
   */
  public static AllowedSigners parse(String text) {
    List<Entry> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      try {
        out.add(entry(i + 1, l));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new AllowedSigners(out);
  }

  private static Entry entry(int n, String l) {
    List<String> fields = fields(l);
    if (fields.size() < 3) {
      throw new IllegalArgumentException(
          "expected principals, optional options, a key type and a key");
    }
    String principals = unquote(fields.get(0));
    if (principals.isEmpty()) {
      throw new IllegalArgumentException("no principals");
    }
    int k = 1;
    boolean ca = false;
    boolean window = false;
    Optional<java.time.Instant> before = Optional.empty();
    if (!isKeyType(fields.get(1))) {
      for (String opt : options(fields.get(1))) {
        String name = opt.contains("=") ? opt.substring(0, opt.indexOf('=')) : opt;
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
          case "cert-authority":
            ca = true;
            break;
          case "valid-after":
            window = true;
            time(value(opt));
            break;
          case "valid-before":
            window = true;
            before = Optional.of(time(value(opt)));
            break;
          case "namespaces":
            break;
          default:
            throw new IllegalArgumentException("unknown option \"" + cut(name) + "\"");
        }
      }
      k = 2;
    }
    if (fields.size() < k + 2 || !isKeyType(fields.get(k))) {
      throw new IllegalArgumentException("expected a key type such as ssh-ed25519");
    }
    String type = fields.get(k);
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(fields.get(k + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key is not base64", e);
    }
    String inner = blobType(blob);
    if (!inner.equals(type)) {
      throw new IllegalArgumentException(
          "the key is of type \"" + cut(inner) + "\", not " + cut(type));
    }
    return new Entry(n, principals, ca, window, before, type, fingerprint(blob));
  }

  /** Whitespace-separated fields; a double-quoted stretch keeps its spaces. */
  private static List<String> fields(String l) {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < l.length(); i++) {
      char c = l.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        f.append(c);
      } else if (!quoted && (c == ' ' || c == '\t')) {
        if (f.length() > 0) {
          out.add(f.toString());
          f.setLength(0);
        }
      } else {
        f.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("a quote is not closed");
    }
    if (f.length() > 0) {
      out.add(f.toString());
    }
    return out;
  }

  /** Comma-separated options; commas inside quotes belong to the value. */
  private static List<String> options(String field) {
    List<String> out = new ArrayList<>();
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i <= field.length(); i++) {
      if (i == field.length() || field.charAt(i) == ',' && !quoted) {
        out.add(field.substring(start, i));
        start = i + 1;
      } else if (field.charAt(i) == '"') {
        quoted = !quoted;
      }
    }
    return out;
  }

  private static String value(String opt) {
    return unquote(opt.substring(opt.indexOf('=') + 1));
  }

  /**
   * A time as ssh-keygen(1) reads it in allowed_signers: {@code YYYYMMDD} or {@code
   * YYYYMMDDHHMM[SS]}, in the system's time zone unless it ends in {@code Z} (UTC).
   */
  static java.time.Instant time(String v) {
    boolean utc = v.endsWith("Z") || v.endsWith("z");
    String d = utc ? v.substring(0, v.length() - 1) : v;
    if (!d.chars().allMatch(c -> c >= '0' && c <= '9')
        || d.length() != 8 && d.length() != 12 && d.length() != 14) {
      throw new IllegalArgumentException(
          "\"" + cut(v) + "\" is not a time (YYYYMMDD or YYYYMMDDHHMM[SS], Z for UTC)");
    }
    try {
      java.time.LocalDateTime t =
          java.time.LocalDateTime.of(
              Integer.parseInt(d.substring(0, 4)),
              Integer.parseInt(d.substring(4, 6)),
              Integer.parseInt(d.substring(6, 8)),
              d.length() >= 12 ? Integer.parseInt(d.substring(8, 10)) : 0,
              d.length() >= 12 ? Integer.parseInt(d.substring(10, 12)) : 0,
              d.length() == 14 ? Integer.parseInt(d.substring(12, 14)) : 0);
      return t.atZone(utc ? java.time.ZoneOffset.UTC : java.time.ZoneId.systemDefault())
          .toInstant();
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("\"" + cut(v) + "\" is not a valid date", e);
    }
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }

  private static boolean isKeyType(String s) {
    return s.startsWith("ssh-")
        || s.startsWith("ecdsa-sha2-")
        || s.startsWith("sk-ssh-")
        || s.startsWith("sk-ecdsa-")
        || s.startsWith("rsa-sha2-");
  }

  /** The key type string a public key blob starts with (uint32 length, then the name). */
  private static String blobType(byte[] blob) {
    if (blob.length < 4) {
      throw new IllegalArgumentException("the key is too short");
    }
    long len =
        ((blob[0] & 0xffL) << 24)
            | ((blob[1] & 0xff) << 16)
            | ((blob[2] & 0xff) << 8)
            | blob[3] & 0xff;
    if (len > 64 || 4 + len > blob.length) {
      throw new IllegalArgumentException("the key is malformed");
    }
    return new String(blob, 4, (int) len, StandardCharsets.US_ASCII);
  }

  /** OpenSSH's SHA256 fingerprint of a key blob. */
  static String fingerprint(byte[] blob) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String cut(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
