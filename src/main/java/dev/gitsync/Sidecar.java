package dev.gitsync;

import dev.gitsync.auth.Authenticator;
import dev.gitsync.config.Config;
import dev.gitsync.config.HookSettings;
import dev.gitsync.config.KubeEventsSettings;
import dev.gitsync.config.LeaderElection;
import dev.gitsync.config.RootPaths;
import dev.gitsync.fs.AbsPath;
import dev.gitsync.fs.AddUser;
import dev.gitsync.fs.LockFiles;
import dev.gitsync.git.Git;
import dev.gitsync.git.GitEnvironment;
import dev.gitsync.git.GitException;
import dev.gitsync.hooks.ExecHook;
import dev.gitsync.hooks.HookContext;
import dev.gitsync.hooks.HookException;
import dev.gitsync.hooks.HookObserver;
import dev.gitsync.hooks.HookRunner;
import dev.gitsync.hooks.PrePublishGate;
import dev.gitsync.hooks.WebHook;
import dev.gitsync.http.AdminServer;
import dev.gitsync.http.Health;
import dev.gitsync.http.JdkHttpTransport;
import dev.gitsync.kube.KubeEvents;
import dev.gitsync.kube.LeaderElector;
import dev.gitsync.kube.RestLeaseApi;
import dev.gitsync.log.ErrorFile;
import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import dev.gitsync.metrics.Metrics;
import dev.gitsync.notify.Notifier;
import dev.gitsync.process.SystemProcessRunner;
import dev.gitsync.sync.LoopEnd;
import dev.gitsync.sync.Preflight;
import dev.gitsync.sync.PublishGate;
import dev.gitsync.sync.Signals;
import dev.gitsync.sync.SyncException;
import dev.gitsync.sync.SyncLoop;
import dev.gitsync.sync.SyncPass;
import dev.gitsync.time.Time;
import dev.gitsync.time.Wakeup;
import dev.gitsync.trigger.TriggerServer;
import dev.gitsync.verify.Verifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running sidecar, wired from a valid {@link Config}: it prepares the root and git's
 * environment, starts the parts in order (each registered with the {@link Lifecycle}, which stops
 * them in reverse), runs the sync loop and turns how it ended into an exit code.
 */
final class Sidecar {
  private static final Duration STARTUP_COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DRAIN_ON_EXIT = Duration.ofSeconds(10);

  private final Config config;
  private final Map<String, String> env;
  private final Time clock = Time.SYSTEM;
  private final Log log;
  private final Optional<ErrorFile> errorFile;
  private final AtomicInteger stopSignal = new AtomicInteger();
  private final Metrics metrics = new Metrics();
  private Health health;
  private AbsPath root;
  private SystemProcessRunner runner;
  private Map<String, String> gitEnv;

  Sidecar(Config config, Map<String, String> env, PrintStream err) {
    this.config = config;
    this.env = env;
    this.errorFile =
        config.errorFile().map(f -> new ErrorFile(AbsPath.of(f, config.root().path()).path()));
    this.log = new Log("", config.verbosity(), err, clock, new Redactor(), errorFile);
  }

  /** Runs until the loop ends or a signal stops it; returns the exit code. */
  int run() {
    log.info(
        0,
        "starting up",
        "version",
        Main.version(),
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
    if (!prepareRoot() || !addUser()) {
      return 1;
    }
    boolean idle = false;
    try (Lifecycle life = new Lifecycle(log)) {
      try {
        Git git = startGit(life);
        Wakeup wakeup = handleSignals();
        LoopEnd end = build(life, git, wakeup).run();
        if (end instanceof LoopEnd.Idle) {
          health.idle();
          idle = true;
          Wakeup.sleepForever();
        }
        return exitCode(end);
      } catch (InterruptedException e) {
        log.info(0, "shutting down", "signal", stopSignal.get());
        removeLocks();
        return idle ? 0 : 128 + stopSignal.get();
      } catch (StartupException e) {
        log.error(e.getMessage(), e.what);
        return 1;
      }
    }
  }

  /** A part could not start; {@code what} is the log message, the cause its error. */
  private static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String what;

    StartupException(String what, String error) {
      super(error);
      this.what = what;
    }
  }

  private boolean prepareRoot() {
    try {
      Files.createDirectories(config.root().path());
      if (config.groupWrite()) {
        Files.setPosixFilePermissions(
            config.root().path(), PosixFilePermissions.fromString("rwxrwxr-x"));
      }
      root = AbsPath.of(config.root().path().toRealPath());
      return true;
    } catch (IOException e) {
      log.error(
          String.valueOf(e.getMessage()),
          "can't create or resolve --root",
          "path",
          config.root().toString());
      return false;
    }
  }

