package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gitsync.json.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --verify}, end to end with real keys made here (ssh-keygen, gpg), real signed commits and
 * tags made by git, and git-sync verifying them with git: what is signed by a trusted key is
 * published, everything else is refused with its reason while the link stays where it was.
 */
class VerifyIT {
  @TempDir Path tmp;
  Repo repo;
  Path root;
  Signers keys;
  Path trustedKey;
  Path allowed;
  GitSync g;
  Receiver rx;

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
    root = tmp.resolve("root");
    keys = new Signers(tmp.resolve("keys"));
    trustedKey = keys.sshKey("trusted");
    allowed = tmp.resolve("allowed_signers");
    Files.writeString(allowed, "# the team\n" + Signers.allowed("dev@example.com", "", trustedKey));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (g != null) {
      g.kill();
    }
    if (rx != null) {
      rx.close();
    }
    try {
      Signers.run(tmp, keys.gpgEnv(), "gpgconf", "--kill", "all");
    } catch (java.io.IOException ignored) {
      // No agent was started.
    }
  }

  private GitSync.Result once(String... extra) throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--repo=" + repo.url(), "--root=" + root, "--one-time", "--error-file=error.json"));
    a.addAll(List.of(extra));
    return GitSync.run(tmp, hostileHome(), a.toArray(new String[0]));
  }

  /** A running sidecar verifying the head, polling every second and never giving up. */
  private GitSync running(String... extra) throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--repo=" + repo.url(),
                "--root=" + root,
                "--period=1s",
                "--max-failures=-1",
                "--verify=head"));
    a.addAll(List.of(extra));
    return GitSync.start(tmp, hostileHome(), a.toArray(new String[0]));
  }

  /** A $HOME and $GNUPGHOME that trust every key the test made: git-sync must read neither. */
  private Map<String, String> hostileHome() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", tmp.resolve("keys").toString());
    env.put("GNUPGHOME", keys.gnupg.toString());
    return env;
  }

  private String published() throws Exception {
    return Files.readSymbolicLink(root.resolve("remote")).getFileName().toString();
  }

  @Test
  void ssh_signedByATrustedKeyIsPublished_othersAreRefusedWithTheirReason() throws Exception {
    String good = keys.sshCommit(repo, trustedKey, "f", "one");
    GitSync.Result ok = once("--verify=head", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(published()).isEqualTo(good);

    // Unsigned.
    String unsigned = repo.commit("f", "two");
    GitSync.Result r = once("--verify=head", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(r.code()).isNotZero();
    assertThat(r.err())
        .contains("\"msg\":\"refused to publish an unverified commit\"", unsigned)
        .contains("\"result\":\"unsigned\"", "\"signer\":\"unsigned\"", "\"author\":\"Test\"");
    assertThat(published()).isEqualTo(good);
    assertThat(root.resolve(".worktrees/" + unsigned)).doesNotExist();
    assertThat(Files.readString(root.resolve("error.json")))
        .contains("refused to publish commit " + unsigned + ": unsigned");

    // A key nobody listed.
    Path stranger = keys.sshKey("stranger");
    String foreign = keys.sshCommit(repo, stranger, "f", "three");
    r = once("--verify=head", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(r.err())
        .contains(
            foreign,
            "\"result\":\"untrusted\"",
            "signed by a key not in --verify-ssh-allowed-signers",
            fingerprint(stranger));
    assertThat(published()).isEqualTo(good);

    // A listed key whose validity ended before the commit's date.
    Path retired = keys.sshKey("retired");
    Files.writeString(
        allowed,
        Signers.allowed("dev@example.com", "", trustedKey)
            + Signers.allowed("old@example.com", "valid-before=\"20200101\"", retired));
    String late = keys.sshCommit(repo, retired, "f", "four");
    r = once("--verify=head", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(r.err())
        .contains(
            late,
            "\"result\":\"outside_validity\"",
            "valid-after/valid-before of its allowed_signers line 2",
            "old@example.com");

    // The same retired key, the commit dated before its valid-before: git accepts it at the date
    // the commit claims, git-sync does not (the date is the signer's to choose).
    String backdated = keys.sshCommitAt(repo, retired, "f", "five", "2019-06-01T00:00:00Z");
    r = once("--verify=head", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(r.err())
        .contains(backdated, "\"result\":\"outside_validity\"", "valid-before", "has passed");
    assertThat(published()).isEqualTo(good);

    // A signed commit whose content was changed afterwards, signature kept.
    String body = repo.git("cat-file", "commit", good);
    Path forged = tmp.resolve("forged");
    Files.writeString(forged, body.replace("signed one", "signed ONE") + "\n");
    String tampered = repo.git("hash-object", "-t", "commit", "-w", forged.toString());
    repo.git("update-ref", "refs/heads/main", tampered);
    r = once("--verify=head", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(r.err()).contains(tampered, "\"result\":\"bad\"");
    assertThat(published()).isEqualTo(good);
  }

  private String fingerprint(Path key) throws Exception {
    String out = Signers.run(tmp, Map.of(), "ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub");
    return out.split(" ")[1];
  }

  /**
   * A key in --verify-ssh-revoked-keys is refused even when a trusted certificate authority
   * certified it (the case allowed_signers alone cannot express), and the list is read again for
   * every verification.
   */
  @Test
  void ssh_aRevokedKeyIsRefused_evenUnderATrustedCertificateAuthority() throws Exception {
    Path ca = keys.sshKey("ca");
    Path dev = keys.sshKey("dev");
    Signers.run(
        tmp,
        Map.of(),
        "ssh-keygen",
        "-q",
        "-s",
        ca.toString(),
        "-I",
        "dev",
        "-n",
        "dev@example.com",
        dev + ".pub");
    Path cert = Path.of(dev + "-cert.pub");
    Files.writeString(
        allowed, "dev@example.com cert-authority " + Files.readString(Path.of(ca + ".pub")));
    Path revoked = tmp.resolve("revoked_keys");
    Files.writeString(revoked, "");
    String[] flags = {
      "--verify=head",
      "--verify-ssh-allowed-signers=" + allowed,
      "--verify-ssh-revoked-keys=" + revoked
    };
    String good = keys.sshCommit(repo, cert, "f", "one");
    GitSync.Result ok = once(flags);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(published()).isEqualTo(good);

    Files.writeString(revoked, Files.readString(Path.of(dev + ".pub")));
    String after = keys.sshCommit(repo, cert, "f", "two");
    GitSync.Result r = once(flags);
    assertThat(r.code()).isNotZero();
    assertThat(r.err())
        .contains(
            "\"msg\":\"refused to publish an unverified commit\"",
            after,
            "\"result\":\"revoked\"",
            "in --verify-ssh-revoked-keys",
            "dev@example.com");
    assertThat(published()).isEqualTo(good);
    assertThat(root.resolve(".worktrees/" + after)).doesNotExist();

    GitSync.Result missing =
        once(
            "--verify=head",
            "--verify-ssh-allowed-signers=" + allowed,
            "--verify-ssh-revoked-keys=" + tmp.resolve("absent"));
    assertThat(missing.code()).isNotZero();
    assertThat(missing.err())
        .contains("--verify-ssh-revoked-keys: can't read " + tmp.resolve("absent"));
    GitSync.Result alone = once("--verify=head", "--verify-ssh-revoked-keys=" + revoked);
    assertThat(alone.err())
        .contains("--verify-ssh-revoked-keys needs --verify-ssh-allowed-signers");
  }

  @Test
  void gpg_trustedKeysOnly_expiredKeysRefused_andNeitherHomeNorGnupghomeIsRead() throws Exception {
    keys.gpgKey("release@example.com", "", "1y");
    keys.gpgKey("mallory@example.com", "", "1y");
    keys.gpgKey("old@example.com", "20200101T000000", "1d");
    Path trusted =
        keys.exportArmored(tmp.resolve("trusted.asc"), "release@example.com", "old@example.com");
    String good = keys.gpgCommit(repo, "release@example.com", "gpg", "f", "one");
    GitSync.Result ok = once("--verify=head", "--verify-gpg-keys=" + trusted);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.err()).contains("\"msg\":\"verifying OpenPGP signatures\"", "\"count\":2");
    assertThat(published()).isEqualTo(good);

    // Mallory's key is in the $GNUPGHOME and $HOME git-sync was started with: still untrusted.
    String mallory = keys.gpgCommit(repo, "mallory@example.com", "gpg", "f", "two");
    GitSync.Result r = once("--verify=head", "--verify-gpg-keys=" + trusted);
    assertThat(r.code()).isNotZero();
    assertThat(r.err())
        .contains(mallory, "\"result\":\"untrusted\"", "signed by a key not in --verify-gpg-keys");
    assertThat(published()).isEqualTo(good);

    String expired =
        keys.gpgCommit(
            repo, "old@example.com", keys.gpgAt("20200101T120000").toString(), "f", "three");
    r = once("--verify=head", "--verify-gpg-keys=" + trusted);
    assertThat(r.err()).contains(expired, "\"result\":\"expired\"", "signed by an expired key");
    assertThat(published()).isEqualTo(good);
  }

  /**
   * A revocation list that can no longer be read (a Secret unmounted while running) refuses every
   * SSH signature, and the reason says so rather than blaming the key.
   */
  @Test
  void ssh_aRevocationListThatBecomesUnreadable_refusesEverySignature_namingTheFile()
      throws Exception {
    Path revoked = tmp.resolve("revoked_keys");
    Files.writeString(revoked, "");
    String good = keys.sshCommit(repo, trustedKey, "f", "one");
    g = running("--verify-ssh-allowed-signers=" + allowed, "--verify-ssh-revoked-keys=" + revoked);
    await().atMost(60, SECONDS).until(() -> Files.isSymbolicLink(root.resolve("remote")));
    assertThat(published()).isEqualTo(good);

    Files.delete(revoked);
    String next = keys.sshCommit(repo, trustedKey, "f", "two");
    await().atMost(60, SECONDS).until(() -> g.err().contains("\"result\":\"error\""));
    assertThat(g.err())
        .contains(next, "can't read --verify-ssh-revoked-keys " + revoked)
        .doesNotContain("\"result\":\"revoked\"");
    assertThat(published()).isEqualTo(good);
  }

  /** An OpenPGP revocation certificate added to --verify-gpg-keys withdraws the key. */
  @Test
  void gpg_aRevocationCertificateInTheKeyFile_refusesTheKeysSignatures() throws Exception {
    keys.gpgKey("release@example.com", "", "1y");
    Path trusted = keys.exportArmored(tmp.resolve("trusted.asc"), "release@example.com");
    String good = keys.gpgCommit(repo, "release@example.com", "gpg", "f", "one");
    GitSync.Result ok = once("--verify=head", "--verify-gpg-keys=" + trusted);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(published()).isEqualTo(good);

    // gpg writes a revocation certificate for every key it makes, its armor line behind a ':'.
    Path revocs;
    try (var certs = Files.list(keys.gnupg.resolve("openpgp-revocs.d"))) {
      revocs = certs.findFirst().orElseThrow();
    }
    String cert = Files.readString(revocs).replace(":-----BEGIN PGP", "-----BEGIN PGP");
    Files.writeString(trusted, Files.readString(trusted) + cert);
    String after = keys.gpgCommit(repo, "release@example.com", "gpg", "f", "two");
    GitSync.Result r = once("--verify=head", "--verify-gpg-keys=" + trusted);
    assertThat(r.code()).as(r.err()).isNotZero();
    assertThat(r.err()).contains(after, "\"result\":\"revoked\"");
    assertThat(published()).isEqualTo(good);
  }

  @Test
  void all_catchesAnUnsignedCommitUnderASignedOne_evenWithDepthOne() throws Exception {
    String base = keys.sshCommit(repo, trustedKey, "f", "one");
    assertThat(once("--verify=all", "--depth=1", "--verify-ssh-allowed-signers=" + allowed).code())
        .isZero();
    // One push: an unsigned commit, then a signed one on top of it.
    String hidden = repo.commit("g", "sneaked in");
    String tip = keys.sshCommit(repo, trustedKey, "f", "two");
    GitSync.Result all =
        once("--verify=all", "--depth=1", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(all.code()).isNotZero();
    assertThat(all.err())
        .contains(
            "refused to publish commit " + tip + " (at " + hidden + ")", "\"result\":\"unsigned\"");
    assertThat(published()).isEqualTo(base);

    // A signed merge of an unsigned side branch: the merged side is checked too.
    repo.git("reset", "-q", "--hard", base);
    repo.git("checkout", "-q", "-b", "side");
    String side = repo.commit("h", "side work");
    repo.git("checkout", "-q", "main");
    keys.sshCommit(repo, trustedKey, "f", "three");
    Signers.run(
        repo.dir,
        Map.of(),
        "git",
        "-c",
        "gpg.format=ssh",
        "-c",
        "user.signingkey=" + trustedKey,
        "merge",
        "-q",
        "-S",
        "--no-ff",
        "-m",
        "merge",
        "side");
    String merge = repo.head();
    all = once("--verify=all", "--depth=1", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(all.err()).contains("refused to publish commit " + merge + " (at " + side + ")");
    assertThat(published()).isEqualTo(base);

    // Head mode would have published it: the difference --verify=all makes.
    GitSync.Result headOnly =
        once("--verify=head", "--depth=1", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(headOnly.code()).as(headOnly.err()).isZero();
    assertThat(published()).isEqualTo(merge);
  }

  @Test
  void tagModes_needAnAnnotatedTagWithAGoodSignature() throws Exception {
    keys.sshCommit(repo, trustedKey, "f", "one");
    keys.sshTag(repo, trustedKey, "v1");
    repo.git("tag", "light");
    GitSync.Result ok = once("--ref=v1", "--verify=tag", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(ok.code()).as(ok.err()).isZero();
    GitSync.Result light =
        once("--ref=light", "--verify=tag", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(light.err())
        .contains("\"result\":\"not_signed_tag\"", "--ref light is not an annotated tag");

    // A signed tag on an unsigned commit: tag passes, head does not.
    String unsigned = repo.commit("f", "two");
    keys.sshTag(repo, trustedKey, "v2");
    assertThat(once("--ref=v2", "--verify=tag", "--verify-ssh-allowed-signers=" + allowed).code())
        .isZero();
    GitSync.Result both =
        once("--ref=v2", "--verify=tag-and-head", "--verify-ssh-allowed-signers=" + allowed);
    assertThat(both.err()).contains(unsigned, "\"result\":\"unsigned\"");
  }

  @Test
  void aRefusalIsNotifiedOnce_aKeyRotationAppliesWithoutRestart_andRecovers() throws Exception {
    rx = new Receiver();
    keys.gpgKey("release@example.com", "", "1y");
    keys.gpgKey("new@example.com", "", "1y");
    Path trusted = keys.exportArmored(tmp.resolve("trusted.asc"), "release@example.com");
    String good = keys.gpgCommit(repo, "release@example.com", "gpg", "f", "one");
    Path ran = tmp.resolve("hook-ran");
    Path hook = tmp.resolve("hook.sh");
    Files.writeString(hook, "#!/bin/sh\necho \"$GITSYNC_HASH\" >> " + ran + "\n");
    hook.toFile().setExecutable(true);
    g =
        running(
            "--verify-gpg-keys=" + trusted,
            "--notify=generic+" + rx.url("/hook"),
            "--http-bind=127.0.0.1:0",
            "--http-metrics",
            "--exechook-command=" + hook);
    await().atMost(60, SECONDS).until(() -> Files.isSymbolicLink(root.resolve("remote")));
    assertThat(published()).isEqualTo(good);
    await().atMost(60, SECONDS).until(() -> Files.exists(ran));

    String rotated = keys.gpgCommit(repo, "new@example.com", "gpg", "f", "两个 中文提交");
    await().atMost(60, SECONDS).until(() -> count(g.err(), "error syncing repo") >= 4);
    List<Map<String, Object>> refusals = events("sync.verification_failed");
    assertThat(refusals).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) refusals.get(0).get("data");
    assertThat(data.get("hash")).isEqualTo(rotated);
    assertThat((String) data.get("signer")).isNotEmpty();
    assertThat(String.valueOf(data.get("commits"))).contains("两个 中文提交", "Test");
    assertThat(events("sync.failed")).isEmpty();
    assertThat(published()).isEqualTo(good);
    // Hooks never run for a refused commit.
    assertThat(Files.readString(ran)).isEqualTo(good + "\n");
    String metrics =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + g.httpPort() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics).contains("git_sync_verify_total{result=\"untrusted\"}");

    // The Secret is updated: the new key is trusted from the next pass on, no restart.
    keys.exportArmored(tmp.resolve("next.asc"), "release@example.com", "new@example.com");
    Files.move(
        tmp.resolve("next.asc"),
        trusted,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    await().atMost(60, SECONDS).until(() -> published().equals(rotated));
    await().atMost(60, SECONDS).until(() -> !events("sync.recovered").isEmpty());
    assertThat(g.err()).contains("--verify-gpg-keys changed: keyring rebuilt");
    assertThat(events("sync.verification_failed")).hasSize(1);
    await().atMost(60, SECONDS).until(() -> Files.readString(ran).contains(rotated));
  }

  private List<Map<String, Object>> events(String type) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Receiver.Request req : List.copyOf(rx.requests)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) JsonParser.parse(req.body());
      if (type.equals(m.get("type"))) {
        out.add(m);
      }
    }
    return out;
  }

  private static int count(String s, String what) {
    return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }

  @Test
  void startup_refusesAModeWithoutKeys_andKeyFilesThatAreWrong() throws Exception {
    repo.commit("f", "one");
    GitSync.Result none = once("--verify=head");
    assertThat(none.code()).isNotZero();
    assertThat(none.err()).contains("--verify=head needs the trusted keys");
    GitSync.Result bad = once("--verify=signed");
    assertThat(bad.err()).contains("--verify must be one of none, head, tag, tag-and-head, all");
    Path broken = tmp.resolve("broken_signers");
    Files.writeString(broken, "dev@example.com ssh-ed25519 not-base64!\n");
    GitSync.Result line = once("--verify=head", "--verify-ssh-allowed-signers=" + broken);
    assertThat(line.err()).contains("--verify-ssh-allowed-signers " + broken + ": line 1");
    keys.gpgKey("release@example.com", "", "1y");
    Path secret = tmp.resolve("secret.asc");
    Files.writeString(secret, keys.exportSecret("release@example.com"));
    GitSync.Result sec = once("--verify=head", "--verify-gpg-keys=" + secret);
    assertThat(sec.err()).contains("it holds a secret key").doesNotContain("PRIVATE KEY BLOCK");
    assertThat(root.resolve("remote")).doesNotExist();
  }
}
