package dev.gitsync.git;

import dev.gitsync.config.GitConfigEntry;
import dev.gitsync.fs.FileOps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every git process runs with: a private global git config (upstream's defaults, the cookie
 * file, {@code --git-config}), {@code GIT_SSH_COMMAND}, and one CA bundle for git and the JVM.
 *
 * <p>The config and the credential cache's socket live in an owner-only temporary directory, which
 * {@link #close()} removes. Upstream's cache socket is under {@code $HOME}, shared by every
 * git-sync with the same HOME (two sidecars in one pod); here it is private to the process, and its
 * entries expire after {@code cacheTimeout} rather than an hour.
 */
public final class GitEnvironment implements AutoCloseable {
  private final Path dir;
  private final Path cacheSocket;
  private final Map<String, String> env;

  /**
   * What the environment is made of.
   *
   * @param cacheTimeout how long the credential cache keeps an entry
   * @param cookieFile {@code http.cookieFile}, if any
   * @param gitConfig the {@code --git-config} and {@code --git-config-add} entries (validated)
   * @param verbosity the {@code -v} level (ssh gets {@code -v} from 5 on)
   * @param sshKeyFiles the {@code --ssh-key-file} values
   * @param knownHosts whether ssh checks host keys
   * @param knownHostsFile the known_hosts file
   */
  public record Settings(
      Duration cacheTimeout,
      Optional<String> cookieFile,
      List<GitConfigEntry> gitConfig,
      int verbosity,
      List<String> sshKeyFiles,
      boolean knownHosts,
      String knownHostsFile) {}

  private GitEnvironment(Path dir, Path cacheSocket, Map<String, String> env) {
    this.dir = dir;
    this.cacheSocket = cacheSocket;
    this.env = Map.copyOf(env);
  }

  /**
   * Writes the private config.
   *
   * @param processEnv this process's environment ({@code $GIT_SSH_COMMAND}, {@code $SSL_CERT_FILE},
   *     {@code $GIT_SSL_CAINFO})
   */
  public static GitEnvironment create(Settings s, Map<String, String> processEnv)
      throws IOException {
    return create(s, processEnv, Optional.empty());
  }

  /** The name of the private directory under {@code --root} when no temporary one can be made. */
  public static final String UNDER_ROOT = ".git-sync-private";

  /**
   * Writes the private config into an owner-only temporary directory, or, when none can be made (a
   * read-only root file system without a writable {@code /tmp}), into {@code fallback}'s {@value
   * #UNDER_ROOT} (made afresh: a previous run's is removed first).
   */
  public static GitEnvironment create(
      Settings s, Map<String, String> processEnv, Optional<Path> fallback) throws IOException {
    Path dir;
    boolean underRoot = false;
    try {
      dir =
          privateDir(
              Path.of(System.getProperty("java.io.tmpdir")),
              () -> java.util.concurrent.ThreadLocalRandom.current().nextLong());
    } catch (IOException noTemp) {
      underRoot = true;
      if (fallback.isEmpty()) {
        throw noTemp;
      }
      dir = fallback.get().resolve(UNDER_ROOT);
      FileOps.removeAll(dir);
      Files.createDirectories(
          dir,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    }
    try {
      Path cacheSocket = dir.resolve("credential-cache.sock");
      GitConfigFile cfg = defaults(cacheSocket, s.cacheTimeout());
      s.cookieFile().ifPresent(f -> cfg.apply(new GitConfigEntry("http.cookieFile", f, false)));
      s.gitConfig().forEach(cfg::apply);
      Path gitConfig = dir.resolve("gitconfig");
      cfg.write(gitConfig);
      Map<String, String> env = new HashMap<>();
      if (underRoot) {
        // git's own temporary files (a signature and its payload for verify-commit, which gpg
        // and ssh-keygen read) go to $TMPDIR, else /tmp.
        env.put("TMPDIR", dir.toString());
      }
      env.put("GIT_CONFIG_GLOBAL", gitConfig.toString());
      env.put("GIT_CONFIG_NOSYSTEM", "true");
      env.put(
          "GIT_SSH_COMMAND",
          SshCommand.compose(
              processEnv.getOrDefault("GIT_SSH_COMMAND", ""),
              s.verbosity(),
              s.sshKeyFiles(),
              s.knownHosts(),
              s.knownHostsFile()));
      // One CA bundle for everything: git reads GIT_SSL_CAINFO, not SSL_CERT_FILE.
      String bundle = processEnv.getOrDefault("SSL_CERT_FILE", "");
      if (!bundle.isEmpty() && !processEnv.containsKey("GIT_SSL_CAINFO")) {
        env.put("GIT_SSL_CAINFO", bundle);
      }
      return new GitEnvironment(dir, cacheSocket, env);
    } catch (IOException | RuntimeException e) {
      FileOps.removeAll(dir);
      throw e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
    }
  }

  /** How many names {@link #privateDir} tries before it gives up. */
  static final int NAME_ATTEMPTS = 100;

  /**
   * Makes {@code parent/git-sync.<random>}, owner-only, as {@link Files#createTempDirectory} does,
   * but without {@link java.security.SecureRandom}: initialising it costs every start about 5 ms
   * (security providers, {@code /dev/random}), and no secret rests on the name. What keeps the
   * directory private is that {@code mkdir} creates it, atomically, with mode 0700, and fails on
   * any existing name (a symbolic link included), in which case another name is tried.
   */
  static Path privateDir(Path parent, java.util.function.LongSupplier random) throws IOException {
    java.nio.file.attribute.FileAttribute<?> ownerOnly =
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    for (int i = 0; i < NAME_ATTEMPTS; i++) {
      Path dir = parent.resolve("git-sync." + Long.toUnsignedString(random.getAsLong(), 36));
      try {
        return Files.createDirectory(dir, ownerOnly);
      } catch (java.nio.file.FileAlreadyExistsException taken) {
        // Another process's (or a planted) name: draw again.
      }
    }
    throw new IOException(
        "can't make a private directory in " + parent + ": " + NAME_ATTEMPTS + " names were taken");
  }

  /**
   * Upstream's defaults, with the private cache socket, and {@code safe.directory=*} as released
   * v4.7.1 sets it (volumes are often owned by another UID, upstream #696).
   */
  private static GitConfigFile defaults(Path cacheSocket, Duration cacheTimeout) {
    GitConfigFile f = new GitConfigFile();
    f.apply(new GitConfigEntry("gc.autoDetach", "false", false));
    f.apply(new GitConfigEntry("gc.pruneExpire", "now", false));
    f.apply(
        new GitConfigEntry(
            "credential.helper",
            "cache --timeout "
                + cacheTimeout.toSeconds()
                + " --socket '"
                + cacheSocket.toString().replace("'", "'\\''")
                + "'",
            false));
    f.apply(new GitConfigEntry("core.askPass", "true", false));
    f.apply(new GitConfigEntry("safe.directory", "*", false));
    return f;
  }

  /** Validates {@code --git-config} entries as the private config will apply them. */
  public static void validate(List<GitConfigEntry> entries) {
    GitConfigFile f = new GitConfigFile();
    entries.forEach(f::apply);
  }

  /** The variables every git process gets. */
  public Map<String, String> env() {
    return env;
  }

  /** The owner-only directory of this process's private state. */
  public Path dir() {
    return dir;
  }

  /** The credential cache's socket. */
  public Path cacheSocket() {
    return cacheSocket;
  }

  /** Removes the private directory (the config and the socket). */
  @Override
  public void close() throws IOException {
    FileOps.removeAll(dir);
  }
}