  private boolean addUser() {
    if (!config.addUser()) {
      return true;
    }
    try {
      if (AddUser.ensure(
          Path.of("/etc/passwd"), ids("uid"), ids("gid"), env.getOrDefault("HOME", "/tmp"))) {
        log.info(1, "added user to /etc/passwd", "uid", ids("uid"));
      }
      return true;
    } catch (IOException e) {
      log.error(String.valueOf(e.getMessage()), "can't add user (--add-user)");
      return false;
    }
  }

  /** The process runner, the private git environment, and a check that git runs. */
  private Git startGit(Lifecycle life) throws StartupException, InterruptedException {
    runner =
        life.own(
            "process runner", new SystemProcessRunner(config.groupWrite() ? "0002" : null, env));
    GitEnvironment genv;
    try {
      genv =
          life.own(
              "git environment",
              GitEnvironment.create(
                  new GitEnvironment.Settings(
                      Authenticator.cacheTimeout(config.syncTimeout()),
                      config.auth().cookieFile(),
                      config.gitConfig(),
                      config.verbosity(),
                      config.ssh().keyFiles(),
                      config.ssh().knownHosts(),
                      config.ssh().knownHostsFile()),
                  env,
                  Optional.of(root.path())));
    } catch (IOException e) {
      throw new StartupException("can't write the private git config", e.getMessage());
    }
    gitEnv = genv.env();
    stateDir = genv.dir();
    if (stateDir.startsWith(root.path())) {
      log.info(
          0,
          "no writable temporary directory (a read-only root without /tmp?): git-sync's private"
              + " files are under --root",
          "path",
          stateDir.toString());
    }
    Git git = new Git(runner, config.git(), gitEnv, clock, log);
    try {
      log.info(
          0, "git version", "version", git.within(STARTUP_COMMAND_TIMEOUT).version(root.path()));
    } catch (GitException e) {
      throw new StartupException("can't run git (--git)", e.getMessage());
    }
    if (config.auth().storesCredentials()) {
      // No password outlives the process in the cache daemon's memory (best effort: it also
      // exits by itself when its entries expire).
      life.atStop(
          "credential cache",
          () -> {
            if (Files.exists(genv.cacheSocket())) {
              git.within(Duration.ofSeconds(5))
                  .stopCredentialCache(root.path(), genv.cacheSocket());
            }
          });
    }
    return git;
  }

  private Wakeup handleSignals() throws StartupException {
    Thread main = Thread.currentThread();
    Signals.onShutdown(
        n -> {
          if (stopSignal.compareAndSet(0, n)) {
            main.interrupt();
          }
        });
    Wakeup wakeup = new Wakeup();
    if (config.syncOnSignal().isPresent()) {
      try {
        Signals.onSync(config.syncOnSignal().get(), wakeup::fire);
      } catch (IllegalArgumentException e) {
        throw new StartupException("invalid flag: --sync-on-signal", e.getMessage());
      }
    }
    return wakeup;
  }

  private Path stateDir;
  private Optional<KubeEvents> kubeEvents = Optional.empty();
  private List<HookRunner> hooks = List.of();
  private Optional<Notifier> notifier = Optional.empty();

  /** Starts the parts around the loop, in order, and returns the loop. */
  private SyncLoop build(Lifecycle life, Git git, Wakeup wakeup) throws StartupException {
    health = new Health(clock, readyMaxAge());
    RootPaths paths = config.under(root);
    AbsPath link = paths.link();
    startAdminServer(life);
    startTrigger(life, wakeup);
    JdkHttpTransport transport = life.own("HTTP client", new JdkHttpTransport());
    // Deliveries never follow redirects (a redirected POST becomes a GET whose 200 would count as
    // delivered); neither does askpass (upstream takes its answer as it is).
    JdkHttpTransport noRedirects =
        life.own("HTTP client (no redirects)", new JdkHttpTransport(false));
    Path outbox = paths.outbox();
    Optional<Authenticator> auth = authenticator(git, noRedirects);
    notifier = startNotifier(life, noRedirects, outbox, wakeup, auth);
    hooks = startHooks(life, transport, observer());
    List<Path> preserve = new ArrayList<>();
    if (outbox.startsWith(root.path()) && !outbox.equals(root.path())) {
      preserve.add(root.path().resolve(root.path().relativize(outbox).getName(0)));
    }
    if (stateDir.startsWith(root.path())) {
      preserve.add(stateDir);
    }
    SyncPass pass =
        new SyncPass(
            config.sync(),
            git,
            log,
            clock,
            root,
            link,
            gate(link),
            preserve,
            auth.<Preflight>map(a -> a::refresh).orElse(Preflight.NONE));
    if (config.verify().enabled()) {
      pass.checking(startVerifier(life));
    }
    kubeEvents = startKubeEvents(life);
    SyncEvents events =
        new SyncEvents(
            metrics,
            health,
            hooks,
            notifier,
            git,
            root.path(),
            log,
            clock,
            config.ref(),
            config.repo(),
            link.toString());
    events.kube(kubeEvents);
    return new SyncLoop(
        config.loop(), pass, log, clock, wakeup, paths.touchFile(), errorFile, events);
  }

