package dev.gitsync.notify;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.fs.FileOps;
import dev.gitsync.http.HttpTransport;
import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Owns notifications: decides which events to send (the anti-spam policy), writes each delivery to
 * the outbox, and runs one {@link SinkWorker} per sink.
 *
 * <p>Policy: a success is announced once per commit (remembered across restarts); failures alert
 * only after {@code --notify-failure-threshold} consecutive failures, then at most once per {@code
 * --notify-repeat-interval} while failing; the first success after an alert sends a recovery with
 * how long syncing was broken; a failing hook alerts once per hook and commit; giving up is always
 * sent. Sinks come from {@code --notify}/{@code $GITSYNC_NOTIFY} and {@code --notify-file}, which
 * is re-read when it changes (a rotated Secret).
 */
public final class Notifier implements AutoCloseable {
  private final Settings settings;
  private final HttpTransport transport;
  private final Log log;
  private final Clock clock;
  private final NotifyObserver observer;
  private final Outbox outbox;
  private final NotifyState state;
  private final RetryPolicy retry = new RetryPolicy(new Random());
  private final Map<String, SinkWorker> workers = new LinkedHashMap<>();
  private final List<Delivery> orphans = new ArrayList<>();
  private long notifyFileStamp = -1;
  private final String repo;
  private final String ref;
  private final Optional<RepoLinks> links;

  /**
   * What the notifier needs from the configuration.
   *
   * @param urls sink URLs from flags and env (secrets)
   * @param file the --notify-file, if any
   * @param dir the outbox directory
   * @param failureThreshold consecutive failures before the first alert
   * @param repeatInterval the minimum time between two failure alerts
   * @param maxAge how long an undelivered message is kept
   * @param pod the pod (or host) name
   * @param namespace the namespace, or empty
   * @param groupWrite make the outbox's directories and files group-writable
   */
  public record Settings(
      List<String> urls,
      Optional<Path> file,
      Path dir,
      int failureThreshold,
      Duration repeatInterval,
      Duration maxAge,
      String pod,
      String namespace,
      boolean groupWrite) {}

  /** A notifier; {@link #start()} loads the outbox and starts the sinks. */
  public Notifier(
      Settings settings,
      HttpTransport transport,
      Log log,
      Clock clock,
      NotifyObserver observer,
      String repo,
      String ref)
      throws IOException {
    this.settings = settings;
    this.transport = transport;
    this.log = log;
    this.clock = clock;
    this.observer = observer;
    this.repo = Redactor.redactUrls(repo);
    this.ref = ref;
    this.links = RepoLinks.of(repo);
    FileOps.mkdirs(settings.dir(), settings.groupWrite());
    this.outbox = new Outbox(settings.dir(), settings.groupWrite());
    this.state = NotifyState.load(settings.dir(), settings.groupWrite(), log);
  }

  /**
   * Parses every configured sink; used at startup to fail fast.
   *
   * @return the problems, each safe to print
   */
  public static List<String> validate(List<String> urls, Optional<Path> file) {
    List<String> errs = new ArrayList<>();
    List<String> all = new ArrayList<>(urls);
    if (file.isPresent()) {
      try {
        all.addAll(readFile(file.get()));
      } catch (IOException e) {
        errs.add("can't read --notify-file " + file.get() + ": " + e.getMessage());
      }
    }
    for (int i = 0; i < all.size(); i++) {
      try {
        Sink s = SinkParser.parse(all.get(i));
        Map<String, Optional<Path>> files =
            Map.of("token_file=", s.tokenFile(), "secret_file=", s.secretFile());
        for (Map.Entry<String, Optional<Path>> f : files.entrySet()) {
          if (f.getValue().isPresent() && !Files.isReadable(f.getValue().get())) {
            errs.add(
                "notification URL #"
                    + (i + 1)
                    + ": "
                    + f.getKey()
                    + f.getValue().get()
                    + " can't be read (it is read again before every message, so it must exist"
                    + " at startup)");
          }
        }
      } catch (IllegalArgumentException e) {
        errs.add("notification URL #" + (i + 1) + ": " + e.getMessage());
      }
    }
    return errs;
  }

