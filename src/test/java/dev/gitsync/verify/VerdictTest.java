package dev.gitsync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** git's answers as recorded from git 2.39 with gpg 2.2 and OpenSSH 9.2 (see VerifyIT). */
class VerdictTest {
  static final String FPR = "D07CDC23EBA793F326741E3E798E2FA1147FC73F";
  static final String GOOD_GPG =
      "[GNUPG:] NEWSIG bob@x\n"
          + "[GNUPG:] KEY_CONSIDERED "
          + FPR
          + " 0\n"
          + "[GNUPG:] SIG_ID TfY1Dj4fDsNg2fVw0aT51As/6OY 2026-12-06 1796581263\n"
          + "[GNUPG:] GOODSIG 798E2FA1147FC73F Bob <bob@x>\n"
          + "[GNUPG:] VALIDSIG "
          + FPR
          + " 2026-12-06 1796581263 0 4 0 22 8 00 "
          + FPR
          + "\n";
  static final String SSH_KEY = "SHA256:IT0XDxi0Vz1YTXbE0UQ5LwBqw+/hX6F2cEZU/YRgOVI";

  @Test
  void openPgp_goodOnlyWithGoodsigValidsigAndExitZero() {
    Verdict v = Verdict.parse(0, GOOD_GPG, Optional.empty());
    assertThat(v.result()).isEqualTo(Verdict.Result.GOOD);
    assertThat(v.signer()).startsWith(FPR).contains("Bob <bob@x>");
    assertThat(Verdict.parse(1, GOOD_GPG, Optional.empty()).good()).isFalse();
    assertThat(Verdict.parse(0, GOOD_GPG.replace("VALIDSIG", "X"), Optional.empty()).good())
        .isFalse();
  }

  @Test
  void openPgp_refusals() {
    assertThat(
            Verdict.parse(
                1,
                "[GNUPG:] NEWSIG\n[GNUPG:] ERRSIG BB4150B24B571914 22 8 00 1796581263 9 B9EF\n"
                    + "[GNUPG:] NO_PUBKEY BB4150B24B571914\n",
                Optional.empty()))
        .isEqualTo(
            new Verdict(
                Verdict.Result.UNTRUSTED, "B9EF", "signed by a key not in --verify-gpg-keys"));
    assertThat(
            Verdict.parse(1, "[GNUPG:] BADSIG 798E2FA1147FC73F Bob <bob@x>\n", Optional.empty())
                .result())
        .isEqualTo(Verdict.Result.BAD);
    assertThat(
            Verdict.parse(
                    1,
                    "[GNUPG:] EXPKEYSIG 7118 Old <old@x>\n[GNUPG:] VALIDSIG A\n",
                    Optional.empty())
                .result())
        .isEqualTo(Verdict.Result.EXPIRED);
    assertThat(Verdict.parse(1, "[GNUPG:] REVKEYSIG 7118 R\n", Optional.empty()).result())
        .isEqualTo(Verdict.Result.REVOKED);
    // Two signatures, one good: refused rather than guessed.
    assertThat(Verdict.parse(0, "[GNUPG:] NEWSIG\n" + GOOD_GPG, Optional.empty()).result())
        .isEqualTo(Verdict.Result.BAD);
    // A bad signature anywhere wins over a good one.
    assertThat(Verdict.parse(0, GOOD_GPG + "[GNUPG:] BADSIG 1 x\n", Optional.empty()).good())
        .isFalse();
  }

  @Test
  void ssh_principalMeansTrusted_noPrincipalIsExplained() {
    Verdict good =
        Verdict.parse(
            0,
            "Good \"git\" signature for dev@example.com with ED25519 key " + SSH_KEY + "\n",
            Optional.empty());
    assertThat(good.result()).isEqualTo(Verdict.Result.GOOD);
    assertThat(good.signer()).isEqualTo(SSH_KEY + " (dev@example.com)");
    String noPrincipal =
        "Good \"git\" signature with ED25519 key " + SSH_KEY + "\nNo principal matched.\n";
    assertThat(Verdict.parse(1, noPrincipal, Optional.empty()).result())
        .isEqualTo(Verdict.Result.UNTRUSTED);
    AllowedSigners window =
        AllowedSigners.parse(
            "old@example.com valid-before=\"20200101\" ssh-ed25519 "
                + "AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5\n");
    String listed = window.entries().get(0).fingerprint();
    Verdict outside = Verdict.parse(1, noPrincipal.replace(SSH_KEY, listed), Optional.of(window));
    assertThat(outside.result()).isEqualTo(Verdict.Result.OUTSIDE_VALIDITY);
    assertThat(outside.reason()).contains("line 1");
    assertThat(
            Verdict.parse(
                    1, "Signature verification failed: incorrect signature\n", Optional.empty())
                .result())
        .isEqualTo(Verdict.Result.BAD);
  }

  @Test
  void nothingSaid_isUnsigned_andAnythingElseIsAnErrorNeverGood() {
    assertThat(Verdict.parse(1, "\n", Optional.empty()).result())
        .isEqualTo(Verdict.Result.UNSIGNED);
    assertThat(Verdict.parse(0, "", Optional.empty()).good()).isFalse();
    Verdict odd = Verdict.parse(128, "error: cannot run gpg: No such file\n", Optional.empty());
    assertThat(odd.result()).isEqualTo(Verdict.Result.ERROR);
    assertThat(odd.reason()).contains("cannot run gpg");
  }
}
