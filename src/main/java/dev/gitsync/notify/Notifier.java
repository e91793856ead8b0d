package dev.gitsync.notify;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.fs.FileOps;
import dev.gitsync.http.HttpTransport;
import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import dev.gitsync.notify.delivery.Delivery;
import dev.gitsync.notify.delivery.NotifyObserver;
import dev.gitsync.notify.delivery.Outbox;
import dev.gitsync.notify.delivery.RetryPolicy;
import dev.gitsync.notify.delivery.SendGate;
import dev.gitsync.notify.delivery.SinkStates;
import dev.gitsync.notify.delivery.SinkWorker;
import dev.gitsync.notify.event.Changes;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.provider.Providers;
import dev.gitsync.notify.sink.Sink;
import dev.gitsync.notify.sink.SinkParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Owns notifications: asks the {@link NotifyPolicy} which events to send, writes each delivery to
 * the outbox, and runs one {@link SinkWorker} per sink. Sinks come from {@code --notify}/{@code
 * $GITSYNC_NOTIFY} and {@code --notify-file}, which is re-read when it changes (a rotated Secret).
 * A disabled sink's events are skipped (counted, and logged at most every ten minutes) until the
 * sink is due for a probe ({@link SinkStates}); then the next event tries it.
 */
public final class Notifier implements AutoCloseable {
  private static final Duration SKIP_LOG_EVERY = Duration.ofMinutes(10);