  /** The Kubernetes API clients made so far, by the CA they trust. */
  private final java.util.Map<Path, JdkHttpTransport> kubeApis = new java.util.HashMap<>();

  /**
   * A client for the Kubernetes API that trusts only {@code caFile}: one for the Lease and the
   * Events when they trust the same CA (as in a pod), since each client holds a selector thread and
   * a pool of its own. Made by whichever starts first (the elector), so it is closed after both.
   */
  private JdkHttpTransport kubeApi(Lifecycle life, Path caFile) {
    return kubeApis.computeIfAbsent(
        caFile,
        ca -> life.own("Kubernetes API client", new JdkHttpTransport(false, Optional.of(ca))));
  }

  /** {@code --kube-events}: Events on the pod, written from a thread of their own. */
  private Optional<KubeEvents> startKubeEvents(Lifecycle life) {
    if (config.kubeEvents().isEmpty()) {
      return Optional.empty();
    }
    KubeEventsSettings s = config.kubeEvents().get();
    JdkHttpTransport api = kubeApi(life, s.caFile());
    KubeEvents k =
        life.own(
            "Kubernetes Events",
            new KubeEvents(
                api,
                s.apiUrl(),
                s.namespace(),
                s.pod(),
                s.tokenFile(),
                clock,
                log.named("kube-events"),
                metrics::kubeEvent));
    k.start();
    log.info(0, "recording Kubernetes Events", "pod", s.namespace() + "/" + s.pod());
    return Optional.of(k);
  }

  /** {@code --verify}: the keyring built and the programs found, or a startup error. */
  private Verifier startVerifier(Lifecycle life) throws StartupException {
    Verifier v =
        life.own(
            "signature verifier",
            new Verifier(
                config.verify(),
                runner,
                stateDir,
                log.named("verify"),
                metrics,
                clock,
                config.repo(),
                config.ref()));
    try {
      v.start();
    } catch (IOException e) {
      throw new StartupException("can't verify signatures (--verify)", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("can't verify signatures (--verify)", "interrupted");
    }
    return v;
  }

  private Duration readyMaxAge() {
    int periods = config.http().readyMaxPeriods();
    return periods == 0
        ? Duration.ZERO
        : config.period().multipliedBy(periods).plus(config.syncTimeout());
  }

  private void startAdminServer(Lifecycle life) throws StartupException {
    if (config.http().bind().isEmpty()) {
      return;
    }
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
      throw new StartupException(
          "can't start HTTP server (--http-bind)", String.valueOf(e.getMessage()));
    }
    life.own("HTTP server", server);
    server.start();
    log.info(
        0, "serving HTTP", "endpoint", config.http().bind().get().host() + ":" + server.port());
  }

  private void startTrigger(Lifecycle life, Wakeup wakeup) throws StartupException {
    if (config.trigger().isEmpty()) {
      return;
    }
    TriggerServer server;
    try {
      server =
          new TriggerServer(
              config.trigger().get(),
              config.repo(),
              config.ref(),
              clock,
              log.named("trigger"),
              wakeup::fire,
              metrics::trigger);
    } catch (IOException e) {
      throw new StartupException(
          "can't start the trigger listener (--trigger-bind)", String.valueOf(e.getMessage()));
    }
    life.own("trigger listener", server);
    server.start();
    log.info(
        0,
        "serving push triggers",
        "endpoint",
        config.trigger().get().bind().host() + ":" + server.port());
  }

  private Optional<Notifier> startNotifier(
      Lifecycle life,
      JdkHttpTransport http,
      Path outbox,
      Wakeup wakeup,
      Optional<Authenticator> auth)
      throws StartupException {
    if (!config.notifications().enabled()) {
      return Optional.empty();
    }
    Optional<LeaseCoordination> coordination = startLeaderElection(life, wakeup);
    try {
      Notifier n =
          new Notifier(
              Main.notifySettings(config, outbox, env),
              http,
              log.named("notify"),
              clock,
              metrics::notification,
              config.repo(),
              config.ref());
      coordination.ifPresent(n::coordinate);
      auth.ifPresent(a -> n.appToken(a::githubAppToken));
      life.own("notifier", n);
      n.start();
      metrics.notificationQueues(n::queues);
      return Optional.of(n);
    } catch (IOException e) {
      throw new StartupException(
          "can't open the notification outbox (--notify-outbox)", String.valueOf(e.getMessage()));
    }
  }

