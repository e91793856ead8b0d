package dev.gitsync.cli.bind;

import dev.gitsync.cli.Options;
import dev.gitsync.cli.ParsedOptions;
import dev.gitsync.cli.StartupFlags;
import dev.gitsync.config.AuthSettings;
import dev.gitsync.config.BindAddress;
import dev.gitsync.config.Config;
import dev.gitsync.config.Credential;
import dev.gitsync.config.GitConfigEntry;
import dev.gitsync.config.GitHubAppSettings;
import dev.gitsync.config.GoDuration;
import dev.gitsync.config.HookSettings;
import dev.gitsync.config.HttpSettings;
import dev.gitsync.config.KubeEventsSettings;
import dev.gitsync.config.LeaderElection;
import dev.gitsync.config.NotifySettings;
import dev.gitsync.config.PayloadTemplate;
import dev.gitsync.config.Secret;
import dev.gitsync.config.SyncSignal;
import dev.gitsync.config.TriggerSettings;
import dev.gitsync.config.VerifySettings;
import dev.gitsync.config.WebhookSettings;
import dev.gitsync.fs.AbsPath;
import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.git.GitEnvironment;
import dev.gitsync.notify.Notifier;
import dev.gitsync.verify.AllowedSigners;
import dev.gitsync.verify.OpenPgpKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Applies upstream's deprecated-flag mappings and startup validation to parsed options, and builds
 * the immutable {@link Config}. Unlike upstream, which stops at the first problem, it gathers every
 * problem so that one failed start shows all of them.
 */
public final class ConfigFactory {
  private static final Duration MIN_PERIOD = Duration.ofMillis(10);
  private static final Duration MIN_HOOK = Duration.ofSeconds(1);

  private ConfigFactory() {}

  /**
   * The outcome: a config, or the list of problems (never both).
   *
   * @param config the config when there were no problems
   * @param errors the problems, each naming its flag
   */
  public record Result(Optional<Config> config, List<String> errors) {}

  /** Validates the options and builds the config; {@code cwd} resolves a relative root. */
  public static Result build(ParsedOptions p, Path cwd) {
    return build(p, cwd, Map.of());
  }

  /**
   * Validates the options and builds the config; {@code cwd} resolves a relative root and {@code
   * env} supplies {@code $HOME}, which is never accepted as the root.
   */
  public static Result build(ParsedOptions p, Path cwd, Map<String, String> env) {
    List<String> errs = new ArrayList<>();
    Source src = source(p, cwd, errs);
    Schedule sch = schedule(p, errs);
    String rootFlag = root(p, cwd, env, src.link(), errs);
    if (p.get(Options.CHANGE_PERMISSIONS) != 0) {
      errs.add("invalid flag: --change-permissions is no longer supported (use --group-write)");
    }
    validateHooks(p, errs);
    validateAuth(p, src.rawRepo(), errs);
    AuthSettings auth = auth(p, src.repo(), src.fromUrl(), cwd, errs);
    Optional<WebhookSettings> webhook = webhook(p, errs);
    HttpSettings http = http(p, errs);
    List<GitConfigEntry> gitConfig = gitConfig(p, errs);
    NotifySettings notify = notify(p, cwd, errs, leaderElection(p, src.repo(), env, errs));
    Optional<TriggerSettings> trigger = trigger(p, cwd, errs);
    VerifySettings verify = verify(p, cwd, errs);
    Optional<KubeEventsSettings> kubeEvents = kubeEvents(p, env, errs);
    for (String arg : p.positional()) {
      errs.add("unexpected argument \"" + arg + "\": git-sync takes only flags");
    }
    if (!errs.isEmpty()) {
      return new Result(Optional.empty(), List.copyOf(errs));
    }
    int verbosity = p.get(Options.VERBOSE);
    Config c =
        new Config(
            src.repo(),
            src.ref(),
            src.depth(),
            p.get(Options.FILTER),
            src.submodules(),
            AbsPath.of(rootFlag, cwd),
            src.link(),
            nonEmpty(p.get(Options.ERROR_FILE)),
            nonEmpty(p.get(Options.TOUCH_FILE)),
            sch.period(),
            sch.initPeriod(),
            sch.syncTimeout(),
            p.get(Options.ONE_TIME),
            sch.signal(),
            p.get(Options.MAX_FAILURES),
            sch.initMaxFailures(),
            p.get(Options.ADD_USER),
            p.get(Options.GROUP_WRITE),
            p.get(Options.STALE_WORKTREE_TIMEOUT),
            p.get(Options.GIT),
            gitConfig,
            src.gitGc(),
            verbosity,
            new Config.Ssh(
                p.get(Options.SSH_KEY_FILE),
                p.get(Options.SSH_KNOWN_HOSTS),
                p.get(Options.SSH_KNOWN_HOSTS_FILE)),
            auth,
            src.sparse().map(AbsPath::toString),
            hook(
                p.get(Options.EXECHOOK_COMMAND),
                p.get(Options.EXECHOOK_TIMEOUT),
                p.get(Options.EXECHOOK_BACKOFF)),
            hook(
                p.get(Options.PRE_PUBLISH_EXECHOOK_COMMAND),
                p.get(Options.PRE_PUBLISH_EXECHOOK_TIMEOUT),
                p.get(Options.PRE_PUBLISH_EXECHOOK_BACKOFF)),
            webhook,
            http,
            notify,
            trigger,
            verify,
            sch.backoffMax(),
            kubeEvents,
            StartupFlags.describe(p, verbosity >= 4));
    return new Result(Optional.of(c), List.of());
  }

