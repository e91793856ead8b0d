package dev.gitsync.auth;

import dev.gitsync.config.AuthSettings;
import dev.gitsync.config.Credential;
import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.git.Git;
import dev.gitsync.git.GitException;
import dev.gitsync.http.HttpTransport;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import dev.gitsync.metrics.Metrics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Refreshes git's credentials before each sync, in upstream's order (main.go:977-1019): each
 * credential (the {@code --repo} one first), password files re-read every time so a rotated token
 * is picked up; then the askpass URL; then the GitHub App token when it expires within 30 seconds.
 *
 * <p>Design: upstream runs {@code git credential approve} for every credential on every poll. Here
 * a credential is handed to git again only when its value changed, after a failed pass (git drops a
 * credential the server rejected), or when the last hand-over is older than ten minutes, so an idle
 * poll still costs one git process. The cache keeps an entry for {@link #cacheTimeout}: long enough
 * to outlast a pass that starts just before a re-store is due, short enough that the cache daemon
 * of a killed git-sync forgets its passwords within minutes rather than upstream's hour.
 */
public final class Authenticator {
  private static final Duration ASKPASS_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration TOKEN_MARGIN = Duration.ofSeconds(30);
  private static final Duration RESTORE = Duration.ofMinutes(10);

  private final AuthSettings settings;
  private final String repo;
  private final Git git;
  private final Path cwd;
  private final HttpTransport http;
  private final Redactor redactor;
  private final Log log;
  private final Clock clock;
  private final Metrics metrics;
  private final GitHubApp app;
  private final Map<String, Stored> stored = new HashMap<>();
  private GitHubApp.Token token;

  private record Stored(String password, Instant at) {
    @Override
    public String toString() {
      return "Stored[at=" + at + "]";
    }
  }

  /**
   * An authenticator for {@code repo}; {@code http} must not follow redirects (the askpass URL's
   * answer is taken as it is, as upstream does).
   */
  public Authenticator(
      AuthSettings settings,
      String repo,
      Git git,
      Path cwd,
      HttpTransport http,
      Redactor redactor,
      Log log,
      Clock clock,
      Metrics metrics) {
    this.settings = settings;
    this.repo = repo;
    this.git = git;
    this.cwd = cwd;
    this.http = http;
    this.redactor = redactor;
    this.log = log;
    this.clock = clock;
    this.metrics = metrics;
    this.app = settings.githubApp().map(a -> new GitHubApp(a, http, clock)).orElse(null);
    for (Credential c : settings.credentials()) {
      c.password().ifPresent(p -> redactor.register(p.reveal()));
      if (c.password().isPresent() && c.password().get().reveal().isEmpty()) {
        // A token-only URL (https://TOKEN@host): the user name is the secret.
        redactor.register(c.username());
      }
    }
    settings.askpassUrl().ifPresent(u -> redactor.register(u.reveal()));
    settings.githubApp().flatMap(a -> a.privateKey()).ifPresent(k -> redactor.register(k.reveal()));
  }

  /**
   * How long git's credential cache should keep an entry, for passes of up to {@code syncTimeout}.
   */
  public static Duration cacheTimeout(Duration syncTimeout) {
    return RESTORE.plus(syncTimeout).plusMinutes(1);
  }

  /**
   * Puts the current credentials into git's credential store.
   *
   * @param force hand every credential over again (first pass, or after a failure)
   * @param deadline when the sync pass must be over
   * @throws IOException with a message naming what failed and never a secret
   * @throws GitException when git refused a credential (its message is already redacted)
   */
  public void refresh(boolean force, Instant deadline)
      throws IOException, GitException, InterruptedException {
    Git g = git.until(deadline);
    for (Credential c : settings.credentials()) {
      store(g, c.url(), c.username(), password(c), force);
    }
    if (settings.askpassUrl().isPresent()) {
      askpass(g, force);
    }
    if (app != null) {
      githubApp(g, force);
    }
  }

  private String password(Credential c) throws IOException {
    if (c.password().isPresent()) {
      return c.password().get().reveal();
    }
    String file = c.passwordFile().orElseThrow();
    try {
      // Only the line ending goes: spaces can be part of a password.
      String p = stripLineEnds(BoundedFiles.readString(Path.of(file), BoundedFiles.SMALL));
      redactor.register(p);
      return p;
    } catch (IOException e) {
      throw new IOException(
          "can't read the password file " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private void askpass(Git g, boolean force)
      throws IOException, GitException, InterruptedException {
    log.info(3, "calling auth URL to get credentials");
    InboundResponse r;
    try {
      r =
          http.send(
              new OutboundRequest(
                  "GET",
                  URI.create(settings.askpassUrl().get().reveal()),
                  List.of(),
                  new byte[0],
                  ASKPASS_TIMEOUT));
    } catch (IOException e) {
      metrics.askpass(false);
      throw new IOException("can't access auth URL: " + e.getMessage(), e);
    }
    if (r.status() != 200) {
      metrics.askpass(false);
      // Upstream adds the body; an askpass service's error page may echo a token, so only its
      // size is told.
      throw new IOException(
          "auth URL returned status "
              + r.status()
              + " (body of "
              + r.body().length()
              + " characters not shown: it may hold credentials)");
    }
    String username = "";
    String password = "";
    for (String line : r.body().split("\n")) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String value = line.substring(eq + 1).replaceAll("\r$", "");
      switch (line.substring(0, eq)) {
        case "username":
          username = value;
          break;
        case "password":
          password = value;
          redactor.register(password);
          break;
        default:
          break;
      }
    }
    metrics.askpass(true);
    store(g, repo, username, password, force);
  }

  private void githubApp(Git g, boolean force)
      throws IOException, GitException, InterruptedException {
    store(g, repo, "-", appToken(), force);
  }

  /**
   * The GitHub App's installation token (for commit statuses too), requested again when it is
   * within its margin of expiring; empty without {@code --github-app-*}. Called from the sync
   * thread and from notification threads.
   *
   * @throws IOException with a redacted message when GitHub refused
   */
  public Optional<String> githubAppToken() throws IOException, InterruptedException {
    return app == null ? Optional.empty() : Optional.of(appToken());
  }

  private synchronized String appToken() throws IOException, InterruptedException {
    if (token == null || token.expiresAt().isBefore(clock.instant().plus(TOKEN_MARGIN))) {
      log.info(3, "refreshing GitHub app token");
      try {
        token = app.requestToken();
      } catch (IOException e) {
        metrics.appTokenRefreshed(false);
        throw new IOException(redactor.redact(e.getMessage()), e);
      }
      redactor.register(token.token());
      metrics.appTokenRefreshed(true);
      log.info(1, "refreshed GitHub app token", "expiresAt", token.expiresAt().toString());
    }
    return token.token();
  }

  private void store(Git g, String url, String username, String password, boolean force)
      throws GitException, InterruptedException {
    String key = url + '\u0000' + username;
    Stored last = stored.get(key);
    Instant now = clock.instant();
    if (!force
        && last != null
        && last.password().equals(password)
        && now.isBefore(last.at().plus(RESTORE))) {
      return;
    }
    log.info(1, "storing git credential", "url", Redactor.redactUrls(url));
    try {
      g.credentialApprove(cwd, url, username, password);
    } catch (IllegalArgumentException e) {
      stored.remove(key);
      throw new GitException("can't configure git credentials: " + e.getMessage(), e);
    } catch (GitException e) {
      stored.remove(key);
      throw e;
    }
    stored.put(key, new Stored(password, now));
  }

  /** Drops trailing CR and LF characters (by hand: "[\\r\\n]+$" backtracks quadratically). */
  private static String stripLineEnds(String s) {
    int e = s.length();
    while (e > 0 && (s.charAt(e - 1) == '\r' || s.charAt(e - 1) == '\n')) {
      e--;
    }
    return s.substring(0, e);
  }
}