  private static List<String> readFile(Path f) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : BoundedFiles.readString(f, BoundedFiles.SMALL).split("\\R")) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        out.add(t);
      }
    }
    return out;
  }

  /** Loads pending deliveries and starts a worker per sink. */
  public synchronized void start() throws IOException {
    reloadSinks();
    for (Delivery d : outbox.load(log)) {
      SinkWorker w = workers.get(d.sinkId());
      if (w != null) {
        w.enqueue(d);
      } else {
        orphans.add(d);
      }
    }
    if (!orphans.isEmpty()) {
      for (Delivery d : orphans) {
        observer.delivery("unknown", d.event().type().wire(), "dropped", "sink_removed");
        outbox.remove(d);
      }
      log.error(
          orphans.size() + " pending notification(s) for sinks no longer configured",
          "dropping notifications for removed sinks");
      orphans.clear();
    }
  }

  /** Re-reads {@code --notify-file} when it changed; starts and stops workers to match. */
  public synchronized void reloadSinks() {
    List<String> urls = new ArrayList<>(settings.urls());
    if (settings.file().isPresent()) {
      Path f = settings.file().get();
      try {
        long stamp = Files.getLastModifiedTime(f).toMillis() ^ Files.size(f);
        if (stamp == notifyFileStamp && !workers.isEmpty()) {
          return;
        }
        notifyFileStamp = stamp;
        urls.addAll(readFile(f));
      } catch (IOException e) {
        log.error(
            String.valueOf(e.getMessage()), "can't read --notify-file; keeping the current sinks");
        return;
      }
    } else if (!workers.isEmpty()) {
      return;
    }
    Map<String, Sink> wanted = new LinkedHashMap<>();
    for (String u : urls) {
      try {
        Sink s = SinkParser.parse(u);
        registerSecrets(u, s);
        wanted.put(s.id(), s);
      } catch (IllegalArgumentException e) {
        log.error(e.getMessage(), "invalid notification URL ignored until it is fixed");
      }
    }
    for (String id : new ArrayList<>(workers.keySet())) {
      if (!wanted.containsKey(id)) {
        workers.remove(id).close();
        log.info(0, "notification sink removed", "sink", id);
      }
    }
    for (Sink s : wanted.values()) {
      if (!workers.containsKey(s.id())) {
        SinkWorker w =
            new SinkWorker(
                s, transport, outbox, state, clock, retry, settings.maxAge(), log, observer);
        workers.put(s.id(), w);
        w.start();
        log.info(
            0,
            "notification sink configured",
            "sink",
            s.name(),
            "host",
            s.host(),
            "events",
            s.events().stream().map(EventType::shortName).sorted().toList());
      }
    }
  }

  private void registerSecrets(String raw, Sink s) {
    Redactor r = log.redactor();
    r.register(raw.strip());
    r.register(s.uri().toString());
    if (s.uri().getRawPath() != null && s.uri().getRawPath().length() > 8) {
      r.register(s.uri().getRawPath());
    }
    if (s.uri().getRawQuery() != null) {
      r.register(s.uri().getRawQuery());
    }
  }

  /** Queue depth and age of the oldest pending message, per sink. */
  public synchronized Map<String, double[]> queues() {
    Map<String, double[]> m = new LinkedHashMap<>();
    Instant now = clock.instant();
    for (SinkWorker w : workers.values()) {
      double age = w.oldest().map(t -> Duration.between(t, now).toMillis() / 1000.0).orElse(0.0);
      m.put(w.sink().name(), new double[] {w.depth(), age});
    }
    return m;
  }

  /**
   * A sync pass succeeded. Sends a recovery after a failure alert, and announces {@code hash}
   * unless it was announced before.
   */
  public synchronized void synced(String hash, String previous, Supplier<Changes> changes) {
    reloadSinks();
    if (!state.failing && hash.equals(state.announced)) {
      return; // A poll that found nothing new: no event, no state to write.
    }
    Instant now = clock.instant();
    if (state.failing) {
      if (state.alerted) {
        Duration broken =
            state.failingSince == null ? Duration.ZERO : Duration.between(state.failingSince, now);
        publish(
            event(
                EventType.SYNC_RECOVERED,
                hash,
                previous,
                "",
                state.failures,
                broken,
                Changes.NONE));
      }
      state.failing = false;
      state.alerted = false;
      state.failures = 0;
      state.failingSince = null;
    }
    if (!hash.equals(state.announced)) {
      NotifyEvent e =
          event(EventType.SYNC_SUCCEEDED, hash, previous, "", 0, Duration.ZERO, changes.get());
      // The id is derived from what is announced, so an announcement repeated after a crash
      // (outbox written, state not yet saved) carries the same idempotency key.
      publish(e.withId(successId(hash, state.announced)));
      state.announced = hash;
    }
    save();
  }

  /** A sync pass failed for the {@code failures}-th time in a row. */
  public synchronized void failed(String error, int failures, String currentHash) {
    reloadSinks();
    Instant now = clock.instant();
    if (!state.failing) {
      state.failing = true;
      state.failingSince = now;
    }
    state.failures = failures;
    boolean due =
        !state.alerted
            || state.lastAlert == null
            || Duration.between(state.lastAlert, now).compareTo(settings.repeatInterval()) >= 0;
    if (failures >= settings.failureThreshold() && due) {
      publish(
          event(
              EventType.SYNC_FAILED,
              currentHash,
              "",
              error,
              failures,
              Duration.ZERO,
              Changes.NONE));
      state.alerted = true;
      state.lastAlert = now;
    }
    save();
  }

  /** A hook failed; alerts once per hook and commit. */
  public synchronized void hookFailed(String hook, String hash, String error) {
    if (hash.equals(state.hookAlerted.get(hook))) {
      return;
    }
    state.hookAlerted.put(hook, hash);
    publish(
        event(EventType.HOOK_FAILED, hash, "", error, 0, Duration.ZERO, Changes.NONE)
            .withHook(hook));
    save();
  }

  /** git-sync is about to exit after too many failures. */
  public synchronized void givingUp(String error, int failures, String currentHash) {
    publish(
        event(EventType.GIVING_UP, currentHash, "", error, failures, Duration.ZERO, Changes.NONE));
  }

  /**
   * Sends one test message to every sink, once, and reports each result ({@code --notify-test}).
   *
   * @return sink name and host → empty when delivered, else the reason
   */
  public List<String[]> test() throws InterruptedException {
    NotifyEvent e = event(EventType.TEST, "", "", "", 0, Duration.ZERO, Changes.NONE);
    List<String[]> results = new ArrayList<>();
    List<SinkWorker> ws;
    synchronized (this) {
      ws = new ArrayList<>(workers.values());
    }
    for (SinkWorker w : ws) {
      Sink s = w.sink();
      Provider p = Providers.forKind(s.kind());
      String outcome;
      try {
        Verdict v =
            p.judge(transport.send(p.render(e, s, new Provider.DeliveryInfo(e.id(), ""))), s);
        outcome = v.outcome() == Verdict.Outcome.DELIVERED ? "" : v.reason();
      } catch (IOException ex) {
        outcome = log.redactor().redact(String.valueOf(ex.getMessage()));
      }
      results.add(new String[] {s.name() + " (" + s.host() + ")", outcome});
    }
    return results;
  }

  /** Waits up to {@code max} for every sink to deliver what is pending. */
  public boolean drain(Duration max) throws InterruptedException {
    Instant end = clock.instant().plus(max);
    List<SinkWorker> ws;
    synchronized (this) {
      ws = new ArrayList<>(workers.values());
    }
    for (SinkWorker w : ws) {
      Duration left = Duration.between(clock.instant(), end);
      if (left.isNegative() || !w.awaitIdle(left)) {
        return false;
      }
    }
    return true;
  }

  private String successId(String hash, String lastAnnounced) {
    return UUID.nameUUIDFromBytes(
            ("sync.succeeded\n" + repo + "\n" + ref + "\n" + hash + "\n" + lastAnnounced)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString();
  }

  private NotifyEvent event(
      EventType t,
      String hash,
      String previous,
      String error,
      int failures,
      Duration broken,
      Changes changes) {
    String commitUrl = hash.isEmpty() ? "" : links.map(l -> l.commit(hash)).orElse("");
    String compareUrl =
        hash.isEmpty() || previous.isEmpty() || previous.equals(hash)
            ? ""
            : links.map(l -> l.compare(previous, hash)).orElse("");
    return new NotifyEvent(
        t,
        UUID.randomUUID().toString(),
        clock.instant(),
        repo,
        ref,
        hash,
        previous,
        log.redactor().redact(error),
        failures,
        broken,
        changes.commits(),
        changes.partial() ? -1 : changes.more(),
        changes.diffSummary(),
        commitUrl,
        compareUrl,
        settings.pod(),
        settings.namespace(),
        "");
  }

  /** Writes one delivery per interested sink to the outbox, then hands it to the sink. */
  private void publish(NotifyEvent e) {
    for (SinkWorker w : workers.values()) {
      Sink s = w.sink();
      if (!s.events().contains(e.type()) || state.disabled.contains(s.id())) {
        continue;
      }
      Delivery d = new Delivery(outbox.nextSeq(), s.id(), e, 0, e.time());
      try {
        outbox.write(d);
      } catch (IOException ex) {
        log.error(
            String.valueOf(ex.getMessage()),
            "can't write the notification outbox; sending without durability",
            "sink",
            s.name());
      }
      w.enqueue(d);
    }
  }

  private void save() {
    try {
      state.save();
    } catch (IOException e) {
      log.error(String.valueOf(e.getMessage()), "can't save notification state");
    }
  }

  @Override
  public synchronized void close() {
    workers.values().forEach(SinkWorker::close);
    workers.clear();
  }
}