  /**
   * What to sync and where it is published.
   *
   * @param rawRepo the repo as given (credentials included)
   * @param repo the repo with credentials moved out
   * @param fromUrl the credential that was in the URL
   * @param ref the ref (after {@code --branch}/{@code --rev})
   * @param depth the depth
   * @param submodules the submodule mode
   * @param gitGc the gc mode
   * @param link the link (defaulted from the repo's last segment)
   * @param sparse the sparse-checkout file
   */
  private record Source(
      String rawRepo,
      String repo,
      RepoCredentials fromUrl,
      String ref,
      int depth,
      Config.Submodules submodules,
      Config.GitGc gitGc,
      String link,
      Optional<AbsPath> sparse) {}

  /**
   * {@code --root}, checked: not a directory whose contents must not be emptied, no link inside it
   * where cleanup would delete it. {@code --notify-test} needs only the sinks, so it runs where the
   * docs say (kubectl exec into a pod whose --root is an argument of the running process): without
   * a root it uses the working directory.
   */
  private static String root(
      ParsedOptions p, Path cwd, Map<String, String> env, String link, List<String> errs) {
    String rootFlag = p.get(Options.ROOT);
    if (rootFlag.isEmpty() && p.get(Options.NOTIFY_TEST)) {
      return cwd.toString();
    }
    if (rootFlag.isEmpty()) {
      errs.add("required flag: --root must be specified");
    } else {
      AbsPath root = AbsPath.of(rootFlag, cwd);
      RootCheck.check(root, env.getOrDefault("HOME", "")).ifPresent(errs::add);
      RootCheck.checkLink(root, link).ifPresent(errs::add);
    }
    return rootFlag;
  }

  private static Source source(ParsedOptions p, Path cwd, List<String> errs) {
    String repo = p.get(Options.REPO);
    if (repo.isEmpty() && !p.get(Options.NOTIFY_TEST)) {
      errs.add("required flag: --repo must be specified");
    }
    String ref = ref(p, errs);
    // git would read a leading dash as an option (--upload-pack=… runs a command).
    if (ref.startsWith("-")) {
      errs.add("invalid flag: --ref must not start with '-' (git would read it as an option)");
    }
    if (repo.startsWith("-")) {
      errs.add("invalid flag: --repo must not start with '-' (git would read it as an option)");
    }
    int depth = p.get(Options.DEPTH);
    if (depth < 0) {
      errs.add("invalid flag: --depth must be greater than or equal to 0");
    }
    Config.Submodules submodules =
        oneOf(
            p.get(Options.SUBMODULES),
            "submodules",
            Config.Submodules.class,
            errs,
            "recursive",
            "shallow",
            "off");
    Config.GitGc gitGc =
        oneOf(
            p.get(Options.GIT_GC),
            "git-gc",
            Config.GitGc.class,
            errs,
            "auto",
            "always",
            "aggressive",
            "off");
    String link = p.get(Options.LINK);
    if (link.isEmpty()) {
      String[] parts = trimSlashes(repo).split("/");
      link = parts[parts.length - 1];
    }
    Optional<AbsPath> sparse =
        nonEmpty(p.get(Options.SPARSE_CHECKOUT_FILE)).map(f -> AbsPath.of(f, cwd));
    if (sparse.isPresent() && !Files.isReadable(sparse.get().path())) {
      errs.add(
          "invalid flag: --sparse-checkout-file: can't read "
              + p.get(Options.SPARSE_CHECKOUT_FILE));
    }
    RepoCredentials fromUrl = RepoCredentials.split(repo);
    return new Source(repo, fromUrl.url(), fromUrl, ref, depth, submodules, gitGc, link, sparse);
  }

  /**
   * {@code --ref}, or upstream's rule for the deprecated {@code --branch} and {@code --rev}: branch
   * with rev unset or HEAD gives branch, rev alone gives rev, both is an error.
   */
  private static String ref(ParsedOptions p, List<String> errs) {
    String ref = p.get(Options.REF);
    String branch = p.get(Options.BRANCH);
    String rev = p.get(Options.REV);
    if (!branch.isEmpty() && (rev.isEmpty() || rev.equals("HEAD"))) {
      ref = branch;
    } else if (!rev.isEmpty() && branch.isEmpty()) {
      ref = rev;
    } else if (!branch.isEmpty() && !rev.isEmpty()) {
      errs.add(
          "deprecated flag combo: can't set --ref from deprecated --branch and --rev (one or"
              + " the other is OK)");
    }
    if (ref.isEmpty()) {
      errs.add("required flag: --ref must be specified");
    }
    return ref;
  }

