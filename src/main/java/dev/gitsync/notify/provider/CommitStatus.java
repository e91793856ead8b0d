package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Commit statuses on the forge: the commit page shows whether git-sync published it. {@code
 * sync.succeeded} marks the published commit successful; {@code sync.verification_failed} marks the
 * refused commit failed (it was never published); {@code hook.failed} marks the published commit
 * errored (published, but a hook failed). Failures without a commit of their own ({@code
 * sync.failed}, giving up) have nothing to mark and are refused in {@code events=}; {@code
 * --notify-test} reads the repository with the token instead of writing a status.
 *
 * <p>The status's name ({@code context}) defaults to {@code git-sync/<namespace>/<app>}, the app
 * being the pod's name without its ReplicaSet hash and random suffix (or StatefulSet ordinal), so
 * every replica of a workload writes the same status and each workload its own; {@code context=}
 * sets it. The token is read from {@code token_file} on every send.
 */
abstract class CommitStatus implements Provider {
  /** What the forge is told. */
  enum State {
    SUCCESS,
    FAILURE,
    ERROR
  }

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
    String token = token(sink, d);
    if (token.isEmpty() || !token.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IOException("token_file does not hold an access token");
    }
    // The sink's URL without its query, and without a user (a clone URL pasted as is,
    // https://org@dev.azure.com/…).
    URI u = sink.uri();
    String base =
        apiBase(
            u.getScheme()
                + "://"
                + u.getHost()
                + (u.getPort() < 0 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null ? "" : u.getRawPath().replaceFirst("/+$", "")));
    if (e.type() == EventType.TEST) {
      return Providers.request(
          "GET", URI.create(base + query(sink)), sink, new byte[0], headers(token, false));
    }
    if (!CommitHashes.valid(e.hash())) {
      throw new IOException("no commit to mark for " + e.type().wire());
    }
    State state =
        e.type() == EventType.SYNC_SUCCEEDED
            ? State.SUCCESS
            : e.type() == EventType.VERIFICATION_FAILED ? State.FAILURE : State.ERROR;
    String description = Text.cut(description(e, state), 138);
    return Providers.post(
        URI.create(base + path(e.hash()) + query(sink)),
        sink,
        Providers.json(body(e, state, description, context(e, sink))),
        headers(token, true));
  }

  /**
   * {@code token_file}, else (GitHub) the App's installation token; never both missing (the parser
   * and the configuration check see to it).
   */
  private static String token(Sink sink, DeliveryInfo d) throws IOException {
    if (sink.tokenFile().isPresent()) {
      return BoundedFiles.readString(sink.tokenFile().get(), BoundedFiles.SMALL).strip();
    }
    try {
      return d.appToken()
          .get()
          .orElseThrow(() -> new IOException("no token_file and no --github-app-* token"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while requesting the GitHub App token", e);
    }
  }

  /** The repository's API URL, from the sink's URL without its query. */
  String apiBase(String base) {
    return base;
  }

  /** The query every request carries (an API version), with its {@code ?}; none by default. */
  String query(Sink sink) {
    return "";
  }

  /** The path under the repository's API URL that statuses of {@code sha} are posted to. */
  abstract String path(String sha);

  /** The request body. */
  abstract Map<String, Object> body(NotifyEvent e, State s, String description, String context);

  /** The forge's authentication header, and its JSON headers when {@code json}. */
  abstract List<Map.Entry<String, String>> auth(String token);

  private List<Map.Entry<String, String>> headers(String token, boolean json) {
    List<Map.Entry<String, String>> h = new java.util.ArrayList<>(auth(token));
    h.add(Map.entry("Accept", "application/json"));
    if (json) {
      h.add(Map.entry("Content-Type", "application/json"));
    }
    return h;
  }

  private static String description(NotifyEvent e, State s) {
    String where = e.namespace().isEmpty() ? e.pod() : e.namespace() + "/" + e.pod();
    switch (s) {
      case SUCCESS:
        return "Published by git-sync in " + where;
      case FAILURE:
        return "Not published: " + firstLine(e.error());
      default:
        return "Published in " + where + ", but " + e.hook() + " failed";
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    int colon = line.indexOf(": ");
    return colon > 0 && line.startsWith("refused") ? line.substring(colon + 2) : line;
  }

  /** {@code context=}, else {@code git-sync/<namespace>/<app>}. */
  static String context(NotifyEvent e, Sink sink) {
    if (!sink.channel().isEmpty()) {
      return sink.channel();
    }
    String app = app(e.pod());
    return "git-sync/" + (e.namespace().isEmpty() ? "" : e.namespace() + "/") + app;
  }

  /**
   * The workload's name from a pod's: {@code web-7d9f8c6b5-x2x4z} (a Deployment's pod: ReplicaSet
   * hash and five random characters) and {@code web-0} (a StatefulSet's) are both {@code web}.
   */
  static String app(String pod) {
    String[] parts = pod.split("-");
    int n = parts.length;
    if (n > 1 && parts[n - 1].chars().allMatch(Character::isDigit)) {
      n--;
    } else if (n > 2
        && parts[n - 1].length() == 5
        && parts[n - 1].chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))
        && parts[n - 2].length() >= 6
        && parts[n - 2].length() <= 10
        && parts[n - 2].chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
      n -= 2;
    }
    String app = String.join("-", java.util.Arrays.asList(parts).subList(0, Math.max(1, n)));
    return app.isEmpty() ? "git-sync" : app.toLowerCase(Locale.ROOT);
  }

  /**
   * The status rules the forges share: 401 and 403 (without a rate limit) mean the token cannot do
   * this, 404 that the repository is not there for it: the sink is disabled; 422 (GitHub, Gitea)
   * and 400 are a status the forge refuses (an unknown commit, too many statuses): dropped; 429,
   * and 403 with {@code x-ratelimit-remaining: 0} or {@code Retry-After}, wait (until {@code
   * x-ratelimit-reset} when given).
   */
  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    int s = r.status();
    if (s >= 200 && s < 300) {
      return Verdict.delivered();
    }
    String why = forge() + " HTTP " + s + ": " + message(r);
    Optional<Duration> reset = rateLimitReset(r);
    if (s == 429 || (s == 403 && (reset.isPresent() || Verdict.retryAfter(r).isPresent()))) {
      return Verdict.retry(why, Verdict.retryAfter(r).or(() -> reset));
    }
    if (s == 401 || s == 403 || s == 404 && !commitNotFound(r)) {
      return Verdict.disable(why);
    }
    return Verdict.byStatus(r).orElse(Verdict.drop(why));
  }

  /** The forge's name, for reasons. */
  abstract String forge();

  /** Whether a 404 says the commit (not the repository) is unknown. */
  boolean commitNotFound(InboundResponse r) {
    return false;
  }

  static String message(InboundResponse r) {
    Map<String, Object> m = JsonParser.objectOrEmpty(r.body());
    Object msg = m.getOrDefault("message", m.get("error"));
    if (msg instanceof Map) {
      msg = ((Map<?, ?>) msg).get("message");
    }
    return Text.cut(String.valueOf(msg == null ? r.body().strip() : msg), 200);
  }

  /** {@code x-ratelimit-remaining: 0} with {@code x-ratelimit-reset} (epoch seconds). */
  private static Optional<Duration> rateLimitReset(InboundResponse r) {
    List<String> remaining = r.headers().get("x-ratelimit-remaining");
    List<String> reset = r.headers().get("x-ratelimit-reset");
    if (remaining == null || remaining.isEmpty() || !remaining.get(0).trim().equals("0")) {
      return Optional.empty();
    }
    try {
      long at = Long.parseLong(reset == null || reset.isEmpty() ? "" : reset.get(0).trim());
      Duration d = Duration.between(Instant.now(), Instant.ofEpochSecond(at));
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (NumberFormatException e) {
      return Optional.of(Duration.ofMinutes(1));
    }
  }

  /** The commit's web page, for a status's link (empty when not known). */
  static String link(NotifyEvent e) {
    return e.commitUrl();
  }

  static Map<String, Object> common(String state, String description, String url) {
    Map<String, Object> m = map("state", state, "description", description);
    if (!url.isEmpty()) {
      m.put("target_url", url);
    }
    return m;
  }

  /** Hex commit names only, so a hash can never change the request's path. */
  static final class CommitHashes {
    private CommitHashes() {}

    static boolean valid(String h) {
      return (h.length() == 40 || h.length() == 64)
          && h.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }
  }
}
