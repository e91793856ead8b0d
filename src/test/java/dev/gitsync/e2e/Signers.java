package dev.gitsync.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real signing keys made by the test: SSH keys with ssh-keygen, OpenPGP keys with gpg in a GnuPG
 * home of the test's own, and commits and tags signed with them by the real git.
 */
final class Signers {
  final Path dir;
  final Path gnupg;

  Signers(Path dir) throws IOException {
    this.dir = dir;
    this.gnupg = dir.resolve("gnupg");
    Files.createDirectories(
        gnupg, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /** A new ed25519 SSH key; returns the private key's path ({@code .pub} beside it). */
  Path sshKey(String name) throws IOException, InterruptedException {
    Path key = dir.resolve(name);
    run(
        dir,
        Map.of(),
        "ssh-keygen",
        "-q",
        "-t",
        "ed25519",
        "-N",
        "",
        "-C",
        name,
        "-f",
        key.toString());
    return key;
  }

  /** An allowed_signers line for {@code key} with {@code options} (may be empty). */
  static String allowed(String principal, String options, Path key) throws IOException {
    String pub = Files.readString(Path.of(key + ".pub")).strip();
    String[] f = pub.split(" ");
    return principal + (options.isEmpty() ? "" : " " + options) + " " + f[0] + " " + f[1] + "\n";
  }

  /**
   * A new OpenPGP signing key for {@code email}; with {@code fakedTime} ("20200101T000000") made
   * then, valid for {@code expire} ("1d", "1y").
   */
  void gpgKey(String email, String fakedTime, String expire)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("gpg", "--batch", "--quiet"));
    if (!fakedTime.isEmpty()) {
      argv.add("--faked-system-time");
      argv.add(fakedTime + "!");
    }
    argv.addAll(
        List.of(
            "--passphrase",
            "",
            "--quick-gen-key",
            "Test <" + email + ">",
            "ed25519",
            "sign",
            expire));
    run(dir, gpgEnv(), argv.toArray(new String[0]));
  }

  /** The public keys of {@code emails}, armored, written to {@code file}. */
  Path exportArmored(Path file, String... emails) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("gpg", "--batch", "--armor", "--export"));
    argv.addAll(List.of(emails));
    Files.writeString(file, run(dir, gpgEnv(), argv.toArray(new String[0])) + "\n");
    return file;
  }

  /** The secret key of {@code email}, armored. */
  String exportSecret(String email) throws IOException, InterruptedException {
    return run(
        dir,
        gpgEnv(),
        "gpg",
        "--batch",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--armor",
        "--export-secret-keys",
        email);
  }

  Map<String, String> gpgEnv() {
    return Map.of("GNUPGHOME", gnupg.toString());
  }

  /** A gpg wrapper that signs as if at {@code fakedTime} (for a key that has expired since). */
  Path gpgAt(String fakedTime) throws IOException {
    Path w = dir.resolve("gpg-at-" + fakedTime);
    Files.writeString(w, "#!/bin/sh\nexec gpg --faked-system-time " + fakedTime + "! \"$@\"\n");
    w.toFile().setExecutable(true);
    return w;
  }

  /** Commits a change signed with SSH {@code key}. */
  String sshCommit(Repo repo, Path key, String file, String content)
      throws IOException, InterruptedException {
    return signedCommit(
        repo,
        Map.of(),
        List.of("-c", "gpg.format=ssh", "-c", "user.signingkey=" + key),
        file,
        content);
  }

  /** Commits a change signed with SSH {@code key}, claiming to be made at {@code date}. */
  String sshCommitAt(Repo repo, Path key, String file, String content, String date)
      throws IOException, InterruptedException {
    return signedCommit(
        repo,
        Map.of("GIT_COMMITTER_DATE", date, "GIT_AUTHOR_DATE", date),
        List.of("-c", "gpg.format=ssh", "-c", "user.signingkey=" + key),
        file,
        content);
  }

  /** Commits a change signed with the OpenPGP key of {@code email} (gpg {@code program}). */
  String gpgCommit(Repo repo, String email, String program, String file, String content)
      throws IOException, InterruptedException {
    return signedCommit(
        repo,
        gpgEnv(),
        List.of(
            "-c",
            "gpg.format=openpgp",
            "-c",
            "gpg.program=" + program,
            "-c",
            "user.signingkey=" + email),
        file,
        content);
  }

  private String signedCommit(
      Repo repo, Map<String, String> env, List<String> config, String file, String content)
      throws IOException, InterruptedException {
    Files.writeString(repo.dir.resolve(file), content, StandardCharsets.UTF_8);
    repo.git("add", "-A");
    List<String> argv = new ArrayList<>(List.of("git"));
    argv.addAll(config);
    argv.addAll(List.of("commit", "-q", "-S", "-m", "signed " + content));
    run(repo.dir, env, argv.toArray(new String[0]));
    return repo.head();
  }

  /** An annotated tag signed with SSH {@code key}. */
  void sshTag(Repo repo, Path key, String tag) throws IOException, InterruptedException {
    run(
        repo.dir,
        Map.of(),
        "git",
        "-c",
        "gpg.format=ssh",
        "-c",
        "user.signingkey=" + key,
        "tag",
        "-s",
        "-m",
        "release " + tag,
        tag);
  }

  static String run(Path cwd, Map<String, String> env, String... argv)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(List.of(argv) + " failed: " + out);
    }
    return out.trim();
  }
}