  /**
   * When passes run.
   *
   * @param period the period
   * @param initPeriod the period until the first success
   * @param syncTimeout the time one pass may take
   * @param signal the signal that requests a sync
   * @param initMaxFailures failures allowed before the first success, when set
   */
  private record Schedule(
      Duration period,
      Duration initPeriod,
      Duration syncTimeout,
      Optional<SyncSignal> signal,
      OptionalInt initMaxFailures,
      Duration backoffMax) {}

  private static Schedule schedule(ParsedOptions p, List<String> errs) {
    Duration period = p.get(Options.PERIOD);
    if (period.compareTo(MIN_PERIOD) < 0) {
      errs.add("invalid flag: --period must be at least 10ms");
    }
    Duration initPeriod = p.get(Options.INIT_PERIOD);
    if (!initPeriod.isZero() && initPeriod.compareTo(MIN_PERIOD) < 0) {
      errs.add("invalid flag: --init-period must be at least 10ms if set");
    }
    Optional<SyncSignal> signal = Optional.empty();
    if (!p.get(Options.SYNC_ON_SIGNAL).isEmpty()) {
      try {
        signal = Optional.of(SyncSignal.parse(p.get(Options.SYNC_ON_SIGNAL)));
      } catch (IllegalArgumentException e) {
        errs.add("invalid flag: --sync-on-signal must be a valid signal name or number");
      }
    }
    Duration syncTimeout = p.get(Options.SYNC_TIMEOUT);
    if (syncTimeout.compareTo(MIN_PERIOD) < 0) {
      errs.add("invalid flag: --sync-timeout must be at least 10ms");
    }
    OptionalInt initMaxFailures =
        p.isSet(Options.INIT_MAX_FAILURES)
            ? OptionalInt.of(p.get(Options.INIT_MAX_FAILURES))
            : OptionalInt.empty();
    Duration backoffMax = p.get(Options.BACKOFF_MAX);
    if (!backoffMax.isZero() && backoffMax.compareTo(period) < 0) {
      errs.add(
          "invalid flag: --backoff-max ("
              + GoDuration.format(backoffMax)
              + ") must not be below --period ("
              + GoDuration.format(period)
              + "); 0 keeps the fixed period");
    }
    return new Schedule(
        period,
        initPeriod.isZero() ? period : initPeriod,
        syncTimeout,
        signal,
        initMaxFailures,
        backoffMax);
  }

  private static HttpSettings http(ParsedOptions p, List<String> errs) {
    String bindFlag = p.get(Options.HTTP_BIND);
    if ((p.get(Options.HTTP_METRICS) || p.get(Options.HTTP_PPROF)) && bindFlag.isEmpty()) {
      errs.add("invalid flag: --http-metrics and --http-pprof require --http-bind to be specified");
    }
    Optional<BindAddress> bind = Optional.empty();
    if (!bindFlag.isEmpty()) {
      try {
        bind = Optional.of(BindAddress.parse(bindFlag));
      } catch (IllegalArgumentException e) {
        errs.add("invalid flag: --http-bind: " + e.getMessage());
      }
    }
    if (p.get(Options.HTTP_READY_MAX_PERIODS) < 0) {
      errs.add("invalid flag: --http-ready-max-periods must be 0 or more");
    }
    return new HttpSettings(
        bind,
        p.get(Options.HTTP_METRICS),
        p.get(Options.HTTP_PPROF),
        p.get(Options.HTTP_READY_MAX_PERIODS));
  }

  /**
   * {@code --verify}: a known mode, and for any mode but none at least one key file, each readable
   * and well-formed (the line or the problem named).
   */
  private static VerifySettings verify(ParsedOptions p, Path cwd, List<String> errs) {
    String flag = p.get(Options.VERIFY);
    Optional<VerifySettings.Mode> mode = VerifySettings.Mode.of(flag);
    if (mode.isEmpty()) {
      errs.add(
          "invalid flag: --verify must be one of none, head, tag, tag-and-head, all (got \""
              + flag
              + "\")");
      return VerifySettings.NONE;
    }
    Optional<Path> ssh = keyFile(p.get(Options.VERIFY_SSH_ALLOWED_SIGNERS), cwd);
    Optional<Path> gpg = keyFile(p.get(Options.VERIFY_GPG_KEYS), cwd);
    Optional<Path> revoked = keyFile(p.get(Options.VERIFY_SSH_REVOKED_KEYS), cwd);
    if (mode.get() == VerifySettings.Mode.NONE) {
      if (ssh.isPresent() || gpg.isPresent() || revoked.isPresent()) {
        errs.add(
            "invalid flag: --verify-ssh-allowed-signers, --verify-ssh-revoked-keys and"
                + " --verify-gpg-keys need --verify (head, tag, tag-and-head or all): without it"
                + " nothing is verified");
      }
      return VerifySettings.NONE;
    }
    if (revoked.isPresent() && ssh.isEmpty()) {
      errs.add(
          "invalid flag: --verify-ssh-revoked-keys needs --verify-ssh-allowed-signers: it only"
              + " takes keys away from those the allowed signers file trusts");
    }
    revoked.ifPresent(
        f -> {
          try {
            BoundedFiles.readBytes(f, BoundedFiles.SMALL * 16);
          } catch (IOException e) {
            errs.add(cantRead("--verify-ssh-revoked-keys", f, e));
          }
        });
    if (ssh.isEmpty() && gpg.isEmpty()) {
      errs.add(
          "invalid flag: --verify="
              + flag
              + " needs the trusted keys: --verify-ssh-allowed-signers (an OpenSSH allowed_signers"
              + " file) or --verify-gpg-keys (OpenPGP public keys), or both");
    }
    ssh.ifPresent(
        f -> {
          try {
            AllowedSigners a =
                AllowedSigners.parse(BoundedFiles.readString(f, BoundedFiles.SMALL * 16));
            if (a.entries().isEmpty()) {
              errs.add("invalid flag: --verify-ssh-allowed-signers " + f + " lists no key");
            }
          } catch (IOException e) {
            errs.add(cantRead("--verify-ssh-allowed-signers", f, e));
          } catch (IllegalArgumentException e) {
            errs.add("invalid flag: --verify-ssh-allowed-signers " + f + ": " + e.getMessage());
          }
        });
    gpg.ifPresent(
        f -> {
          try {
            OpenPgpKeys.binary(BoundedFiles.readBytes(f, BoundedFiles.SMALL * 16));
          } catch (IOException e) {
            errs.add(cantRead("--verify-gpg-keys", f, e));
          } catch (IllegalArgumentException e) {
            errs.add("invalid flag: --verify-gpg-keys " + f + ": " + e.getMessage());
          }
        });
    return new VerifySettings(mode.get(), ssh, revoked, gpg);
  }