  private final Settings settings;
  private final HttpTransport transport;
  private final Log log;
  private final Clock clock;
  private final NotifyObserver observer;
  private final Outbox outbox;
  private final NotifyState state;
  private final NotifyPolicy policy;
  private final RetryPolicy retry = new RetryPolicy(new Random());
  private final Map<String, SinkWorker> workers = new LinkedHashMap<>();
  private Thread warmUp;
  private final Map<String, Instant> skipLogged = new HashMap<>();
  private final Map<String, Integer> skipped = new HashMap<>();
  private long notifyFileStamp = -1;
  private boolean warnedNoSinks;
  private final String repo;
  private final String ref;
  private final Optional<RepoLinks> links;
  private volatile Coordination coordination = Coordination.ALONE;
  private Coordination.Role role = Coordination.Role.SENDER;

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
   * @param initialSync announce what the first sync of a fresh root publishes
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
      boolean groupWrite,
      boolean initialSync) {
    /** Settings that announce the first sync too. */
    public Settings(
        List<String> urls,
        Optional<Path> file,
        Path dir,
        int failureThreshold,
        Duration repeatInterval,
        Duration maxAge,
        String pod,
        String namespace,
        boolean groupWrite) {
      this(
          urls,
          file,
          dir,
          failureThreshold,
          repeatInterval,
          maxAge,
          pod,
          namespace,
          groupWrite,
          true);
    }
  }

  /**
   * A notifier; {@link #start()} loads the outbox and starts the sinks.
   *
   * @param transport must not follow redirects: a redirected POST becomes a GET, whose 200 would
   *     count as delivered
   */
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
    this.policy =
        new NotifyPolicy(settings.failureThreshold(), settings.repeatInterval(), state.policy());
  }

  /**
   * Where GitHub App installation tokens come from ({@code --github-app-*}), for {@code
   * github-status} sinks without {@code token_file}; before {@link #start()}.
   */
  public void appToken(dev.gitsync.notify.provider.Provider.AppToken t) {
    this.appToken = t;
  }

  private volatile dev.gitsync.notify.provider.Provider.AppToken appToken =
      dev.gitsync.notify.provider.Provider.AppToken.NONE;

  /**
   * Coordinates with other replicas ({@code --notify-leader-election}); before {@link #start()}.
   */
  public void coordinate(Coordination c) {
    this.coordination = c;
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
        errs.add(
            "--notify-file: can't read " + file.get() + ": " + BoundedFiles.reason(file.get(), e));
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
                "--notify: notification URL #"
                    + (i + 1)
                    + ": "
                    + f.getKey()
                    + f.getValue().get()
                    + " can't be read (it is read again before every message, so it must exist"
                    + " at startup)");
          }
        }
      } catch (IllegalArgumentException e) {
        errs.add("--notify: notification URL #" + (i + 1) + ": " + e.getMessage());
      }
    }
    return errs;
  }

  static List<String> readFile(Path f) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : BoundedFiles.readString(f, BoundedFiles.SMALL).split("\\R")) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        out.add(t);
      }
    }
    return out;
  }

  /** Every configured sink (the file read now), for {@code --notify-test}. */
  static List<Sink> sinks(Settings settings) throws IOException {
    List<String> urls = new ArrayList<>(settings.urls());
    if (settings.file().isPresent()) {
      urls.addAll(readFile(settings.file().get()));
    }
    List<Sink> out = new ArrayList<>();
    for (String u : urls) {
      out.add(SinkParser.parse(u));
    }
    return out;
  }

  /**
   * Loads pending deliveries and starts a worker per sink; in the background, makes the HTTP client
   * and renders a sample of each kind, so the first real message leaves at once.
   */
  public synchronized void start() throws IOException {
    reloadSinks();
    boolean tls =
        workers.values().stream().anyMatch(w -> "https".equals(w.sink().uri().getScheme()));
    warmUp =
        new Thread(
            () -> {
              transport.warmUp(tls);
              Providers.warmUp();
            },
            "notify-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    List<Delivery> orphans = new ArrayList<>();
    for (Delivery d : outbox.load(log)) {
      coordination.chainAtLeast(d.chain());
      SinkWorker w = workers.get(d.sinkId());
      if (w != null) {
        w.enqueue(d);
      } else {
        orphans.add(d);
      }
    }
    resumeIncidents();
    if (!orphans.isEmpty()) {
      for (Delivery d : orphans) {
        observer.delivery("unknown", d.event().type().wire(), "dropped", "sink_removed");
        outbox.remove(d);
      }
      log.error(
          orphans.size() + " pending notification(s) for sinks no longer configured",
          "dropping notifications for removed sinks");
    }
  }

  /**
   * After a restart in the middle of an incident this replica alerted, the sinks that must keep an
   * open incident alive (Alertmanager forgets an alert nobody refreshes) refresh it again: the
   * sync's, when the saved state says failing and alerted, and each hook's that alerted.
   */
  private void resumeIncidents() {
    NotifyPolicy.Snapshot s = policy.snapshot();
    List<NotifyEvent> open = new ArrayList<>();
    if (s.failing() && s.alerted()) {
      open.add(
          event(
              EventType.SYNC_FAILED,
              "",
              "",
              "still failing after a restart of git-sync",
              s.failures(),
              Duration.ZERO,
              Changes.NONE));
    }
    s.hookAlerted()
        .forEach(
            (hook, hash) ->
                open.add(
                    event(
                            EventType.HOOK_FAILED,
                            hash,
                            "",
                            "still failing after a restart of git-sync",
                            0,
                            Duration.ZERO,
                            Changes.NONE)
                        .withHook(hook)));
    for (NotifyEvent e : open) {
      workers.values().forEach(w -> w.resumeIncident(e));
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
        if (notifyFileStamp != -1) {
          // A new file may hold the fix for a disabled sink: try them all again.
          state.sinks().probeAllNow();
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
    state.sinks().retain(wanted.keySet());
    if (wanted.isEmpty() && !warnedNoSinks) {
      warnedNoSinks = true;
      log.error(
          settings.file().map(f -> "--notify-file " + f + " holds no URL").orElse("no URL"),
          "no notification sink is configured; nothing will be sent until one is");
    } else if (!wanted.isEmpty()) {
      warnedNoSinks = false;
    }
    for (Sink s : wanted.values()) {
      if (!workers.containsKey(s.id())) {
        SinkWorker w =
            new SinkWorker(
                s,
                transport,
                outbox,
                state.sinks(),
                clock,
                retry,
                settings.maxAge(),
                log,
                observer);
        w.onDelivered(this::delivered);
        w.appToken(appToken);
        w.gate(this::decide);
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

  /** Per sink: queue depth, age of the oldest pending message, and 1 when it is disabled. */
  public synchronized Map<String, double[]> queues() {
    Map<String, double[]> m = new LinkedHashMap<>();
    Instant now = clock.instant();
    for (SinkWorker w : workers.values()) {
      double age = w.oldest().map(t -> Duration.between(t, now).toMillis() / 1000.0).orElse(0.0);
      double disabled = state.sinks().disabled(w.sink().id()).isPresent() ? 1 : 0;
      m.put(w.sink().name(), new double[] {w.depth(), age, disabled});
    }
    return m;
  }

  /**
   * When a success at {@code hash} will be announced, the commit its changes are described from
   * (the last commit announced, else {@code previous}); empty when there is nothing to announce.
   * The caller describes the changes (running git) before calling {@link #synced}, outside any lock
   * of the notifier.
   */
  public synchronized Optional<String> announcementBase(String hash, String previous) {
    followRole();
    if (!settings.initialSync() && policy.snapshot().announced().isEmpty()) {
      // A fresh root's first sync (--notify-initial-sync=false): what it publishes counts as
      // announced, so the chain continues from it and nothing is said now.
      policy.adopt(hash);
      state.policy(policy.snapshot());
      log.info(0, "first sync of a fresh root not announced (--notify-initial-sync=false)");
    }
    return role == Coordination.Role.FOLLOWER
        ? Optional.empty()
        : policy.announcementBase(hash, previous);
  }

  /**
   * Takes the role the coordination gives now; a new leader continues the chain of announcements
   * from what the previous one recorded (the sink furthest behind, so nothing is skipped).
   */
  private void followRole() {
    Coordination.Role now = coordination.role();
    if (coordination.tookOver()) {
      Map<String, Coordination.Announced> recorded = coordination.announced();
      workers.values().stream()
          .filter(w -> w.sink().events().contains(EventType.SYNC_SUCCEEDED))
          .map(w -> recorded.get(w.sink().id()))
          .filter(java.util.Objects::nonNull)
          .min(java.util.Comparator.comparingLong(Coordination.Announced::seq))
          .ifPresent(
              a -> {
                policy.adopt(a.hash());
                log.info(
                    0,
                    "taking over notifications",
                    "lastAnnounced",
                    a.hash(),
                    "announcement",
                    a.seq());
              });
    }
    if (now != role) {
      log.info(
          1,
          switch (now) {
            case FOLLOWER -> "another replica sends notifications";
            case SENDER -> "this replica sends notifications";
            case UNDECIDED -> "not known which replica sends notifications; holding announcements";
          });
    }
    role = now;
  }

  /** Right before a send: announcements go out only from the replica that sends them. */
  private SendGate.Decision decide(Delivery d) {
    if (d.event().type() != EventType.SYNC_SUCCEEDED) {
      return SendGate.Decision.SEND;
    }
    return switch (coordination.sendRole()) {
      case SENDER -> {
        // Held while it was not known who sends, then this replica took over: if the record it
        // took over already has this commit for this sink (a rolling update's new pod), it was
        // announced.
        Coordination.Announced recorded = coordination.announced().get(d.sinkId());
        yield recorded != null && recorded.hash().equals(d.event().hash()) && d.attempts() == 0
            ? SendGate.Decision.ANNOUNCED
            : SendGate.Decision.SEND;
      }
      case FOLLOWER -> SendGate.Decision.DROP;
      case UNDECIDED -> SendGate.Decision.HOLD;
    };
  }

  /**
   * A follower's failure is its own (its node, its volume) when the leader has synced since it
   * began to fail; otherwise the outage is shared and the leader reports it.
   */
  private boolean sharedOutage() {
    Instant since = policy.failingSince();
    return coordination
        .leaderLastSuccess()
        .map(t -> since == null || !t.isAfter(since.plusSeconds(1)))
        .orElse(true);
  }

  private void delivered(Delivery d) {
    if (d.event().type() == EventType.SYNC_SUCCEEDED) {
      coordination.recordAnnounced(d.sinkId(), d.event().hash(), d.chain());
    }
  }

  /**
   * A sync pass succeeded with {@code hash} published. Sends a recovery after a failure alert, and
   * announces {@code hash} (changes since {@code base}) unless it was announced before.
   */
  public synchronized void synced(String hash, String base, Changes changes) {
    reloadSinks();
    followRole();
    coordination.recordSuccess(clock.instant(), hash);
    NotifyPolicy.Success s =
        policy.succeeded(hash, clock.instant(), role == Coordination.Role.SENDER);
    if (s == NotifyPolicy.Success.NOTHING) {
      return; // A poll that found nothing new: no event, no state to write.
    }
    if (s.announce() && role != Coordination.Role.SENDER) {
      coordination.published(hash);
    }
    if (role == Coordination.Role.FOLLOWER) {
      // The leader announces; a recovery is sent only for an alert this replica sent itself.
      if (s.recovered()) {
        publish(
            event(
                EventType.SYNC_RECOVERED, hash, "", "", s.failures(), s.brokenFor(), Changes.NONE));
      }
      state.policy(policy.snapshot());
      return;
    }
    if (s.recovered()) {
      publish(
          event(EventType.SYNC_RECOVERED, hash, "", "", s.failures(), s.brokenFor(), Changes.NONE));
    }
    if (s.announce()) {
      NotifyEvent e =
          event(EventType.SYNC_SUCCEEDED, hash, base, "", 0, Duration.ZERO, changes)
              // The id is derived from what is announced, so an announcement repeated after a
              // crash (outbox written, state not yet saved) carries the same idempotency key.
              .withId(successId(hash, s.lastAnnounced()));
      publish(e, coordination.nextChain());
    }
    state.policy(policy.snapshot());
  }

  /** A sync pass failed for the {@code failures}-th time in a row. */
  public synchronized void failed(String error, int failures, String currentHash) {
    reloadSinks();
    followRole();
    Instant previousAlert = policy.lastAlert();
    boolean due = policy.failed(failures, clock.instant());
    if (due && role == Coordination.Role.FOLLOWER && sharedOutage()) {
      policy.withdrawAlert(previousAlert);
      log.info(
          1, "failure alert left to the leader: it has not synced since this pod began to fail");
    } else if (due) {
      publish(
          event(
              EventType.SYNC_FAILED,
              currentHash,
              "",
              error,
              failures,
              Duration.ZERO,
              Changes.NONE));
    }
    state.policy(policy.snapshot());
  }

  /**
   * A pass refused to publish {@code hash} ({@code --verify}), the {@code failures}-th failure in a
   * row. Alerted once per refused commit ({@code sync.verification_failed}, not {@code
   * sync.failed}); a follower leaves it to the leader when the leader is stuck too.
   *
   * @param reason the refusal, for people
   * @param signer the signing key and identity, or empty when unsigned
   * @param claimed the refused commit with the author and subject it claims
   */
  public synchronized void refused(
      String hash, String reason, String signer, Changes claimed, int failures, String current) {
    reloadSinks();
    followRole();
    boolean alerting = !(role == Coordination.Role.FOLLOWER && sharedOutage());
    if (policy.refused(hash, failures, clock.instant(), alerting)) {
      NotifyEvent e =
          event(
                  EventType.VERIFICATION_FAILED,
                  hash,
                  current,
                  reason,
                  failures,
                  Duration.ZERO,
                  claimed)
              .withSigner(signer)
              .withId(
                  UUID.nameUUIDFromBytes(
                          ("sync.verification_failed\n" + repo + "\n" + ref + "\n" + hash)
                              .getBytes(StandardCharsets.UTF_8))
                      .toString());
      publish(e);
    } else if (!alerting) {
      log.info(1, "verification refusal left to the leader: it has not synced either");
    }
    state.policy(policy.snapshot());
  }

  /** A hook failed; alerts once per hook and commit. */
  public synchronized void hookFailed(String hook, String hash, String error) {
    if (!policy.hookFailed(hook, hash)) {
      return;
    }
    publish(
        event(EventType.HOOK_FAILED, hash, "", error, 0, Duration.ZERO, Changes.NONE)
            .withHook(hook));
    state.policy(policy.snapshot());
  }

  /** A hook succeeded; sends {@code hook.recovered} when it had alerted. */
  public synchronized void hookSucceeded(String hook, String hash) {
    if (!policy.hookSucceeded(hook)) {
      return;
    }
    publish(
        event(EventType.HOOK_RECOVERED, hash, "", "", 0, Duration.ZERO, Changes.NONE)
            .withHook(hook));
    state.policy(policy.snapshot());
  }

  /** git-sync is about to exit after too many failures. */
  public synchronized void givingUp(String error, int failures, String currentHash) {
    followRole();
    if (role == Coordination.Role.FOLLOWER && sharedOutage()) {
      log.info(1, "giving-up notice left to the leader: the outage is shared");
      return;
    }
    publish(
        event(EventType.GIVING_UP, currentHash, "", error, failures, Duration.ZERO, Changes.NONE));
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
                .getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  NotifyEvent event(
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
        "",
        "");
  }

  /**
   * Writes one delivery per interested sink to the outbox, then hands it to the sink. A disabled
   * sink gets it only when it is due for a probe (its fingerprint changed, or its probe time came).
   */
  private void publish(NotifyEvent e) {
    publish(e, 0);
  }

  private void publish(NotifyEvent e, long chain) {
    Instant now = clock.instant();
    for (SinkWorker w : workers.values()) {
      Sink s = w.sink();
      if (!s.events().contains(e.type())) {
        continue;
      }
      Optional<SinkStates.Disabled> dis = state.sinks().disabled(s.id());
      if (dis.isPresent()) {
        boolean changed = !SinkWorker.fingerprint(s).equals(dis.get().fingerprint());
        if (!changed && now.isBefore(dis.get().nextProbe())) {
          skip(s, e, dis.get());
          continue;
        }
        log.info(
            0,
            "trying a disabled notification sink again",
            "sink",
            s.name(),
            "why",
            changed ? "its URL, token or secret file changed" : "its probe time came");
        state.sinks().reprobe(s.id());
      }
      Delivery d = new Delivery(outbox.nextSeq(), s.id(), e, 0, e.time(), chain);
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

  private void skip(Sink s, NotifyEvent e, SinkStates.Disabled d) {
    observer.delivery(s.name(), e.type().wire(), "dropped", "disabled");
    int n = skipped.merge(s.id(), 1, Integer::sum);
    Instant now = clock.instant();
    Instant last = skipLogged.get(s.id());
    if (last == null || Duration.between(last, now).compareTo(SKIP_LOG_EVERY) >= 0) {
      skipLogged.put(s.id(), now);
      skipped.put(s.id(), 0);
      log.error(
          d.reason(),
          "notification skipped: the sink is disabled",
          "sink",
          s.name(),
          "event",
          e.type().wire(),
          "skipped",
          n,
          "disabledSince",
          d.since().toString(),
          "nextProbe",
          d.nextProbe().toString());
    }
  }

  @Override
  public synchronized void close() {
    workers.values().forEach(SinkWorker::close);
    workers.clear();
    if (warmUp != null) {
      try {
        warmUp.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
