package dev.gitsync.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The operator's key files: what is accepted, and what is refused naming the problem. */
class KeyFilesTest {
  static final String KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5";

  @Test
  void allowedSigners_entriesOptionsAndFingerprints() {
    AllowedSigners a =
        AllowedSigners.parse(
            "# team\n\n"
                + "dev@example.com "
                + KEY
                + " laptop\n"
                + "\"a@x,b@x\" namespaces=\"git,file\",valid-after=\"20240101\" "
                + KEY
                + "\n"
                + "*@example.com cert-authority "
                + KEY
                + "\n");
    assertThat(a.entries()).hasSize(3);
    // The fingerprint ssh-keygen -l prints for this key (published example).
    assertThat(a.entries().get(0).fingerprint())
        .isEqualTo("SHA256:QAtqtvvCePelMMUNPP7madH2zNa1ATxX1nt9L/0C5+M");
    assertThat(a.entries().get(1).principals()).isEqualTo("a@x,b@x");
    assertThat(a.entries().get(1).validityWindow()).isTrue();
    assertThat(a.entries().get(2).certAuthority()).isTrue();
    assertThat(a.entries().get(2).line()).isEqualTo(5);
    AllowedSigners retired = AllowedSigners.parse("old@x valid-before=\"20200101Z\" " + KEY + "\n");
    String fp = retired.entries().get(0).fingerprint();
    assertThat(retired.retired(fp, java.time.Instant.parse("2020-01-01T00:00:01Z"))).isTrue();
    assertThat(retired.retired(fp, java.time.Instant.parse("2019-12-31T23:59:59Z"))).isFalse();
    // Another line for the same key without an end keeps it valid.
    AllowedSigners renewed =
        AllowedSigners.parse("old@x valid-before=\"20200101Z\" " + KEY + "\nnew@x " + KEY + "\n");
    assertThat(renewed.retired(fp, java.time.Instant.parse("2021-01-01T00:00:00Z"))).isFalse();
    assertThat(a.retired("SHA256:unlisted", java.time.Instant.EPOCH)).isFalse();
  }

  @Test
  void allowedSigners_refusesWhatSshKeygenWouldNot_namingTheLine() {
    assertThatThrownBy(() -> AllowedSigners.parse("a@x\n" + "b@x ssh-ed25519 !!!\n"))
        .hasMessageStartingWith("line 1");
    assertThatThrownBy(() -> AllowedSigners.parse("b@x ssh-ed25519 !!!\n"))
        .hasMessageContaining("line 1: the key is not base64");
    assertThatThrownBy(() -> AllowedSigners.parse("b@x bogus-opt " + KEY))
        .hasMessageContaining("unknown option");
    assertThatThrownBy(() -> AllowedSigners.parse("b@x ssh-rsa " + KEY.substring(12)))
        .hasMessageContaining("of type \"ssh-ed25519\", not ssh-rsa");
    assertThatThrownBy(() -> AllowedSigners.parse("\"b@x " + KEY))
        .hasMessageContaining("quote is not closed");
    assertThatThrownBy(() -> AllowedSigners.parse("b@x valid-before=\"2020-01-01\" " + KEY))
        .hasMessageContaining("is not a time");
    assertThatThrownBy(() -> AllowedSigners.parse("b@x valid-after=\"20201341\" " + KEY))
        .hasMessageContaining("not a valid date");
  }

  @Test
  void openPgp_armoredAndBinary_secretKeysRefused() {
    byte[] pub = publicKeyPacket();
    String armored =
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: test\n\n"
            + Base64.getMimeEncoder().encodeToString(pub)
            + "\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n";
    assertThat(OpenPgpKeys.binary(armored.getBytes(StandardCharsets.US_ASCII))).isEqualTo(pub);
    assertThat(OpenPgpKeys.binary(pub)).isEqualTo(pub);
    String two = armored + armored.replace("Comment: test\n", "");
    assertThat(OpenPgpKeys.countKeys(OpenPgpKeys.binary(two.getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo(2);
    byte[] secret = pub.clone();
    secret[0] = (byte) (0x80 | (5 << 2)); // old format, tag 5
    assertThatThrownBy(() -> OpenPgpKeys.binary(secret)).hasMessageContaining("secret key");
    assertThatThrownBy(
            () ->
                OpenPgpKeys.binary(
                    "-----BEGIN PGP PRIVATE KEY BLOCK-----\n".getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("secret key");
    assertThatThrownBy(() -> OpenPgpKeys.binary("hello".getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("neither binary OpenPGP");
    byte[] cut = java.util.Arrays.copyOf(pub, pub.length - 1);
    assertThatThrownBy(() -> OpenPgpKeys.binary(cut)).hasMessageContaining("truncated");
  }

  /** An old-format public key packet (tag 6, one length byte) with a dummy body. */
  private static byte[] publicKeyPacket() {
    byte[] p = new byte[2 + 10];
    p[0] = (byte) (0x80 | (6 << 2));
    p[1] = 10;
    p[2] = 4;
    return p;
  }
}