  private static String cantRead(String flag, Path f, IOException e) {
    return "invalid flag: " + flag + ": can't read " + f + ": " + BoundedFiles.reason(f, e);
  }

  private static Optional<Path> keyFile(String flag, Path cwd) {
    return flag.isEmpty() ? Optional.empty() : Optional.of(AbsPath.of(flag, cwd).path());
  }

  /** The push-trigger listener: a bind address, a readable secret, a sane interval. */
  private static Optional<TriggerSettings> trigger(ParsedOptions p, Path cwd, List<String> errs) {
    String bindFlag = p.get(Options.TRIGGER_BIND);
    String secret = p.get(Options.TRIGGER_SECRET_FILE);
    if (p.get(Options.TRIGGER_MIN_INTERVAL).isNegative()) {
      errs.add("invalid flag: --trigger-min-interval must not be negative");
    }
    if (bindFlag.isEmpty()) {
      if (!secret.isEmpty()) {
        errs.add("invalid flag: --trigger-secret-file requires --trigger-bind");
      }
      return Optional.empty();
    }
    BindAddress bind = null;
    try {
      bind = BindAddress.parse(bindFlag);
    } catch (IllegalArgumentException e) {
      errs.add("invalid flag: --trigger-bind: " + e.getMessage());
    }
    if (bind != null
        && bind.port() != 0
        && !p.get(Options.HTTP_BIND).isEmpty()
        && p.get(Options.HTTP_BIND).equals(bindFlag)) {
      errs.add(
          "invalid flag: --trigger-bind must differ from --http-bind (it is a listener of its own)");
    }
    if (secret.isEmpty()) {
      errs.add(
          "invalid flag: --trigger-bind requires --trigger-secret-file (every trigger must prove"
              + " it knows the secret)");
      return Optional.empty();
    }
    Path file = AbsPath.of(secret, cwd).path();
    try {
      String value = BoundedFiles.readString(file, BoundedFiles.SMALL).strip();
      if (value.isEmpty()) {
        errs.add("invalid flag: --trigger-secret-file " + secret + " is empty");
      } else if (value.startsWith("replace-me")) {
        errs.add(
            "invalid flag: --trigger-secret-file "
                + secret
                + " holds the example's placeholder: put a secret of your own in it (openssl"
                + " rand -hex 32) and give the forge the same");
      } else if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET) {
        errs.add(
            "invalid flag: --trigger-secret-file "
                + secret
                + " holds a secret of "
                + value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + " bytes: anyone who guesses it can start syncs, so use at least "
                + MIN_SECRET
                + " (openssl rand -hex 32)");
      }
    } catch (java.io.IOException e) {
      errs.add(
          "invalid flag: --trigger-secret-file: can't read "
              + secret
              + ": "
              + BoundedFiles.reason(file, e));
    }
    return bind == null
        ? Optional.empty()
        : Optional.of(new TriggerSettings(bind, file, p.get(Options.TRIGGER_MIN_INTERVAL)));
  }

  /** {@code --git-config} and {@code --git-config-add}, checked as git checks keys. */
  private static List<GitConfigEntry> gitConfig(ParsedOptions p, List<String> errs) {
    List<GitConfigEntry> gitConfig = new ArrayList<>();
    if (!p.get(Options.GIT_CONFIG).isEmpty()) {
      try {
        gitConfig.addAll(GitConfigEntry.parse(p.get(Options.GIT_CONFIG), false));
      } catch (IllegalArgumentException e) {
        errs.add("invalid flag: --git-config: " + e.getMessage());
      }
    }
    for (String add : p.get(Options.GIT_CONFIG_ADD)) {
      try {
        gitConfig.addAll(GitConfigEntry.parse(add, true));
      } catch (IllegalArgumentException e) {
        errs.add("invalid flag: --git-config-add: " + e.getMessage());
      }
    }
    try {
      GitEnvironment.validate(gitConfig);
    } catch (IllegalArgumentException e) {
      errs.add("invalid flag: --git-config: " + e.getMessage());
    }
    return List.copyOf(gitConfig);
  }

  private static void validateHooks(ParsedOptions p, List<String> errs) {
    validateHookCommand(p.get(Options.EXECHOOK_COMMAND), "exechook-command", errs);
    validateHookCommand(
        p.get(Options.PRE_PUBLISH_EXECHOOK_COMMAND), "pre-publish-exechook-command", errs);
    if (!p.get(Options.EXECHOOK_COMMAND).isEmpty()) {
      atLeastOneSecond(p.get(Options.EXECHOOK_TIMEOUT), "exechook-timeout", errs);
      atLeastOneSecond(p.get(Options.EXECHOOK_BACKOFF), "exechook-backoff", errs);
    }
    if (!p.get(Options.PRE_PUBLISH_EXECHOOK_COMMAND).isEmpty()) {
      atLeastOneSecond(
          p.get(Options.PRE_PUBLISH_EXECHOOK_TIMEOUT), "pre-publish-exechook-timeout", errs);
      atLeastOneSecond(
          p.get(Options.PRE_PUBLISH_EXECHOOK_BACKOFF), "pre-publish-exechook-backoff", errs);
    }
    if (!p.get(Options.WEBHOOK_URL).isEmpty()) {
      int status = p.get(Options.WEBHOOK_SUCCESS_STATUS);
      if (status == -1) {
        status = 0;
      }
      if (status < 0) {
        errs.add("invalid flag: --webhook-success-status must be a valid HTTP code or 0");
      }
      atLeastOneSecond(p.get(Options.WEBHOOK_TIMEOUT), "webhook-timeout", errs);
      atLeastOneSecond(p.get(Options.WEBHOOK_BACKOFF), "webhook-backoff", errs);
    }
  }

  /**
   * A hook command given as an absolute path or a bare name (looked up in {@code $PATH}) must exist
   * and be executable at startup; a relative path is resolved in the worktree, which does not exist
   * yet, so it is checked when it runs.
   */
  private static void validateHookCommand(String command, String flag, List<String> errs) {
    if (command.isEmpty()) {
      return;
    }
    Path p = Path.of(command);
    boolean found;
    if (p.isAbsolute()) {
      found = Files.isRegularFile(p) && Files.isExecutable(p);
    } else if (command.indexOf('/') < 0) {
      found = false;
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path c = Path.of(dir.isEmpty() ? "." : dir).resolve(command);
        if (Files.isRegularFile(c) && Files.isExecutable(c)) {
          found = true;
          break;
        }
      }
    } else {
      return;
    }
    if (!found) {
      errs.add(
          "invalid flag: --"
              + flag
              + ": "
              + command
              + " is not an executable file (it is run directly, without a shell or arguments)");
    }
  }

  private static NotifySettings notify(
      ParsedOptions p, Path cwd, List<String> errs, Optional<LeaderElection> election) {
    List<Secret> urls = new ArrayList<>();
    p.get(Options.NOTIFY).forEach(u -> urls.add(Secret.of(u)));
    Optional<String> file = nonEmpty(p.get(Options.NOTIFY_FILE));
    for (String e :
        Notifier.validate(p.get(Options.NOTIFY), file.map(f -> AbsPath.of(f, cwd).path()))) {
      errs.add("invalid flag: " + e);
    }
    boolean app =
        !p.get(Options.GITHUB_APP_PRIVATE_KEY_FILE).isEmpty()
            || !p.get(Options.ENV_GITSYNC_GITHUB_APP_PRIVATE_KEY).isEmpty();
    for (String u : p.get(Options.NOTIFY)) {
      if (u.trim().startsWith("github-status+") && !u.contains("token_file=") && !app) {
        errs.add(
            "invalid flag: --notify: a github-status sink needs token_file= or the --github-app-*"
                + " flags (whose installation token needs statuses: write)");
      }
    }
    if (p.get(Options.NOTIFY_FAILURE_THRESHOLD) < 1) {
      errs.add("invalid flag: --notify-failure-threshold must be at least 1");
    }
    if (p.get(Options.NOTIFY_REPEAT_INTERVAL).isNegative()) {
      errs.add("invalid flag: --notify-repeat-interval must not be negative");
    }
    if (p.get(Options.NOTIFY_MAX_AGE).compareTo(Duration.ofMinutes(1)) < 0) {
      errs.add("invalid flag: --notify-max-age must be at least 1m");
    }
    if (p.get(Options.NOTIFY_TEST) && urls.isEmpty() && file.isEmpty()) {
      errs.add("invalid flag: --notify-test needs --notify, $GITSYNC_NOTIFY or --notify-file");
    }
    if (election.isPresent() && urls.isEmpty() && file.isEmpty()) {
      errs.add(
          "invalid flag: --notify-leader-election needs --notify, $GITSYNC_NOTIFY or"
              + " --notify-file (it elects who sends notifications)");
    }
    return new NotifySettings(
        List.copyOf(urls),
        file,
        p.get(Options.NOTIFY_OUTBOX),
        p.get(Options.NOTIFY_FAILURE_THRESHOLD),
        p.get(Options.NOTIFY_REPEAT_INTERVAL),
        p.get(Options.NOTIFY_MAX_AGE),
        p.get(Options.NOTIFY_TEST),
        election,
        p.get(Options.NOTIFY_INITIAL_SYNC));
  }

  /**
   * {@code --notify-leader-election}: the Lease's name and namespace, this pod's identity, and the
   * API server, found as in-cluster clients find them; each missing piece is named.
   */
  private static Optional<LeaderElection> leaderElection(
      ParsedOptions p, String repo, Map<String, String> env, List<String> errs) {
    if (!p.get(Options.NOTIFY_LEADER_ELECTION)) {
      return Optional.empty();
    }
    String flag = "invalid flag: --notify-leader-election: ";
    String name = p.get(Options.NOTIFY_LEASE_NAME);
    if (name.isEmpty()) {
      name = LeaseNames.derive(repo, p.get(Options.REF));
    } else if (!LeaseNames.valid(name)) {
      errs.add(
          "invalid flag: --notify-lease-name: "
              + name
              + " is not a valid object name (lower-case letters, digits, '-' and '.', at most 253)");
    }
    ServiceAccount sa = serviceAccount(p, env, errs, flag);
    Path dir = sa.dir();
    String namespace = sa.namespace();
    Optional<URI> api = sa.api();
    Duration leaseDuration = p.get(Options.NOTIFY_LEASE_DURATION);
    if (leaseDuration.compareTo(Duration.ofSeconds(3)) < 0
        || leaseDuration.compareTo(Duration.ofMinutes(10)) > 0
        || leaseDuration.toNanos() % 1_000_000_000L != 0) {
      errs.add(
          "invalid flag: --notify-lease-duration: must be whole seconds from 3s to 10m, got "
              + dev.gitsync.config.GoDuration.format(leaseDuration));
    }
    String identity = identity(env, errs, flag);
    if (api.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new LeaderElection(
            name,
            namespace,
            identity,
            api.get(),
            dir.resolve("token"),
            dir.resolve("ca.crt"),
            leaseDuration));
  }

  /**
   * How an in-cluster client reaches the API: the service account's directory (token, ca.crt,
   * namespace) and the API server's URL.
   */
  private record ServiceAccount(Path dir, String namespace, Optional<URI> api) {}

  /** The service account, each missing piece named after {@code flag}. */
  private static ServiceAccount serviceAccount(
      ParsedOptions p, Map<String, String> env, List<String> errs, String flag) {
    Path dir = Path.of(p.get(Options.KUBE_SERVICE_ACCOUNT_DIR));
    String namespace = env.getOrDefault("POD_NAMESPACE", "");
    try {
      namespace = BoundedFiles.readString(dir.resolve("namespace"), BoundedFiles.SMALL).strip();
    } catch (java.io.IOException e) {
      // $POD_NAMESPACE, if set, stands in.
    }
    if (namespace.isEmpty()) {
      errs.add(
          flag
              + "can't tell the namespace: "
              + dir.resolve("namespace")
              + " can't be read and $POD_NAMESPACE is not set (--kube-service-account-dir)");
    }
    Optional<URI> api = LeaseNames.apiUrl(p.get(Options.KUBE_API_URL), env, errs);
    for (String f : List.of("token", "ca.crt")) {
      if (!Files.isReadable(dir.resolve(f))) {
        errs.add(
            flag
                + dir.resolve(f)
                + " can't be read: mount the service account token (or set"
                + " --kube-service-account-dir)");
      }
    }
    return new ServiceAccount(dir, namespace, api);
  }

  /** This pod's name: {@code $POD_NAME}, else the host name. */
  private static String identity(Map<String, String> env, List<String> errs, String flag) {
    String identity = env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", ""));
    if (identity.isEmpty()) {
      try {
        identity = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        errs.add(flag + "can't tell this pod's identity: set $POD_NAME");
      }
    }
    return identity;
  }

  /** {@code --kube-events}: the service account and the pod the Events are about. */
  private static Optional<KubeEventsSettings> kubeEvents(
      ParsedOptions p, Map<String, String> env, List<String> errs) {
    if (!p.get(Options.KUBE_EVENTS)) {
      return Optional.empty();
    }
    String flag = "invalid flag: --kube-events: ";
    ServiceAccount sa = serviceAccount(p, env, errs, flag);
    String pod = identity(env, errs, flag);
    if (sa.api().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new KubeEventsSettings(
            sa.namespace(),
            pod,
            sa.api().get(),
            sa.dir().resolve("token"),
            sa.dir().resolve("ca.crt")));
  }

  private static Optional<HookSettings> hook(String command, Duration timeout, Duration backoff) {
    return command.isEmpty()
        ? Optional.empty()
        : Optional.of(new HookSettings(command, timeout, backoff));
  }

  /** The shortest push-trigger secret accepted, in bytes. */
  static final int MIN_SECRET = 16;

  /** An HTTP token (RFC 9110 §5.6.2): what a method or a header name may be. */
  private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";

  private static boolean hasControlCharacter(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static final List<String> RESTRICTED_HEADERS =
      List.of("host", "connection", "content-length", "expect", "upgrade");

  private static Optional<WebhookSettings> webhook(ParsedOptions p, List<String> errs) {
    String url = p.get(Options.WEBHOOK_URL);
    List<WebhookSettings.Header> headers = new ArrayList<>();
    for (String raw : p.get(Options.WEBHOOK_HEADER)) {
      for (String line : raw.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        int colon = line.indexOf(':');
        String name = colon < 0 ? "" : line.substring(0, colon).trim();
        if (!name.matches(TOKEN)) {
          errs.add(
              "invalid flag: --webhook-header must look like 'Name: value' (got a header"
                  + " without a valid name)");
        } else if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
          errs.add("invalid flag: --webhook-header cannot set " + name);
        } else if (hasControlCharacter(line.substring(colon + 1).trim())) {
          errs.add(
              "invalid flag: --webhook-header "
                  + name
                  + ": a header value must not contain control characters such as CR");
        } else {
          headers.add(
              new WebhookSettings.Header(name, Secret.of(line.substring(colon + 1).trim())));
        }
      }
    }
    Optional<PayloadTemplate> payload = Optional.empty();
    if (!p.get(Options.WEBHOOK_PAYLOAD).isEmpty()) {
      try {
        payload = Optional.of(PayloadTemplate.parse(p.get(Options.WEBHOOK_PAYLOAD)));
      } catch (IllegalArgumentException e) {
        errs.add("invalid flag: --webhook-payload: " + e.getMessage());
      }
    }
    if (url.isEmpty()) {
      if (!headers.isEmpty() || payload.isPresent()) {
        errs.add("invalid flag: --webhook-header and --webhook-payload require --webhook-url");
      }
      return Optional.empty();
    }
    if (!isHttpUrl(url)) {
      errs.add("invalid flag: --webhook-url must be an http or https URL");
    }
    if (!p.get(Options.WEBHOOK_METHOD).matches(TOKEN)) {
      errs.add(
          "invalid flag: --webhook-method must be an HTTP method such as POST (got \""
              + p.get(Options.WEBHOOK_METHOD)
              + "\")");
    }
    int status = p.get(Options.WEBHOOK_SUCCESS_STATUS);
    return Optional.of(
        new WebhookSettings(
            Secret.of(url),
            p.get(Options.WEBHOOK_METHOD),
            status == -1 ? 0 : status,
            p.get(Options.WEBHOOK_TIMEOUT),
            p.get(Options.WEBHOOK_BACKOFF),
            List.copyOf(headers),
            payload));
  }

  private static String exechook(ParsedOptions p) {
    String legacy = p.get(Options.SYNC_HOOK_COMMAND);
    return legacy.isEmpty() ? p.get(Options.EXECHOOK_COMMAND) : legacy;
  }

  private static void atLeastOneSecond(Duration value, String name, List<String> errs) {
    if (value.compareTo(MIN_HOOK) < 0) {
      errs.add("invalid flag: --" + name + " must be at least 1s");
    }
  }

  private static void validateAuth(ParsedOptions p, String repo, List<String> errs) {
    String user = p.get(Options.USERNAME);
    boolean password = !p.get(Options.ENV_GITSYNC_PASSWORD).isEmpty();
    boolean passwordFile = !p.get(Options.PASSWORD_FILE).isEmpty();
    if (!user.isEmpty()) {
      if (!password && !passwordFile) {
        errs.add("invalid flag: --username requires $GITSYNC_PASSWORD or --password-file");
      }
      if (password && passwordFile) {
        errs.add(
            "invalid flag: only one of $GITSYNC_PASSWORD and --password-file may be"
                + " specified");
      }
      if (repo.matches("(?i)^https?://[^/@]*@.*")) {
        errs.add(
            "invalid flag: credentials may be specified in --repo or with --username, not"
                + " both");
      }
    } else if (password || passwordFile) {
      errs.add("invalid flag: $GITSYNC_PASSWORD and --password-file require --username");
    }
    boolean key =
        !p.get(Options.GITHUB_APP_PRIVATE_KEY_FILE).isEmpty()
            || !p.get(Options.ENV_GITSYNC_GITHUB_APP_PRIVATE_KEY).isEmpty();
    boolean appId = p.get(Options.GITHUB_APP_APPLICATION_ID) != 0;
    boolean clientId = !p.get(Options.GITHUB_APP_CLIENT_ID).isEmpty();
    boolean installation = p.get(Options.GITHUB_APP_INSTALLATION_ID) != 0;
    if (key || appId || clientId || installation) {
      if (appId && clientId) {
        errs.add(
            "invalid flag: only one of --github-app-application-id or"
                + " --github-app-client-id may be specified");
      }
      if (!installation) {
        errs.add("invalid flag: --github-app-installation-id is required for GitHub app auth");
      }
      if (!key) {
        errs.add(
            "invalid flag: $GITSYNC_GITHUB_APP_PRIVATE_KEY or"
                + " --github-app-private-key-file is required for GitHub app auth");
      }
      if (!p.get(Options.GITHUB_APP_PRIVATE_KEY_FILE).isEmpty()
          && !p.get(Options.ENV_GITSYNC_GITHUB_APP_PRIVATE_KEY).isEmpty()) {
        errs.add(
            "invalid flag: only one of $GITSYNC_GITHUB_APP_PRIVATE_KEY or"
                + " --github-app-private-key-file may be specified");
      }
      if (!user.isEmpty() || password || passwordFile) {
        errs.add(
            "invalid flag: GitHub app auth may not be combined with --username,"
                + " $GITSYNC_PASSWORD or --password-file");
      }
    }
  }

  private static AuthSettings auth(
      ParsedOptions p, String repo, RepoCredentials fromUrl, Path cwd, List<String> errs) {
    List<Credential> creds = new ArrayList<>();
    String user = p.get(Options.USERNAME);
    String password = p.get(Options.ENV_GITSYNC_PASSWORD);
    String passwordFile = p.get(Options.PASSWORD_FILE);
    if (!user.isEmpty() && (!password.isEmpty() || !passwordFile.isEmpty())) {
      creds.add(
          new Credential(
              repo,
              user,
              nonEmpty(password).map(Secret::of),
              nonEmpty(passwordFile).map(f -> AbsPath.of(f, cwd).toString())));
    } else if (fromUrl.credential().isPresent()) {
      creds.add(fromUrl.credential().get());
    }
    for (String raw : p.get(Options.CREDENTIAL)) {
      try {
        for (Credential c : CredentialParser.parse(raw)) {
          creds.add(
              new Credential(
                  c.url(),
                  c.username(),
                  c.password(),
                  c.passwordFile().map(f -> AbsPath.of(f, cwd).toString())));
        }
      } catch (IllegalArgumentException e) {
        errs.add("invalid flag: --credential: " + e.getMessage());
      }
    }
    Optional<Secret> askpass = nonEmpty(p.get(Options.ASKPASS_URL)).map(Secret::of);
    if (askpass.isPresent() && !isHttpUrl(askpass.get().reveal())) {
      errs.add("invalid flag: --askpass-url must be an http or https URL");
    }
    Optional<GitHubAppSettings> app = Optional.empty();
    String keyFile = p.get(Options.GITHUB_APP_PRIVATE_KEY_FILE);
    String key = p.get(Options.ENV_GITSYNC_GITHUB_APP_PRIVATE_KEY);
    if (!keyFile.isEmpty() || !key.isEmpty()) {
      String base = p.get(Options.GITHUB_BASE_URL);
      if (!isHttpUrl(base)) {
        errs.add("invalid flag: --github-base-url must be an http or https URL");
      }
      String issuer =
          p.get(Options.GITHUB_APP_CLIENT_ID).isEmpty()
              ? Integer.toString(p.get(Options.GITHUB_APP_APPLICATION_ID))
              : p.get(Options.GITHUB_APP_CLIENT_ID);
      app =
          Optional.of(
              new GitHubAppSettings(
                  base,
                  nonEmpty(key).map(Secret::of),
                  nonEmpty(keyFile).map(f -> AbsPath.of(f, cwd).toString()),
                  issuer,
                  p.get(Options.GITHUB_APP_INSTALLATION_ID)));
    }
    Optional<String> cookie = Optional.empty();
    if (p.get(Options.COOKIE_FILE)) {
      AbsPath jar = AbsPath.of(p.get(Options.COOKIE_FILE_PATH), cwd);
      if (!Files.isReadable(jar.path())) {
        errs.add(
            "invalid flag: --cookie-file: can't access git cookiefile "
                + p.get(Options.COOKIE_FILE_PATH));
      }
      cookie = Optional.of(jar.toString());
    }
    return new AuthSettings(creds, askpass, app, cookie);
  }

  private static boolean isHttpUrl(String s) {
    try {
      java.net.URI u = new java.net.URI(s);
      return u.getScheme() != null
          && List.of("http", "https").contains(u.getScheme().toLowerCase(Locale.ROOT))
          && u.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static <E extends Enum<E>> E oneOf(
      String v, String name, Class<E> type, List<String> errs, String... allowed) {
    for (String a : allowed) {
      if (a.equals(v)) {
        return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
      }
    }
    errs.add(
        "invalid flag: --"
            + name
            + " must be one of "
            + String.join(", ", quote(allowed))
            + " (got \""
            + v
            + "\")");
    return type.getEnumConstants()[0];
  }

  private static List<String> quote(String[] values) {
    List<String> l = new ArrayList<>();
    for (String v : values) {
      l.add("\"" + v + "\"");
    }
    return l;
  }

  private static Optional<String> nonEmpty(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private static String trimSlashes(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == '/') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(start, end);
  }
}
