package dev.gitsync.verify;

import dev.gitsync.config.VerifySettings;
import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.fs.FileOps;
import dev.gitsync.git.CommitHash;
import dev.gitsync.git.Git;
import dev.gitsync.git.GitException;
import dev.gitsync.log.Log;
import dev.gitsync.metrics.Metrics;
import dev.gitsync.process.Command;
import dev.gitsync.process.ProcessRunner;
import dev.gitsync.process.Result;
import dev.gitsync.sync.CommitCheck;
import dev.gitsync.sync.SyncException;
import dev.gitsync.sync.VerificationRefused;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --verify}: a fetched commit is published only when git says it (and, per mode, its tag or
 * every commit since the published one) carries a good signature by a key the operator trusts.
 *
 * <p>Design: git does the cryptography ({@code verify-commit --raw}, {@code verify-tag --raw}) with
 * a configuration of this process's own: {@code gpg.ssh.allowedSignersFile} set to the operator's
 * file (or an empty one) through {@code GIT_CONFIG_COUNT}, never an argument, and {@code GNUPGHOME}
 * set to a private, read-only directory whose {@code pubring.gpg} is the operator's keys made
 * binary and whose {@code gpg.conf} says {@code trust-model always} (the keyring holds only trusted
 * keys; nothing is imported, no agent starts, no key is fetched). The user's {@code $HOME} and
 * {@code $GNUPGHOME} are never read. The keys file is read again at every verification and the
 * keyring rebuilt when its content changed; a file that stopped parsing trusts nothing (fail
 * closed) and says so. {@link Verdict} reads git's machine-readable answer.
 *
 * <p>For {@code all}, the commits of {@code published..commit} are listed; when the clone is
 * shallow and the range reaches a commit whose parents were not fetched, the history is deepened
 * (100, 800, 6400 commits, then unshallowed) until the range is whole. At most {@link #MAX_RANGE}
 * commits are verified in a pass; a longer range is refused with that reason.
 */
public final class Verifier implements CommitCheck, AutoCloseable {
  /** The most commits {@code --verify=all} verifies in one pass. */
  public static final int MAX_RANGE = 10_000;

  private static final int MAX_KEY_FILE = 16 * 1024 * 1024;
  private static final int[] DEEPEN = {100, 800, 6400, 0};

  private final VerifySettings settings;
  private final ProcessRunner runner;
  private final Path stateDir;
  private final Log log;
  private final Metrics metrics;
  private final java.time.Clock clock;
  private final String repo;
  private final String ref;
  private Path noSigners;

  /**
   * This check's copy of {@code --verify-ssh-revoked-keys}, which git reads: taken before git runs,
   * so the list git sees is the one judged readable (git only warns when the file is missing, and
   * then verifies without it).
   */
  private Optional<Path> revokedCopy = Optional.empty();

  /** Why {@code --verify-ssh-revoked-keys} could not be read for this check, if it could not. */
  private Optional<String> revokedUnreadable = Optional.empty();

  private byte[] revokedBytes;
  private Keyring keyring;
  private String lastRefusal = "";

  /** The current private GnuPG home and the digest of the key file it was built from. */
  private record Keyring(Path home, String digest, int keys) {}

  /**
   * A verifier for {@code repo} at {@code ref}.
   *
   * @param stateDir an owner-only directory of this process's own
   */
  public Verifier(
      VerifySettings settings,
      ProcessRunner runner,
      Path stateDir,
      Log log,
      Metrics metrics,
      java.time.Clock clock,
      String repo,
      String ref) {
    this.settings = settings;
    this.clock = clock;
    this.runner = runner;
    this.stateDir = stateDir;
    this.log = log;
    this.metrics = metrics;
    this.repo = repo;
    this.ref = ref;
  }

  /**
   * Builds the keyring and checks that the programs git will run are there.
   *
   * @throws IOException naming the flag and the problem
   */
  public void start() throws IOException, InterruptedException {
    noSigners = stateDir.resolve("allowed_signers.none");
    Files.writeString(noSigners, "");
    if (settings.sshAllowedSigners().isPresent()) {
      requireProgram("ssh-keygen", "--verify-ssh-allowed-signers", "openssh-client");
      AllowedSigners a = allowedSigners().orElseThrow();
      log.info(
          0,
          "verifying SSH signatures",
          "allowedSigners",
          settings.sshAllowedSigners().get().toString(),
          "keys",
          a.entries().size(),
          "revokedKeys",
          settings.sshRevokedKeys().map(Path::toString).orElse(""));
    }
    if (settings.gpgKeys().isPresent()) {
      requireProgram("gpg", "--verify-gpg-keys", "gpg");
      Keyring k = keyring(true);
      log.info(
          0,
          "verifying OpenPGP signatures",
          "keys",
          settings.gpgKeys().get().toString(),
          "count",
          k.keys());
    }
    log.info(0, "publishing only verified commits", "verify", settings.mode().flag());
  }

  @Override
  public void check(
      Git git, Path root, CommitHash fetched, CommitHash commit, Optional<CommitHash> published)
      throws SyncException, InterruptedException {
    try {
      Optional<AllowedSigners> allowed = allowedSigners();
      copyRevokedKeys();
      Git g = git.withEnv(env());
      if (settings.mode().tag()) {
        Verdict v =
            fetched.equals(commit)
                ? new Verdict(
                    Verdict.Result.NOT_SIGNED_TAG,
                    "",
                    "--ref "
                        + ref
                        + " is not an annotated tag (--verify="
                        + settings.mode().flag()
                        + ")")
                : verify(g, root, true, fetched, allowed);
        if (!v.good()) {
          throw refuse(g, root, commit, fetched, v);
        }
      }
      if (settings.mode().commits()) {
        for (CommitHash c : commits(g, root, commit, published)) {
          Verdict v = verify(g, root, false, c, allowed);
          if (!v.good()) {
            throw refuse(g, root, commit, c, v);
          }
        }
      }
    } catch (GitException | IOException e) {
      metrics.verified(Verdict.Result.ERROR.label());
      throw new SyncException(
          log.redactor().redact("can't verify commit " + commit.hex() + ": " + e.getMessage()), e);
    }
    metrics.verified(Verdict.Result.GOOD.label());
    lastRefusal = "";
    log.info(1, "verified the signature of the commit to publish", "commit", commit.hex());
  }

  private Verdict verify(
      Git g, Path root, boolean tag, CommitHash object, Optional<AllowedSigners> allowed)
      throws GitException, IOException, InterruptedException {
    Result r = g.verifySignature(root, tag, object);
    Verdict v = Verdict.parse(r.exitCode(), r.stdout() + "\n" + r.stderr(), allowed);
    if (v.good()) {
      Verdict valid = stillValid(v, allowed);
      if (valid.good() && v.signer().startsWith("SHA256:") && revokedUnreadable.isPresent()) {
        return new Verdict(Verdict.Result.ERROR, v.signer(), revokedUnreadable.get());
      }
      return valid;
    }
    return v.result() == Verdict.Result.ERROR ? revoked(g, root, tag, object, allowed, v) : v;
  }

  /**
   * Copies {@code --verify-ssh-revoked-keys} for this check (rewritten only when it changed), or
   * records why it cannot be read: a list that went away (a Secret unmounted) then refuses SSH
   * signatures until it is back.
   */
  private void copyRevokedKeys() throws IOException {
    revokedCopy = Optional.empty();
    revokedUnreadable = Optional.empty();
    if (settings.sshRevokedKeys().isEmpty()) {
      return;
    }
    Path f = settings.sshRevokedKeys().get();
    byte[] now;
    try {
      now = BoundedFiles.readBytes(f, MAX_KEY_FILE);
    } catch (IOException e) {
      revokedUnreadable =
          Optional.of(
              "can't read --verify-ssh-revoked-keys " + f + ": " + BoundedFiles.reason(f, e));
      return;
    }
    Path copy = stateDir.resolve("revoked_keys");
    if (!Arrays.equals(now, revokedBytes)) {
      Path tmp = stateDir.resolve("revoked_keys.part");
      Files.write(tmp, now);
      Files.move(tmp, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      revokedBytes = now;
    }
    revokedCopy = Optional.of(copy);
  }

  /**
   * git says only "Could not verify signature." when ssh-keygen refuses a revoked key: asked again
   * without the revocation list, a signature that is then good was refused for its key alone.
   */
  private Verdict revoked(
      Git g, Path root, boolean tag, CommitHash object, Optional<AllowedSigners> allowed, Verdict v)
      throws GitException, IOException, InterruptedException {
    if (revokedUnreadable.isPresent()) {
      return new Verdict(Verdict.Result.ERROR, v.signer(), revokedUnreadable.get());
    }
    if (revokedCopy.isEmpty()) {
      return v;
    }
    Result r = g.withEnv(env(false)).verifySignature(root, tag, object);
    Verdict without = Verdict.parse(r.exitCode(), r.stdout() + "\n" + r.stderr(), allowed);
    if (!without.good()) {
      return v;
    }
    return new Verdict(
        Verdict.Result.REVOKED,
        without.signer(),
        "the key or its certificate is in --verify-ssh-revoked-keys");
  }

  /**
   * git judges an SSH key's {@code valid-before} at the date the commit claims, which whoever holds
   * a retired key can set to the past: a key whose every allowed_signers line has a {@code
   * valid-before} that passed signs nothing new, whatever the date says. (OpenPGP keys are judged
   * now by gpg already: an expired key's signature is {@code EXPKEYSIG}.)
   */
  private Verdict stillValid(Verdict v, Optional<AllowedSigners> allowed) {
    if (!v.signer().startsWith("SHA256:") || allowed.isEmpty()) {
      return v;
    }
    String fingerprint = v.signer().split(" ", 2)[0];
    if (allowed.get().retired(fingerprint, clock.instant())) {
      return new Verdict(
          Verdict.Result.OUTSIDE_VALIDITY,
          v.signer(),
          "the key's valid-before in --verify-ssh-allowed-signers has passed (the commit's date"
              + " is the signer's to choose)");
    }
    return v;
  }

  /** The commits {@code --verify} checks, newest first. */
  private List<CommitHash> commits(
      Git g, Path root, CommitHash commit, Optional<CommitHash> published)
      throws GitException, IOException, InterruptedException, SyncException {
    if (settings.mode() != VerifySettings.Mode.ALL
        || published.isEmpty()
        || published.get().equals(commit)) {
      return List.of(commit);
    }
    String from = published.get().hex();
    if (!g.hasCommit(root, from)) {
      log.info(
          0,
          "the published commit is not in the repository: verifying the new commit alone",
          "published",
          from);
      return List.of(commit);
    }
    for (int attempt = 0; ; attempt++) {
      List<CommitHash> range = g.revList(root, from, commit.hex(), MAX_RANGE + 1);
      if (range.size() > MAX_RANGE) {
        Verdict v =
            new Verdict(
                Verdict.Result.ERROR,
                "",
                "more than " + MAX_RANGE + " commits since " + from + " to verify (--verify=all)");
        throw refuse(g, root, commit, commit, v);
      }
      Set<String> shallow = shallow(root);
      if (range.stream().noneMatch(c -> shallow.contains(c.hex()))) {
        return range;
      }
      if (attempt == DEEPEN.length) {
        throw new SyncException(
            "can't verify every commit since "
                + from
                + ": git could not fetch the history between it and "
                + commit.hex(),
            null);
      }
      log.info(
          1,
          "fetching more history to verify every commit since the published one",
          "deepen",
          DEEPEN[attempt] == 0 ? "unshallow" : Integer.toString(DEEPEN[attempt]));
      g.deepen(root, repo, ref, DEEPEN[attempt]);
    }
  }

  private static Set<String> shallow(Path root) throws IOException {
    Path f = root.resolve(".git").resolve("shallow");
    if (!Files.exists(f)) {
      return Set.of();
    }
    String text = BoundedFiles.readString(f, 64 * 1024 * 1024);
    return new HashSet<>(Arrays.asList(text.split("\n")));
  }

  private VerificationRefused refuse(
      Git g, Path root, CommitHash commit, CommitHash object, Verdict v)
      throws InterruptedException {
    metrics.verified(v.result().label());
    String author = "";
    try {
      List<String[]> l = g.log(root, "", commit.hex(), 1);
      author = l.isEmpty() ? "" : l.get(0)[1];
    } catch (GitException e) {
      // The refusal stands without the claimed author.
    }
    VerificationRefused.Refusal r =
        new VerificationRefused.Refusal(
            commit.hex(), object.hex(), author, v.signer(), v.result().label(), v.reason());
    String key = commit.hex() + " " + object.hex() + " " + v.result();
    if (!key.equals(lastRefusal)) {
      lastRefusal = key;
      log.info(
          0,
          "refused to publish an unverified commit",
          "commit",
          commit.hex(),
          "object",
          object.hex(),
          "result",
          v.result().label(),
          "signer",
          v.signer().isEmpty() ? "unsigned" : v.signer(),
          "reason",
          v.reason(),
          "author",
          author);
    }
    return new VerificationRefused(r);
  }

  /** What git's verifying processes run with. */
  private Map<String, String> env() throws IOException, InterruptedException {
    return env(true);
  }

  /**
   * What git's verifying processes run with; without {@code revocation}, the revoked keys are left
   * out (only to name the reason of a refusal).
   */
  private Map<String, String> env(boolean revocation) throws IOException, InterruptedException {
    Path signers = settings.sshAllowedSigners().orElse(noSigners);
    Path home = settings.gpgKeys().isPresent() ? keyring(false).home() : emptyHome();
    // After any GIT_CONFIG_* entries the pod's environment already gives git.
    int n;
    try {
      n = Math.max(0, Integer.parseInt(System.getenv().getOrDefault("GIT_CONFIG_COUNT", "0")));
    } catch (NumberFormatException notACount) {
      n = 0;
    }
    Map<String, String> env = new java.util.HashMap<>();
    env.put("GNUPGHOME", home.toString());
    env.put("GIT_CONFIG_KEY_" + n, "gpg.ssh.allowedSignersFile");
    env.put("GIT_CONFIG_VALUE_" + n, signers.toString());
    n++;
    if (revocation && revokedCopy.isPresent()) {
      env.put("GIT_CONFIG_KEY_" + n, "gpg.ssh.revocationFile");
      env.put("GIT_CONFIG_VALUE_" + n, revokedCopy.get().toString());
      n++;
    }
    env.put("GIT_CONFIG_COUNT", Integer.toString(n));
    return Map.copyOf(env);
  }

  private Path emptyHome() throws IOException, InterruptedException {
    if (keyring == null) {
      keyring = new Keyring(makeHome(new byte[0]), "", 0);
    }
    return keyring.home();
  }

  /** The allowed signers, parsed again (ssh-keygen reads the file itself at every check). */
  private Optional<AllowedSigners> allowedSigners() throws IOException {
    if (settings.sshAllowedSigners().isEmpty()) {
      return Optional.empty();
    }
    Path f = settings.sshAllowedSigners().get();
    try {
      return Optional.of(AllowedSigners.parse(BoundedFiles.readString(f, MAX_KEY_FILE)));
    } catch (IOException e) {
      throw new IOException(
          "can't read --verify-ssh-allowed-signers " + f + ": " + BoundedFiles.reason(f, e), e);
    } catch (IllegalArgumentException e) {
      throw new IOException("--verify-ssh-allowed-signers " + f + ": " + e.getMessage(), e);
    }
  }

  /**
   * The keyring for the current content of {@code --verify-gpg-keys}, rebuilt when it changed. At
   * startup ({@code strict}) a bad file is an error; later it trusts no OpenPGP key at all until
   * the file is fixed, and says so.
   */
  private Keyring keyring(boolean strict) throws IOException, InterruptedException {
    Path f = settings.gpgKeys().orElseThrow();
    byte[] file;
    try {
      file = BoundedFiles.readBytes(f, MAX_KEY_FILE);
    } catch (IOException e) {
      throw new IOException(
          "can't read --verify-gpg-keys " + f + ": " + BoundedFiles.reason(f, e), e);
    }
    String digest = sha256(file);
    if (keyring != null && keyring.digest().equals(digest)) {
      return keyring;
    }
    byte[] bin;
    try {
      bin = OpenPgpKeys.binary(file);
    } catch (IllegalArgumentException e) {
      if (strict) {
        throw new IOException("--verify-gpg-keys " + f + ": " + e.getMessage(), e);
      }
      log.error(
          e.getMessage(),
          "--verify-gpg-keys no longer holds usable keys: no OpenPGP signature is trusted until it"
              + " is fixed",
          "path",
          f.toString());
      bin = new byte[0];
    }
    Path home = makeHome(bin);
    int keys = bin.length == 0 ? 0 : listKeys(home);
    if (bin.length > 0 && keys == 0) {
      FileOps.removeAll(home);
      throw new IOException("--verify-gpg-keys " + f + ": gpg finds no usable public key in it");
    }
    Keyring old = keyring;
    keyring = new Keyring(home, digest, keys);
    if (old != null) {
      log.info(0, "--verify-gpg-keys changed: keyring rebuilt", "count", keys);
      removeHome(old.home());
    }
    return keyring;
  }

  /**
   * A private GnuPG home holding {@code keys}. gpg imports them, rather than taking the packets as
   * its keyring file: a revocation certificate is a block of its own, after the key in the file,
   * and only an import puts it with its key (written as it came, gpg read it as a signature on the
   * key's last user id or subkey, and the key stayed valid).
   */
  private Path makeHome(byte[] keys) throws IOException, InterruptedException {
    Path home =
        Files.createTempDirectory(
            stateDir,
            "gnupg.",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.write(home.resolve("pubring.gpg"), new byte[0]);
    Files.writeString(
        home.resolve("gpg.conf"),
        "trust-model always\nno-autostart\nno-auto-key-retrieve\nno-auto-key-locate\n",
        StandardCharsets.UTF_8);
    if (keys.length > 0) {
      Path in = home.resolve("import.gpg");
      Files.write(in, keys);
      Result r;
      try {
        r = gpg(home, "--quiet", "--import", in.toString());
      } catch (IOException | InterruptedException | RuntimeException e) {
        FileOps.removeAll(home);
        throw e;
      }
      Files.delete(in);
      Files.deleteIfExists(home.resolve("pubring.gpg~"));
      if (!r.ok() && Files.size(home.resolve("pubring.gpg")) == 0) {
        FileOps.removeAll(home);
        throw new IOException(
            "gpg can't import --verify-gpg-keys: " + Verdict.clip(r.stderr().strip()));
      }
    }
    // Read-only from now on: verifying needs nothing written.
    for (Path f : FileOps.list(home)) {
      if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
      }
    }
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("r-x------"));
    return home;
  }

  private void removeHome(Path home) {
    try {
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
      FileOps.removeAll(home);
    } catch (IOException e) {
      log.info(1, "can't remove an old keyring", "path", home.toString());
    }
  }

  /** gpg on the private home {@code home}, in batch mode, given 60 s. */
  private Result gpg(Path home, String... args) throws IOException, InterruptedException {
    List<String> argv =
        new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty"));
    argv.addAll(List.of(args));
    return runner.run(new Command(argv, stateDir, Map.of(), Duration.ofSeconds(60)));
  }

  /** How many public keys gpg lists in the keyring. */
  private int listKeys(Path home) throws IOException, InterruptedException {
    Result r = gpg(home, "--with-colons", "--list-keys");
    if (!r.ok()) {
      throw new IOException(
          "gpg can't read --verify-gpg-keys: " + Verdict.clip(r.stderr().strip()));
    }
    List<String> fingerprints = new ArrayList<>();
    int keys = 0;
    boolean primary = false;
    for (String l : r.stdout().split("\n")) {
      if (l.startsWith("pub:")) {
        keys++;
        primary = true;
      } else if (l.startsWith("fpr:") && primary) {
        String[] f = l.split(":", -1);
        fingerprints.add(f.length > 9 ? f[9] : "");
        primary = false;
      } else if (l.startsWith("sub:")) {
        primary = false;
      }
    }
    log.info(1, "trusted OpenPGP keys", "fingerprints", String.join(",", fingerprints));
    return keys;
  }

  private static void requireProgram(String name, String flag, String pkg) throws IOException {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return;
      }
    }
    throw new IOException(
        flag + " needs " + name + " (Debian package " + pkg + "), which is not on $PATH");
  }

  private static String sha256(byte[] b) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Removes the private keyrings. */
  @Override
  public void close() {
    if (keyring != null) {
      removeHome(keyring.home());
      keyring = null;
    }
  }
}
