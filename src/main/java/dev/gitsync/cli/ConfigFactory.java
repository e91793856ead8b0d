package dev.gitsync.cli;

import dev.gitsync.config.AuthSettings;
import dev.gitsync.config.BindAddress;
import dev.gitsync.config.Config;
import dev.gitsync.config.Credential;
import dev.gitsync.config.GitConfigEntry;
import dev.gitsync.config.GitHubAppSettings;
import dev.gitsync.config.HookSettings;
import dev.gitsync.config.HttpSettings;
import dev.gitsync.config.NotifySettings;
import dev.gitsync.config.PayloadTemplate;
import dev.gitsync.config.Secret;
import dev.gitsync.config.SyncSignal;
import dev.gitsync.config.WebhookSettings;
import dev.gitsync.fs.AbsPath;
import dev.gitsync.notify.Notifier;
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

    String rootFlag = p.string("root");
    if (rootFlag.isEmpty()) {
      errs.add("required flag: --root must be specified");
    }
    String repo = p.string("repo");
    if (repo.isEmpty()) {
      errs.add("required flag: --repo must be specified");
    }

    String ref = p.string("ref");
    String branch = p.string("branch");
    String rev = p.string("rev");
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
    // git would read a leading dash as an option (--upload-pack=… runs a command).
    if (ref.startsWith("-")) {
      errs.add("invalid flag: --ref must not start with '-' (git would read it as an option)");
    }
    if (repo.startsWith("-")) {
      errs.add("invalid flag: --repo must not start with '-' (git would read it as an option)");
    }

    int depth = p.integer("depth");
    if (depth < 0) {
      errs.add("invalid flag: --depth must be greater than or equal to 0");
    }

    Config.Submodules submodules =
        oneOf(p, "submodules", Config.Submodules.class, errs, "recursive", "shallow", "off");
    Config.GitGc gitGc =
        oneOf(p, "git-gc", Config.GitGc.class, errs, "auto", "always", "aggressive", "off");

    String link = p.string("link");
    if (!p.string("dest").isEmpty()) {
      link = p.string("dest");
    }
    if (link.isEmpty()) {
      String[] parts = trimSlashes(repo).split("/");
      link = parts[parts.length - 1];
    }

    Duration period = p.duration("period");
    if (p.floating("wait") != 0) {
      period = Duration.ofMillis((long) (p.floating("wait") * 1000));
    }
    if (period.compareTo(MIN_PERIOD) < 0) {
      errs.add("invalid flag: --period must be at least 10ms");
    }
    Duration initPeriod = p.duration("init-period");
    if (!initPeriod.isZero() && initPeriod.compareTo(MIN_PERIOD) < 0) {
      errs.add("invalid flag: --init-period must be at least 10ms if set");
    }
    if (initPeriod.isZero()) {
      initPeriod = period;
    }

    if (p.integer("change-permissions") != 0) {
      errs.add("invalid flag: --change-permissions is no longer supported (use --group-write)");
    }

    Optional<SyncSignal> signal = Optional.empty();
    if (!p.string("sync-on-signal").isEmpty()) {
      try {
        signal = Optional.of(SyncSignal.parse(p.string("sync-on-signal")));
      } catch (IllegalArgumentException e) {
        errs.add("invalid flag: --sync-on-signal must be a valid signal name or number");
      }
    }

    Duration syncTimeout = p.duration("sync-timeout");
    if (p.integer("timeout") != 0) {
      syncTimeout = Duration.ofSeconds(p.integer("timeout"));
    }
    if (syncTimeout.compareTo(MIN_PERIOD) < 0) {
      errs.add("invalid flag: --sync-timeout must be at least 10ms");
    }

    int maxFailures = p.integer("max-failures");
    if (p.integer("max-sync-failures") != 0) {
      maxFailures = p.integer("max-sync-failures");
    }
    OptionalInt initMaxFailures =
        p.isSet("init-max-failures")
            ? OptionalInt.of(p.integer("init-max-failures"))
            : OptionalInt.empty();

    validateHooks(p, errs);
    validateAuth(p, repo, errs);
    RepoCredentials fromUrl = RepoCredentials.split(repo);
    repo = fromUrl.url();
    AuthSettings auth = auth(p, repo, fromUrl, cwd, errs);
    if ((p.bool("http-metrics") || p.bool("http-pprof")) && p.string("http-bind").isEmpty()) {
      errs.add("invalid flag: --http-metrics and --http-pprof require --http-bind to be specified");
    }
    Optional<WebhookSettings> webhook = webhook(p, errs);
    Optional<BindAddress> bind = Optional.empty();
    if (!p.string("http-bind").isEmpty()) {
      try {
        bind = Optional.of(BindAddress.parse(p.string("http-bind")));
      } catch (IllegalArgumentException e) {
        errs.add("invalid flag: --http-bind: " + e.getMessage());
      }
    }
    if (p.integer("http-ready-max-periods") < 0) {
      errs.add("invalid flag: --http-ready-max-periods must be 0 or more");
    }

    List<GitConfigEntry> gitConfig = new ArrayList<>();
    if (!p.string("git-config").isEmpty()) {
      try {
        gitConfig.addAll(GitConfigEntry.parse(p.string("git-config"), false));
      } catch (IllegalArgumentException e) {
        errs.add("invalid flag: --git-config: " + e.getMessage());
      }
    }
    for (String add : p.list("git-config-add")) {
      try {
        gitConfig.addAll(GitConfigEntry.parse(add, true));
      } catch (IllegalArgumentException e) {
        errs.add("invalid flag: --git-config-add: " + e.getMessage());
      }
    }

    if (!rootFlag.isEmpty()) {
      AbsPath root = AbsPath.of(rootFlag, cwd);
      RootCheck.check(root, env.getOrDefault("HOME", "")).ifPresent(errs::add);
      RootCheck.checkLink(root, link).ifPresent(errs::add);
    }
    validateHookCommand(exechook(p), "exechook-command", errs);
    validateHookCommand(
        p.string("pre-publish-exechook-command"), "pre-publish-exechook-command", errs);

    NotifySettings notify = notify(p, cwd, errs);
    Optional<AbsPath> sparse =
        nonEmpty(p.string("sparse-checkout-file")).map(f -> AbsPath.of(f, cwd));
    if (sparse.isPresent() && !Files.isReadable(sparse.get().path())) {
      errs.add(
          "invalid flag: --sparse-checkout-file: can't read " + p.string("sparse-checkout-file"));
    }
    for (String arg : p.positional()) {
      errs.add("unexpected argument \"" + arg + "\": git-sync takes only flags");
    }

    int verbosity = p.integer("v") >= 0 ? p.integer("v") : p.integer("verbose");

    if (!errs.isEmpty()) {
      return new Result(Optional.empty(), List.copyOf(errs));
    }
    Config c =
        new Config(
            repo,
            ref,
            depth,
            p.string("filter"),
            submodules,
            AbsPath.of(rootFlag, cwd),
            link,
            nonEmpty(p.string("error-file")),
            nonEmpty(p.string("touch-file")),
            period,
            initPeriod,
            syncTimeout,
            p.bool("one-time"),
            signal,
            maxFailures,
            initMaxFailures,
            p.bool("add-user"),
            p.bool("group-write"),
            p.duration("stale-worktree-timeout"),
            p.string("git"),
            List.copyOf(gitConfig),
            gitGc,
            verbosity,
            new Config.Ssh(
                p.list("ssh-key-file"),
                p.bool("ssh-known-hosts"),
                p.string("ssh-known-hosts-file")),
            auth,
            sparse.map(AbsPath::toString),
            hook(exechook(p), p.duration("exechook-timeout"), p.duration("exechook-backoff")),
            hook(
                p.string("pre-publish-exechook-command"),
                p.duration("pre-publish-exechook-timeout"),
                p.duration("pre-publish-exechook-backoff")),
            webhook,
            new HttpSettings(
                bind,
                p.bool("http-metrics"),
                p.bool("http-pprof"),
                p.integer("http-ready-max-periods")),
            notify,
            StartupFlags.describe(p, verbosity >= 4));
    return new Result(Optional.of(c), List.of());
  }

  private static void validateHooks(ParsedOptions p, List<String> errs) {
    if (!exechook(p).isEmpty()) {
      atLeastOneSecond(p, "exechook-timeout", errs);
      atLeastOneSecond(p, "exechook-backoff", errs);
    }
    if (!p.string("pre-publish-exechook-command").isEmpty()) {
      atLeastOneSecond(p, "pre-publish-exechook-timeout", errs);
      atLeastOneSecond(p, "pre-publish-exechook-backoff", errs);
    }
    if (!p.string("webhook-url").isEmpty()) {
      int status = p.integer("webhook-success-status");
      if (status == -1) {
        status = 0;
      }
      if (status < 0) {
        errs.add("invalid flag: --webhook-success-status must be a valid HTTP code or 0");
      }
      atLeastOneSecond(p, "webhook-timeout", errs);
      atLeastOneSecond(p, "webhook-backoff", errs);
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

  private static NotifySettings notify(ParsedOptions p, Path cwd, List<String> errs) {
    List<Secret> urls = new ArrayList<>();
    p.list("notify").forEach(u -> urls.add(Secret.of(u)));
    Optional<String> file = nonEmpty(p.string("notify-file"));
    for (String e : Notifier.validate(p.list("notify"), file.map(f -> AbsPath.of(f, cwd).path()))) {
      errs.add("invalid flag: --notify: " + e);
    }
    if (p.integer("notify-failure-threshold") < 1) {
      errs.add("invalid flag: --notify-failure-threshold must be at least 1");
    }
    if (p.duration("notify-repeat-interval").isNegative()) {
      errs.add("invalid flag: --notify-repeat-interval must not be negative");
    }
    if (p.duration("notify-max-age").compareTo(Duration.ofMinutes(1)) < 0) {
      errs.add("invalid flag: --notify-max-age must be at least 1m");
    }
    if (p.bool("notify-test") && urls.isEmpty() && file.isEmpty()) {
      errs.add("invalid flag: --notify-test needs --notify, $GITSYNC_NOTIFY or --notify-file");
    }
    return new NotifySettings(
        List.copyOf(urls),
        file,
        p.string("notify-outbox"),
        p.integer("notify-failure-threshold"),
        p.duration("notify-repeat-interval"),
        p.duration("notify-max-age"),
        p.bool("notify-test"));
  }

  private static Optional<HookSettings> hook(String command, Duration timeout, Duration backoff) {
    return command.isEmpty()
        ? Optional.empty()
        : Optional.of(new HookSettings(command, timeout, backoff));
  }

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
    String url = p.string("webhook-url");
    List<WebhookSettings.Header> headers = new ArrayList<>();
    for (String raw : p.list("webhook-header")) {
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
    if (!p.string("webhook-payload").isEmpty()) {
      try {
        payload = Optional.of(PayloadTemplate.parse(p.string("webhook-payload")));
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
    if (!p.string("webhook-method").matches(TOKEN)) {
      errs.add(
          "invalid flag: --webhook-method must be an HTTP method such as POST (got \""
              + p.string("webhook-method")
              + "\")");
    }
    int status = p.integer("webhook-success-status");
    return Optional.of(
        new WebhookSettings(
            Secret.of(url),
            p.string("webhook-method"),
            status == -1 ? 0 : status,
            p.duration("webhook-timeout"),
            p.duration("webhook-backoff"),
            List.copyOf(headers),
            payload));
  }

  private static String exechook(ParsedOptions p) {
    String legacy = p.string("sync-hook-command");
    return legacy.isEmpty() ? p.string("exechook-command") : legacy;
  }

  private static void atLeastOneSecond(ParsedOptions p, String name, List<String> errs) {
    if (p.duration(name).compareTo(MIN_HOOK) < 0) {
      errs.add("invalid flag: --" + name + " must be at least 1s");
    }
  }

  private static void validateAuth(ParsedOptions p, String repo, List<String> errs) {
    String user = p.string("username");
    boolean password =
        !p.string("__env__GITSYNC_PASSWORD").isEmpty() || !p.string("password").isEmpty();
    boolean passwordFile = !p.string("password-file").isEmpty();
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
        !p.string("github-app-private-key-file").isEmpty()
            || !p.string("__env__GITSYNC_GITHUB_APP_PRIVATE_KEY").isEmpty();
    boolean appId = p.integer("github-app-application-id") != 0;
    boolean clientId = !p.string("github-app-client-id").isEmpty();
    boolean installation = p.integer("github-app-installation-id") != 0;
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
      if (!p.string("github-app-private-key-file").isEmpty()
          && !p.string("__env__GITSYNC_GITHUB_APP_PRIVATE_KEY").isEmpty()) {
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
    String user = p.string("username");
    String password = password(p);
    String passwordFile = p.string("password-file");
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
    for (String raw : p.list("credential")) {
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
    Optional<Secret> askpass = nonEmpty(p.string("askpass-url")).map(Secret::of);
    if (askpass.isPresent() && !isHttpUrl(askpass.get().reveal())) {
      errs.add("invalid flag: --askpass-url must be an http or https URL");
    }
    Optional<GitHubAppSettings> app = Optional.empty();
    String keyFile = p.string("github-app-private-key-file");
    String key = p.string("__env__GITSYNC_GITHUB_APP_PRIVATE_KEY");
    if (!keyFile.isEmpty() || !key.isEmpty()) {
      String base = p.string("github-base-url");
      if (!isHttpUrl(base)) {
        errs.add("invalid flag: --github-base-url must be an http or https URL");
      }
      String issuer =
          p.string("github-app-client-id").isEmpty()
              ? Integer.toString(p.integer("github-app-application-id"))
              : p.string("github-app-client-id");
      app =
          Optional.of(
              new GitHubAppSettings(
                  base,
                  nonEmpty(key).map(Secret::of),
                  nonEmpty(keyFile).map(f -> AbsPath.of(f, cwd).toString()),
                  issuer,
                  p.integer("github-app-installation-id")));
    }
    Optional<String> cookie = Optional.empty();
    if (p.bool("cookie-file")) {
      AbsPath jar = AbsPath.of(p.string("cookie-file-path"), cwd);
      if (!Files.isReadable(jar.path())) {
        errs.add(
            "invalid flag: --cookie-file: can't access git cookiefile "
                + p.string("cookie-file-path"));
      }
      cookie = Optional.of(jar.toString());
    }
    return new AuthSettings(creds, askpass, app, cookie);
  }

  /** $GITSYNC_PASSWORD, or the deprecated --password flag, which wins as upstream's does. */
  private static String password(ParsedOptions p) {
    return p.string("password").isEmpty()
        ? p.string("__env__GITSYNC_PASSWORD")
        : p.string("password");
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
      ParsedOptions p, String name, Class<E> type, List<String> errs, String... allowed) {
    String v = p.string(name);
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
