package dev.gitsync.trigger;

import dev.gitsync.http.NioHttpServer;
import dev.gitsync.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Answers {@code POST /trigger}: who sent it, whether it proves it knows the secret, whether it is
 * a push to the synced ref of the synced repository, and whether a pass should start.
 *
 * <p>Answers: 202 a sync is scheduled (or joins one that is); 200 a valid delivery that needs no
 * sync, with the reason (a ping, another ref or repository, a deleted branch, another event, a
 * delivery already seen); 401 a missing or wrong secret or signature; 400 a body that is not what
 * the headers announce; 404 another path; 405 another method (each of these closes the connection,
 * so a refused stranger holds nothing); 429 more than {@link #BURST} deliveries in one interval for
 * the synced ref (replays, pings and other refs are not counted); the listener answers 413 for
 * bodies over its limit itself. Answers and log lines never hold the secret, headers or the
 * repository's credentials. When a payload does not say which ref or repository it is about, it
 * syncs: a fetch is cheap and idempotent.
 */
final class TriggerHandler implements NioHttpServer.Handler {
  static final int BURST = 20;
  private static final int SEEN = 1000;

  private final SecretFile secret;
  private final Optional<RepoUrl> repo;
  private final String ref;
  private final Pacer pacer;
  private final Clock clock;
  private final Duration window;
  private final Log log;
  private final BiConsumer<String, String> count;
  private final Map<String, Boolean> seen =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
          return size() > SEEN;
        }
      };
  private Instant windowStart = Instant.EPOCH;
  private int inWindow;

  /**
   * A handler.
   *
   * @param repo {@code --repo} (credentials already removed)
   * @param ref {@code --ref}
   * @param count told each request's source and result, for metrics
   */
  TriggerHandler(
      SecretFile secret,
      String repo,
      String ref,
      Pacer pacer,
      Duration minInterval,
      Clock clock,
      Log log,
      BiConsumer<String, String> count) {
    this.secret = secret;
    this.repo = RepoUrl.of(repo);
    this.ref = ref;
    this.pacer = pacer;
    this.clock = clock;
    this.window =
        minInterval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : minInterval;
    this.log = log;
    this.count = count;
  }

  @Override
  public NioHttpServer.Response handle(NioHttpServer.Request r) {
    if (!r.path().equals("/trigger")) {
      return refuse("unknown", "not_found", 404, "404 page not found");
    }
    if (!r.method().equals("POST")) {
      count.accept("unknown", "method_not_allowed");
      return new NioHttpServer.Response(
          405,
          "text/plain; charset=utf-8",
          "only POST is accepted\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          List.of(Map.entry("Allow", "POST"), Map.entry("Connection", "close")));
    }
    Optional<String> source = Deliveries.source(r);
    if (source.isEmpty()) {
      return refuse("unknown", "unauthorized", 401, "no signature or token");
    }
    String src = source.get();
    Deliveries.Check check = Deliveries.check(src, r, secret.bytes(), clock.instant());
    if (check.refusal().isPresent()) {
      log.info(
          1,
          "push trigger refused",
          "source",
          src,
          "why",
          check.refusal().get(),
          "remote",
          r.remote());
      return refuse(src, "unauthorized", 401, "not authorized");
    }
    String id = check.id();
    synchronized (seen) {
      if (!id.isEmpty() && seen.containsKey(id)) {
        return answer(src, "duplicate", 200, "duplicate delivery ignored");
      }
    }
    Push push;
    try {
      push = Deliveries.parse(src, r);
    } catch (IllegalArgumentException e) {
      return refuse(src, "bad_request", 400, "the body is not a valid " + src + " delivery");
    }
    return decide(push, id);
  }

  /** Remembers a delivery once it was decided (not when it was refused or rate-limited). */
  private void seen(String id) {
    if (!id.isEmpty()) {
      synchronized (seen) {
        seen.put(id, Boolean.TRUE);
      }
    }
  }

  private NioHttpServer.Response decide(Push push, String id) {
    Optional<NioHttpServer.Response> ignored = ignored(push);
    if (ignored.isPresent()) {
      seen(id);
      return ignored.get();
    }
    return schedule(push, id);
  }

  /** The answer for a verified delivery that needs no pass, or empty when it needs one. */
  private Optional<NioHttpServer.Response> ignored(Push push) {
    String src = push.source();
    if (push.kind() == Push.Kind.PING) {
      return Optional.of(answer(src, "ignored", 200, "pong"));
    }
    if (push.kind() == Push.Kind.OTHER) {
      return Optional.of(answer(src, "ignored", 200, "ignored: event " + safe(push.event())));
    }
    if (ref.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
      return Optional.of(
          answer(src, "ignored", 200, "ignored: --ref is a commit, which no push moves"));
    }
    if (!push.repoUrls().isEmpty()
        && repo.isPresent()
        && push.repoUrls().stream().map(RepoUrl::of).noneMatch(u -> u.equals(repo))) {
      return Optional.of(answer(src, "ignored", 200, "ignored: another repository"));
    }
    List<Push.Change> ours = ours(push);
    if (!push.refs().isEmpty() && ours.isEmpty()) {
      return Optional.of(answer(src, "ignored", 200, "ignored: another ref"));
    }
    if (!ours.isEmpty() && ours.stream().allMatch(Push.Change::deleted)) {
      return Optional.of(answer(src, "ignored", 200, "ignored: the ref was deleted"));
    }
    return Optional.empty();
  }

  private List<Push.Change> ours(Push push) {
    return push.refs().stream().filter(c -> isOurs(c.ref(), push)).toList();
  }

  /**
   * A new delivery for the synced ref, which calls for a pass: charged against the burst only now,
   * once everything else was decided, so replays, pings and pushes to other refs never use up what
   * the forge's genuine pushes need. A rate-limited delivery is not remembered, so the forge's
   * redelivery of it is not taken for a replay.
   */
  private NioHttpServer.Response schedule(Push push, String id) {
    String src = push.source();
    Optional<Duration> busy = overBurst();
    if (busy.isPresent()) {
      count.accept(src, "rate_limited");
      return new NioHttpServer.Response(
          429,
          "text/plain; charset=utf-8",
          "too many triggers; polling still syncs\n"
              .getBytes(java.nio.charset.StandardCharsets.UTF_8),
          List.of(Map.entry("Retry-After", Long.toString(Math.max(1, busy.get().toSeconds())))));
    }
    seen(id);
    List<Push.Change> ours = ours(push);
    String what =
        "trigger: "
            + src
            + " "
            + safe(push.event())
            + (ours.isEmpty() ? "" : " to " + safe(ours.get(0).ref()))
            + (id.isEmpty() ? "" : " (delivery " + safe(id.substring(id.indexOf(':') + 1)) + ")");
    Pacer.Outcome o = pacer.request(what);
    log.info(
        0,
        "push trigger accepted",
        "source",
        src,
        "by",
        what,
        "sync",
        o.name().toLowerCase(java.util.Locale.ROOT));
    return answer(
        src,
        o == Pacer.Outcome.JOINED ? "coalesced" : "scheduled",
        202,
        o == Pacer.Outcome.JOINED ? "joins the sync already scheduled" : "sync scheduled");
  }

  /** Whether {@code changed} is the synced ref ({@code HEAD}: the default branch, if named). */
  private boolean isOurs(String changed, Push push) {
    if (ref.equals("HEAD")) {
      return push.defaultBranch().isEmpty()
          ? changed.startsWith("refs/heads/")
          : changed.equals("refs/heads/" + push.defaultBranch());
    }
    return changed.equals(ref)
        || changed.equals("refs/heads/" + ref)
        || changed.equals("refs/tags/" + ref);
  }

  /** More than {@link #BURST} requests in this window: how long until the next one. */
  private synchronized Optional<Duration> overBurst() {
    Instant now = clock.instant();
    if (!now.isBefore(windowStart.plus(window))) {
      windowStart = now;
      inWindow = 0;
    }
    return ++inWindow > BURST
        ? Optional.of(Duration.between(now, windowStart.plus(window)))
        : Optional.empty();
  }

  private NioHttpServer.Response answer(String source, String result, int status, String text) {
    count.accept(source, result);
    return NioHttpServer.Response.text(status, text + "\n");
  }

  /** A refusal: the sender also loses its connection, and whatever its buffer had grown to. */
  private NioHttpServer.Response refuse(String source, String result, int status, String text) {
    count.accept(source, result);
    return new NioHttpServer.Response(
        status,
        "text/plain; charset=utf-8",
        (text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
        List.of(Map.entry("Connection", "close")));
  }

  /**
   * A delivery larger than the listener holds: its signatures are computed as it streams in, for a
   * sender that signs; a stranger without a sender's headers is refused at once (413).
   */
  @Override
  public Optional<NioHttpServer.BodyStream> stream(NioHttpServer.Request head) {
    if (!head.path().equals("/trigger")
        || !head.method().equals("POST")
        || Deliveries.source(head).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(StreamedMacs.start(head, secret.bytes()));
  }

  @Override
  public void rejected(int status) {
    count.accept("unknown", status == 413 ? "too_large" : "bad_request");
  }

  /** Text from a payload, made safe for a log line or an answer. */
  private static String safe(String s) {
    String t = s.replaceAll("[^\\x20-\\x7e]", "?");
    return t.length() > 100 ? t.substring(0, 100) + "…" : t;
  }
}