  /**
   * {@code --notify-leader-election}: elects, in the background, which replica sends; stopped after
   * the notifier, so a leader releases the Lease only once its last messages are out.
   */
  private Optional<LeaseCoordination> startLeaderElection(Lifecycle life, Wakeup wakeup) {
    Optional<LeaderElection> le = config.notifications().leaderElection();
    if (le.isEmpty()) {
      return Optional.empty();
    }
    LeaderElection e = le.get();
    JdkHttpTransport api = kubeApi(life, e.caFile());
    String lease = e.lease();
    LeaderElector elector =
        new LeaderElector(
            new RestLeaseApi(api, e.apiUrl(), e.namespace(), e.tokenFile()),
            lease,
            e.identity(),
            LeaderElector.Timing.of(e.leaseDuration()),
            clock,
            log.named("lease"),
            new LeaderElector.Listener() {
              @Override
              public void leading(boolean leading) {
                metrics.notifyLeader(lease, leading);
              }

              @Override
              public void transitions(int transitions) {
                metrics.leaseTransitions(lease, transitions);
              }

              @Override
              public void apiError(String status) {
                metrics.leaseApiError(lease, status);
              }
            },
            new java.util.Random());
    metrics.notifyLeader(lease, false);
    LeaseCoordination coordination =
        new LeaseCoordination(elector, () -> wakeup.fire("a commit another replica published"));
    life.own("notify lease", elector);
    elector.start();
    log.info(
        0,
        "electing the notifier",
        "lease",
        e.namespace() + "/" + lease,
        "identity",
        e.identity(),
        "api",
        e.apiUrl().getHost(),
        "leaseDuration",
        e.leaseDuration());
    return Optional.of(coordination);
  }

  private HookObserver observer() {
    return (name, ok, hash, error) -> {
      metrics.hookRan(name, ok);
      if (!ok) {
        notifier.ifPresent(n -> n.hookFailed(name, hash, error));
      } else {
        notifier.ifPresent(n -> n.hookSucceeded(name, hash));
      }
    };
  }

  private List<HookRunner> startHooks(
      Lifecycle life, JdkHttpTransport transport, HookObserver observer) {
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
              clock));
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
              clock));
      // The first webhook should not pay for making the HTTP client.
      boolean tls = config.webhook().get().url().reveal().startsWith("https:");
      Thread warm = new Thread(() -> transport.warmUp(tls), "webhook-warm-up");
      warm.setDaemon(true);
      warm.start();
    }
    for (HookRunner r : runners) {
      life.own("hook", r);
      r.start();
    }
    return runners;
  }

  private PublishGate gate(AbsPath link) {
    if (config.prePublishHook().isEmpty()) {
      return PublishGate.OPEN;
    }
    HookSettings h = config.prePublishHook().get();
    Log hookLog = log.named("pre-publish-exechook");
    PrePublishGate pre =
        new PrePublishGate(
            new ExecHook("pre-publish-exechook", h, runner, gitEnv, hookLog),
            h.backoff(),
            clock,
            observer(),
            hookLog);
    String repo = Redactor.redactUrls(config.repo());
    return (hash, previous, worktree, deadline) -> {
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

  private Optional<Authenticator> authenticator(Git git, JdkHttpTransport noRedirects) {
    if (!config.auth().storesCredentials()) {
      return Optional.empty();
    }
    return Optional.of(
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
            metrics));
  }

  private int exitCode(LoopEnd end) throws InterruptedException {
    if (end instanceof LoopEnd.GaveUp) {
      LoopEnd.GaveUp g = (LoopEnd.GaveUp) end;
      if (kubeEvents.isPresent()) {
        kubeEvents
            .get()
            .warning(
                "GivingUp",
                "git-sync exits after " + g.failures() + " consecutive failures: " + g.error());
        kubeEvents.get().drain(Duration.ofSeconds(5));
      }
      if (notifier.isPresent()) {
        notifier.get().givingUp(g.error(), g.failures(), g.hash());
        notifier.get().drain(DRAIN_ON_EXIT);
      }
      return 1;
    }
    int status = 0;
    for (HookRunner r : hooks) {
      if (!r.firstResult()) {
        status = 1;
      }
    }
    if (notifier.isPresent() && !notifier.get().drain(DRAIN_ON_EXIT)) {
      log.info(
          0, "notifications still pending at exit; they stay in the outbox for the next start");
    }
    log.info(0, "exiting after one sync", "status", status);
    return status;
  }

  private void removeLocks() {
    try {
      for (Path lock : LockFiles.removeStale(root.path().resolve(".git"))) {
        log.info(0, "removed lock file left by a stopped git process", "path", lock.toString());
      }
    } catch (IOException io) {
      log.error(String.valueOf(io.getMessage()), "can't remove lock files");
    }
  }

  private static int ids(String which) {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:" + which);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
