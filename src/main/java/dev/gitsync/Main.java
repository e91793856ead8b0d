package dev.gitsync;

import dev.gitsync.auth.Authenticator;
import dev.gitsync.cli.ArgParser;
import dev.gitsync.cli.ConfigFactory;
import dev.gitsync.cli.Manual;
import dev.gitsync.cli.ParsedOptions;
import dev.gitsync.config.Config;
import dev.gitsync.config.GitConfigEntry;
import dev.gitsync.config.HookSettings;
import dev.gitsync.fs.AbsPath;
import dev.gitsync.fs.AddUser;
import dev.gitsync.fs.LockFiles;
import dev.gitsync.git.Git;
import dev.gitsync.git.GitConfigFile;
import dev.gitsync.git.GitException;
import dev.gitsync.git.SshCommand;
import dev.gitsync.hooks.ExecHook;
import dev.gitsync.hooks.HookContext;
import dev.gitsync.hooks.HookException;
import dev.gitsync.hooks.HookObserver;
import dev.gitsync.hooks.HookRunner;
import dev.gitsync.hooks.PrePublishGate;
import dev.gitsync.hooks.Sleeper;
import dev.gitsync.hooks.WebHook;
import dev.gitsync.http.AdminServer;
import dev.gitsync.http.Health;
import dev.gitsync.http.JdkHttpTransport;
import dev.gitsync.log.ErrorFile;
import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import dev.gitsync.metrics.Metrics;
import dev.gitsync.notify.Notifier;
import dev.gitsync.notify.NotifyTest;
import dev.gitsync.process.SystemProcessRunner;
import dev.gitsync.sync.Preflight;
import dev.gitsync.sync.PublishGate;
import dev.gitsync.sync.Signals;
import dev.gitsync.sync.SyncException;
import dev.gitsync.sync.SyncLoop;
import dev.gitsync.sync.SyncPass;
import dev.gitsync.sync.Trigger;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root: parse the command line, build the parts, run the sync loop, and pick the
 * exit code. It is the only class that calls {@link System#exit}.
 */
public final class Main {
  private static final Duration STARTUP_COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DRAIN_ON_EXIT = Duration.ofSeconds(10);

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final AtomicInteger stopSignal = new AtomicInteger();

  private Main(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  /** Runs git-sync and exits with its exit code. */
  public static void main(String[] args) {
    int code = new Main(System.getenv(), System.out, System.err).run(List.of(args));
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** The program version, from the jar manifest. */
  public static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private int run(List<String> args) {
    ParsedOptions p = ArgParser.parse(args, env);
    p.warnings().forEach(err::println);
    if (!p.envErrors().isEmpty()) {
      p.envErrors().forEach(err::println);
      return 1;
    }
    if (!p.usageErrors().isEmpty()) {
      p.usageErrors().forEach(e -> err.println("ERROR: " + e));
      err.println("Run 'git-sync --help' for usage.");
      return 2;
    }
    if (p.bool("help")) {
      out.print(Manual.help());
      return 0;
    }
    if (p.bool("man")) {
      out.print(Manual.man());
      return 0;
    }
    if (p.bool("version")) {
      out.println(version());
      return 0;
    }
    Path cwd = Path.of("").toAbsolutePath();
    ConfigFactory.Result r = ConfigFactory.build(p, cwd, env);
    if (r.config().isEmpty()) {
      r.errors().forEach(e -> err.println("ERROR: " + Redactor.redactUrls(e)));
      err.println("Run 'git-sync --help' for usage.");
      writeConfigErrorFile(p, cwd, r.errors());
      return 1;
    }
    if (r.config().get().notifications().test()) {
      return notifyTest(r.config().get());
    }
    return sync(r.config().get());
  }

  private static Notifier.Settings notifySettings(Config config, Path outbox) {
    Map<String, String> env = System.getenv();
    String pod = env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", ""));
    if (pod.isEmpty()) {
      try {
        pod = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        pod = "unknown";
      }
    }
    List<String> urls = new ArrayList<>();
    config.notifications().urls().forEach(u -> urls.add(u.reveal()));
    return new Notifier.Settings(
        urls,
        config.notifications().file().map(f -> AbsPath.of(f, Path.of("").toAbsolutePath()).path()),
        outbox,
        config.notifications().failureThreshold(),
        config.notifications().repeatInterval(),
        config.notifications().maxAge(),
        pod,
        env.getOrDefault("POD_NAMESPACE", ""),
        config.groupWrite());
  }

  /**
   * {@code --notify-test}: one message to every sink, one line per result, exit 0 if all worked.
   */
  private int notifyTest(Config config) {
    Log log =
        new Log(
            "notify",
            config.verbosity(),
            err,
            Clock.systemDefaultZone(),
            new Redactor(),
            Optional.empty());
    Path outbox = AbsPath.of(config.notifications().outbox(), config.root().path()).path();
    try (JdkHttpTransport transport = new JdkHttpTransport(false)) {
      return NotifyTest.run(
          notifySettings(config, outbox),
          transport,
          log,
          Clock.systemDefaultZone(),
          out,
          config.repo(),
          config.ref());
    } catch (InterruptedException e) {
      return 128 + stopSignal.get();
    }
  }

  /** Config errors also go to the error file, as plain text, when its path is known. */
  private void writeConfigErrorFile(ParsedOptions p, Path cwd, List<String> errors) {
    String file = p.string("error-file");
    String root = p.string("root");
    if (file.isEmpty() || root.isEmpty() && !Path.of(file).isAbsolute()) {
      return;
    }
    try {
      Path base = root.isEmpty() ? cwd : AbsPath.of(root, cwd).path();
      new ErrorFile(AbsPath.of(file, base).path())
          .write(Redactor.redactUrls(String.join("\n", errors)) + "\n");
    } catch (IOException | RuntimeException e) {
      err.println("ERROR: can't write error file: " + e.getMessage());
    }
  }

  private int sync(Config config) {
    Redactor redactor = new Redactor();
    Optional<ErrorFile> errorFile =
        config.errorFile().map(f -> new ErrorFile(AbsPath.of(f, config.root().path()).path()));
    Clock clock = Clock.systemDefaultZone();
    Log log = new Log("", config.verbosity(), err, clock, redactor, errorFile);
    log.info(
        0,
        "starting up",
        "version",
        version(),
        "pid",
        ProcessHandle.current().pid(),
        "uid",
        ids("uid"),
        "gid",
        ids("gid"),
        "home",
        env.getOrDefault("HOME", ""),
        "flags",
        config.startupFlags());

    AbsPath root;
    try {
      Files.createDirectories(config.root().path());
      if (config.groupWrite()) {
        Files.setPosixFilePermissions(
            config.root().path(), PosixFilePermissions.fromString("rwxrwxr-x"));
      }
      root = AbsPath.of(config.root().path().toRealPath());
    } catch (IOException e) {
      log.error(
          String.valueOf(e.getMessage()),
          "can't create or resolve --root",
          "path",
          config.root().toString());
      return 1;
    }
    if (config.addUser()) {
      try {
        if (AddUser.ensure(
            Path.of("/etc/passwd"), ids("uid"), ids("gid"), env.getOrDefault("HOME", "/tmp"))) {
          log.info(1, "added user to /etc/passwd", "uid", ids("uid"));
        }
      } catch (IOException e) {
        log.error(String.valueOf(e.getMessage()), "can't add user (--add-user)");
        return 1;
      }
    }

    Path privateDir = null;
    try (SystemProcessRunner runner =
        new SystemProcessRunner(config.groupWrite() ? "0002" : null)) {
      // Owner-only: holds the git config and the credential cache's socket.
      privateDir = Files.createTempDirectory("git-sync.");
      Path gitConfig = privateDir.resolve("gitconfig");
      Path cacheSocket = privateDir.resolve("credential-cache.sock");
      GitConfigFile cfg =
          defaultGitConfig(cacheSocket, Authenticator.cacheTimeout(config.syncTimeout()));
      config
          .auth()
          .cookieFile()
          .ifPresent(f -> cfg.apply(new GitConfigEntry("http.cookieFile", f, false)));
      try {
        config.gitConfig().forEach(cfg::apply);
      } catch (IllegalArgumentException e) {
        log.error(e.getMessage(), "invalid flag: --git-config");
        return 1;
      }
      cfg.write(gitConfig);
      Map<String, String> gitEnv = new HashMap<>();
      gitEnv.put("GIT_CONFIG_GLOBAL", gitConfig.toString());
      gitEnv.put("GIT_CONFIG_NOSYSTEM", "true");
      gitEnv.put(
          "GIT_SSH_COMMAND",
          SshCommand.compose(
              env.getOrDefault("GIT_SSH_COMMAND", ""),
              config.verbosity(),
              config.ssh().keyFiles(),
              config.ssh().knownHosts(),
              config.ssh().knownHostsFile()));
      // One CA bundle for everything: git reads GIT_SSL_CAINFO, not SSL_CERT_FILE.
      if (!env.getOrDefault("SSL_CERT_FILE", "").isEmpty() && !env.containsKey("GIT_SSL_CAINFO")) {
        gitEnv.put("GIT_SSL_CAINFO", env.get("SSL_CERT_FILE"));
      }
      Git git = new Git(runner, config.git(), gitEnv, clock, log);
      try {
        git.deadlineIn(STARTUP_COMMAND_TIMEOUT);
        log.info(0, "git version", "version", git.version(root.path()));
      } catch (GitException e) {
        log.error(e.getMessage(), "can't run git (--git)", "git", config.git());
        return 1;
      }
      try {
        return loop(config, git, runner, gitEnv, log, clock, root, errorFile);
      } finally {
        if (config.auth().storesCredentials()) {
          stopCredentialCache(git, root, cacheSocket, log);
        }
      }
    } catch (IOException e) {
      log.error(String.valueOf(e.getMessage()), "can't write the private git config");
      return 1;
    } catch (InterruptedException e) {
      return 128 + stopSignal.get();
    } finally {
      if (privateDir != null) {
        try {
          dev.gitsync.fs.FileOps.removeAll(privateDir);
        } catch (IOException ignored) {
          // A leftover temp dir is harmless.
        }
      }
    }
  }

  private int loop(
      Config config,
      Git git,
      SystemProcessRunner runner,
      Map<String, String> gitEnv,
      Log log,
      Clock clock,
      AbsPath root,
      Optional<ErrorFile> errorFile) {
    Thread main = Thread.currentThread();
    Signals.onShutdown(
        n -> {
          if (stopSignal.compareAndSet(0, n)) {
            main.interrupt();
          }
        });
    Trigger trigger = new Trigger();
    if (config.syncOnSignal().isPresent()) {
      try {
        Signals.onSync(config.syncOnSignal().get(), trigger::fire);
      } catch (IllegalArgumentException e) {
        log.error(e.getMessage(), "invalid flag: --sync-on-signal");
        return 1;
      }
    }
    AbsPath link = AbsPath.of(config.link(), root.path());
    Metrics metrics = new Metrics();
    Duration maxAge =
        config.http().readyMaxPeriods() == 0
            ? Duration.ZERO
            : config
                .period()
                .multipliedBy(config.http().readyMaxPeriods())
                .plus(config.syncTimeout());
    Health health = new Health(clock, maxAge);
    List<AutoCloseable> owned = new ArrayList<>();
    boolean sleeping = false;
    try {
      if (config.http().bind().isPresent()) {
        AdminServer server;
        try {
          server =
              new AdminServer(
                  config.http().bind().get(),
                  health,
                  config.http().metrics() ? Optional.of(metrics) : Optional.empty(),
                  config.http().pprof(),
                  log);
        } catch (IOException e) {
          log.error(
              String.valueOf(e.getMessage()),
              "can't start HTTP server (--http-bind)",
              "bind",
              config.http().bind().get().toString());
          return 1;
        }
        owned.add(server);
        server.start();
        log.info(
            0, "serving HTTP", "endpoint", config.http().bind().get().host() + ":" + server.port());
      }
      JdkHttpTransport transport = new JdkHttpTransport();
      owned.add(transport);
      // Deliveries never follow redirects (a redirected POST becomes a GET whose 200 would count
      // as delivered); neither does askpass (upstream takes its answer as it is).
      JdkHttpTransport noRedirects = new JdkHttpTransport(false);
      owned.add(noRedirects);
      if (config.webhook().isPresent()) {
        // The first webhook should not pay for making the HTTP client.
        boolean tls = config.webhook().get().url().reveal().startsWith("https:");
        Thread warm = new Thread(() -> transport.warmUp(tls), "webhook-warm-up");
        warm.setDaemon(true);
        warm.start();
      }
      Optional<Notifier> notifier = Optional.empty();
      Path outbox = AbsPath.of(config.notifications().outbox(), root.path()).path();
      if (config.notifications().enabled()) {
        try {
          Notifier n =
              new Notifier(
                  notifySettings(config, outbox),
                  noRedirects,
                  log.named("notify"),
                  clock,
                  metrics::notification,
                  config.repo(),
                  config.ref());
          owned.add(n);
          n.start();
          metrics.notificationQueues(n::queues);
          notifier = Optional.of(n);
        } catch (IOException e) {
          log.error(
              String.valueOf(e.getMessage()),
              "can't open the notification outbox" + " (--notify-outbox)",
              "path",
              outbox.toString());
          return 1;
        }
      }
      Optional<Notifier> notify = notifier;
      HookObserver observer =
          (name, ok, hash, error) -> {
            metrics.hookRan(name, ok);
            if (!ok) {
              notify.ifPresent(n -> n.hookFailed(name, hash, error));
            }
          };
      List<HookRunner> runners = new ArrayList<>();
      if (config.exechook().isPresent()) {
        HookSettings h = config.exechook().get();
        Log hookLog = log.named("exechook");
        runners.add(
            new HookRunner(
                new ExecHook("exechook", h, runner, gitEnv, hookLog),
                h.backoff(),
                config.oneTime(),
                hookLog,
                observer,
                Sleeper.SYSTEM));
      }
      if (config.webhook().isPresent()) {
        Log hookLog = log.named("webhook");
        runners.add(
            new HookRunner(
                new WebHook(config.webhook().get(), transport, hookLog),
                config.webhook().get().backoff(),
                config.oneTime(),
                hookLog,
                observer,
                Sleeper.SYSTEM));
      }
      for (HookRunner r : runners) {
        owned.add(r);
        r.start();
      }
      PublishGate gate = PublishGate.OPEN;
      if (config.prePublishHook().isPresent()) {
        HookSettings h = config.prePublishHook().get();
        Log hookLog = log.named("pre-publish-exechook");
        PrePublishGate pre =
            new PrePublishGate(
                new ExecHook("pre-publish-exechook", h, runner, gitEnv, hookLog),
                h.backoff(),
                clock,
                Sleeper.SYSTEM,
                observer,
                hookLog);
        String repo = Redactor.redactUrls(config.repo());
        gate =
            (hash, previous, worktree, deadline) -> {
              try {
                pre.check(
                    new HookContext(
                        hash.hex(),
                        previous.map(Object::toString).orElse(""),
                        config.ref(),
                        repo,
                        link.toString(),
                        worktree.path(),
                        clock.instant()),
                    deadline);
              } catch (HookException e) {
                throw new SyncException(log.redactor().redact(e.getMessage()), e);
              }
            };
      }
      List<Path> preserve = new ArrayList<>();
      if (outbox.startsWith(root.path()) && !outbox.equals(root.path())) {
        preserve.add(root.path().resolve(root.path().relativize(outbox).getName(0)));
      }
      Preflight preflight = Preflight.NONE;
      if (config.auth().storesCredentials()) {
        preflight =
            new Authenticator(
                    config.auth(),
                    config.repo(),
                    git,
                    // Not --root: it may be gone (the pass re-creates it after this step).
                    Path.of("/"),
                    noRedirects,
                    log.redactor(),
                    log,
                    clock,
                    metrics)
                ::refresh;
      }
      SyncPass pass = new SyncPass(config, git, log, clock, root, link, gate, preserve, preflight);
      SyncEvents events =
          new SyncEvents(
              metrics,
              health,
              runners,
              notifier,
              git,
              root.path(),
              log,
              clock,
              config.ref(),
              config.repo(),
              link.toString());
      SyncLoop loop =
          new SyncLoop(
              config,
              pass,
              log,
              clock,
              trigger,
              config.touchFile().map(f -> AbsPath.of(f, root.path()).path()),
              errorFile,
              events);
      SyncLoop.End end = loop.run();
      if (end == SyncLoop.End.FAILURE) {
        if (notifier.isPresent()) {
          notifier.get().givingUp(loop.lastError(), loop.lastFailCount(), events.currentHash());
          notifier.get().drain(DRAIN_ON_EXIT);
        }
        return 1;
      }
      if (end == SyncLoop.End.SUCCESS) {
        int status = 0;
        for (HookRunner r : runners) {
          if (!r.firstResult()) {
            status = 1;
          }
        }
        if (notifier.isPresent() && !notifier.get().drain(DRAIN_ON_EXIT)) {
          log.info(
              0,
              "notifications still pending at exit; they stay in the outbox for the next"
                  + " start");
        }
        log.info(0, "exiting after one sync", "status", status);
        return status;
      }
      health.idle();
      sleeping = true;
      Trigger.sleepForever();
      return 0;
    } catch (InterruptedException e) {
      log.info(0, "shutting down", "signal", stopSignal.get());
      try {
        for (Path lock : LockFiles.removeStale(root.path().resolve(".git"))) {
          log.info(0, "removed lock file left by a stopped git process", "path", lock.toString());
        }
      } catch (IOException io) {
        log.error(String.valueOf(io.getMessage()), "can't remove lock files");
      }
      return sleeping ? 0 : 128 + stopSignal.get();
    } finally {
      Collections.reverse(owned);
      for (AutoCloseable c : owned) {
        try {
          c.close();
        } catch (Exception e) {
          log.error(String.valueOf(e.getMessage()), "error while stopping");
        }
      }
    }
  }

  /**
   * Stops the credential cache daemon so that no password outlives the process in memory. Best
   * effort: the daemon also exits by itself when its entries expire.
   */
  private static void stopCredentialCache(Git git, AbsPath root, Path socket, Log log) {
    if (!Files.exists(socket)) {
      return;
    }
    try {
      git.deadlineIn(Duration.ofSeconds(5));
      git.run(root.path(), "credential-cache", "--socket", socket.toString(), "exit");
    } catch (GitException e) {
      log.error(e.getMessage(), "can't stop the git credential cache");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Upstream's defaults. The credential cache's socket is private to this process (upstream's is in
   * $HOME, shared by every git-sync with the same HOME, such as two sidecars in one pod), and its
   * entries expire after {@code cacheTimeout} rather than an hour (see {@link Authenticator}).
   */
  private static GitConfigFile defaultGitConfig(Path cacheSocket, Duration cacheTimeout) {
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
    // As released v4.7.1: volumes are often owned by another UID (upstream #696).
    f.apply(new GitConfigEntry("safe.directory", "*", false));
    return f;
  }

  private static int ids(String which) {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:" + which);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
