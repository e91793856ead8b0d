package dev.gitsync.verify;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The OpenPGP public keys of {@code --verify-gpg-keys}, made binary: one or more ASCII-armored
 * blocks (RFC 4880 section 6.2: {@code -----BEGIN PGP PUBLIC KEY BLOCK-----}, armor headers, a
 * blank line, base64, an optional {@code =CRC} line, the END line) or binary packets as {@code gpg
 * --export} writes them. The binary form concatenated is a keyring gpg reads as {@code
 * pubring.gpg}, so nothing is imported and no agent is started.
 *
 * <p>The packets are walked once (section 4.2 headers, old and new format) to count the primary
 * public keys and refuse what is not a key file, such as a secret key. One pass, no recursion.
 */
public final class OpenPgpKeys {
  private static final String BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
  private static final String END = "-----END PGP PUBLIC KEY BLOCK-----";
  private static final String SECRET =
      "it holds a secret key: give git-sync only the public keys (gpg --export)";
  private static final int TAG_SECRET_KEY = 5;
  private static final int TAG_PUBLIC_KEY = 6;
  private static final int TAG_SECRET_SUBKEY = 7;

  private OpenPgpKeys() {}

  /**
   * The keys as binary packets.
   *
   * @throws IllegalArgumentException when the file is neither, or holds a secret key
   */
  public static byte[] binary(byte[] file) {
    byte[] bin;
    if (file.length > 0 && (file[0] & 0x80) != 0) {
      bin = file;
    } else {
      bin = dearmor(new String(file, StandardCharsets.US_ASCII));
    }
    if (countKeys(bin) == 0) {
      throw new IllegalArgumentException("it holds no OpenPGP public key");
    }
    return bin;
  }

  private static byte[] dearmor(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] lines = text.split("\n", -1);
    int blocks = 0;
    int i = 0;
    while (i < lines.length) {
      if (lines[i].strip().startsWith("-----BEGIN PGP PRIVATE KEY BLOCK")) {
        throw new IllegalArgumentException(SECRET);
      }
      if (!lines[i].strip().equals(BEGIN)) {
        i++;
        continue;
      }
      i++;
      // Armor headers ("Key: value") up to a blank line; some writers leave both out.
      int body = i;
      while (i < lines.length && !lines[i].isBlank() && lines[i].indexOf(':') > 0) {
        i++;
      }
      if (i < lines.length && lines[i].isBlank()) {
        body = i + 1;
      } else if (i > body) {
        throw new IllegalArgumentException("an armor header is not followed by a blank line");
      }
      StringBuilder b64 = new StringBuilder();
      for (i = body; i < lines.length; i++) {
        String l = lines[i].strip();
        if (l.equals(END) || l.startsWith("=") && l.length() == 5) {
          break;
        }
        b64.append(l);
      }
      while (i < lines.length && !lines[i].strip().equals(END)) {
        i++;
      }
      if (i >= lines.length) {
        throw new IllegalArgumentException("an armored block has no END line");
      }
      try {
        out.writeBytes(Base64.getDecoder().decode(b64.toString()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("an armored block is not base64", e);
      }
      blocks++;
      i++;
    }
    if (blocks == 0) {
      throw new IllegalArgumentException(
          "it is neither binary OpenPGP nor holds a \"" + BEGIN + "\" block");
    }
    return out.toByteArray();
  }

  /**
   * The number of primary public keys in binary packets.
   *
   * @throws IllegalArgumentException when a packet is malformed or a secret key
   */
  static int countKeys(byte[] b) {
    int keys = 0;
    int i = 0;
    while (i < b.length) {
      int h = b[i] & 0xff;
      if ((h & 0x80) == 0) {
        throw new IllegalArgumentException("malformed OpenPGP packet at byte " + i);
      }
      int tag;
      long len;
      int at;
      if ((h & 0x40) != 0) {
        tag = h & 0x3f;
        if (i + 1 >= b.length) {
          throw new IllegalArgumentException("truncated OpenPGP packet at byte " + i);
        }
        int l0 = b[i + 1] & 0xff;
        if (l0 < 192) {
          len = l0;
          at = i + 2;
        } else if (l0 < 224) {
          need(b, i + 2);
          len = ((l0 - 192) << 8) + (b[i + 2] & 0xff) + 192;
          at = i + 3;
        } else if (l0 == 255) {
          need(b, i + 5);
          len = be(b, i + 2, 4);
          at = i + 6;
        } else {
          throw new IllegalArgumentException("partial-length packet in a key file at byte " + i);
        }
      } else {
        tag = (h >> 2) & 0x0f;
        int lt = h & 3;
        if (lt == 3) {
          throw new IllegalArgumentException("indeterminate-length packet at byte " + i);
        }
        int n = 1 << lt;
        need(b, i + n);
        len = be(b, i + 1, n);
        at = i + 1 + n;
      }
      if (tag == TAG_SECRET_KEY || tag == TAG_SECRET_SUBKEY) {
        throw new IllegalArgumentException(SECRET);
      }
      if (tag == TAG_PUBLIC_KEY) {
        keys++;
      }
      if (len > b.length - (long) at) {
        throw new IllegalArgumentException("truncated OpenPGP packet at byte " + i);
      }
      i = at + (int) len;
    }
    return keys;
  }

  private static void need(byte[] b, int last) {
    if (last >= b.length) {
      throw new IllegalArgumentException("truncated OpenPGP packet");
    }
  }

  private static long be(byte[] b, int off, int n) {
    long v = 0;
    for (int k = 0; k < n; k++) {
      v = (v << 8) | (b[off + k] & 0xff);
    }
    return v;
  }
}
