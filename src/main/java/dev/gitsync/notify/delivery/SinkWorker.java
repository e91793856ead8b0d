package dev.gitsync.notify.delivery;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.HttpTransport;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.log.Log;
import dev.gitsync.notify.provider.Provider;
import dev.gitsync.notify.provider.Providers;
import dev.gitsync.notify.provider.Verdict;
import dev.gitsync.notify.sink.Sink;
import dev.gitsync.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivers one sink's messages, in order, on its own named thread, so a slow or dead sink delays
 * nobody else and never the sync.
 *
 * <p>Design: only the oldest pending message is attempted; a retry waits its backoff (or the
 * service's Retry-After), and consecutive sends keep the sink's minimum interval. What an answer
 * means is the provider's judgement ({@link Verdict}); this class acts on it: delivered messages
 * leave the outbox, retries are rewritten there with their next time, a stale Slack thread is
 * forgotten and the message sent again as a new parent, and a sink the service calls gone is
 * disabled in {@link SinkStates} with its fingerprint, so that it comes back when that changes.
 * {@link #attempt} is the whole of one step and runs without the thread in unit tests.
 */
public final class SinkWorker implements AutoCloseable {
  private final Sink sink;
  private final Provider provider;
  private final HttpTransport transport;
  private final Outbox outbox;
  private final SinkStates states;
  private final Clock clock;
  private final RetryPolicy retry;
  private final Duration maxAge;
  private final Log log;
  private final NotifyObserver observer;
  private final Deque<Delivery> queue = new ArrayDeque<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final Worker worker;
  private Instant lastSend = Instant.EPOCH;
  private boolean busy;
  private volatile java.util.function.Consumer<Delivery> onDelivered = d -> {};
  private volatile SendGate gate = SendGate.OPEN;
  private boolean holding;
  private static final Duration HOLD = Duration.ofSeconds(1);

  /** Delivered events whose incident is still open, by trouble (see {@link #refreshFiring}). */
  private final java.util.Map<String, dev.gitsync.notify.event.NotifyEvent> firing =
      new java.util.LinkedHashMap<>();

  private Instant lastRefresh = Instant.EPOCH;

  /** A worker for {@code sink}; {@link #start()} starts its thread. */
  public SinkWorker(
      Sink sink,
      HttpTransport transport,
      Outbox outbox,
      SinkStates states,
      Clock clock,
      RetryPolicy retry,
      Duration maxAge,
      Log log,
      NotifyObserver observer) {
    this.sink = sink;
    this.provider = Providers.forKind(sink.kind());
    this.transport = transport;
    this.outbox = outbox;
    this.states = states;
    this.clock = clock;
    this.retry = retry;
    this.maxAge = maxAge;
    this.log = log;
    this.observer = observer;
    this.worker = new Worker("notify-" + sink.name(), this::step, this::unexpected, this::stopped);
  }

  /** Tells {@code c} about each delivery the sink confirmed (after it left the outbox). */
  public SinkWorker onDelivered(java.util.function.Consumer<Delivery> c) {
    this.onDelivered = c;
    return this;
  }

  /** Where GitHub App tokens come from, for the kinds that can use one. */
  public SinkWorker appToken(Provider.AppToken t) {
    this.appToken = t;
    return this;
  }

  private volatile Provider.AppToken appToken = Provider.AppToken.NONE;

  /** Asks {@code g} right before each send whether to send, hold or drop the delivery. */
  public SinkWorker gate(SendGate g) {
    this.gate = g;
    return this;
  }

  /**
   * What identifies the sink's configuration: its id (a hash of its URL) and the contents of the
   * token and secret files it reads, so that rotating a token re-enables a disabled sink.
   */
  public static String fingerprint(Sink sink) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(sink.id().getBytes(StandardCharsets.UTF_8));
      for (Path f : files(sink)) {
        md.update((byte) 0);
        try {
          md.update(BoundedFiles.readBytes(f, BoundedFiles.SMALL));
        } catch (IOException unreadable) {
          md.update("unreadable".getBytes(StandardCharsets.UTF_8));
        }
      }
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> files(Sink sink) {
    List<Path> l = new ArrayList<>();
    sink.tokenFile().ifPresent(l::add);
    sink.secretFile().ifPresent(l::add);
    return l;
  }

  /** The sink. */
  public Sink sink() {
    return sink;
  }

  /** Starts the thread. */
  public void start() {
    worker.start();
  }

  /** Queues a delivery (already written to the outbox). */
  public synchronized void enqueue(Delivery d) {
    queue.addLast(d);
    notifyAll();
  }

  /** How many deliveries are pending. */
  public synchronized int depth() {
    return queue.size();
  }

  /** When the oldest pending event happened. */
  public synchronized Optional<Instant> oldest() {
    return queue.isEmpty() ? Optional.empty() : Optional.of(queue.peekFirst().event().time());
  }

  /** Waits until nothing is pending or in flight, at most {@code max}. */
  public synchronized boolean awaitIdle(Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!queue.isEmpty() || busy) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** The head of the queue once it is due, marked in flight. */
  synchronized Delivery nextDue() throws InterruptedException {
    while (true) {
      if (worker.isClosed()) {
        throw new InterruptedException("closed");
      }
      Delivery head = queue.peekFirst();
      Optional<Instant> refresh = refreshAt();
      if (head == null && refresh.isEmpty()) {
        wait();
        continue;
      }
      Instant due = head == null ? Instant.MAX : head.notBefore();
      Instant paced = lastSend.plus(sink.minInterval());
      if (head != null && paced.isAfter(due)) {
        due = paced;
      }
      if (refresh.isPresent() && refresh.get().isBefore(due)) {
        long refreshMs = Duration.between(clock.instant(), refresh.get()).toMillis();
        if (refreshMs <= 0) {
          busy = true;
          return null;
        }
        wait(refreshMs);
        continue;
      }
      long waitMs = Duration.between(clock.instant(), due).toMillis();
      if (waitMs <= 0) {
        busy = true;
        return head;
      }
      wait(waitMs);
    }
  }

  private synchronized void finish(Delivery d, Delivery replacement) {
    queue.removeFirstOccurrence(d);
    if (replacement != null) {
      queue.addFirst(replacement);
    }
    busy = false;
    notifyAll();
  }

  private Delivery inFlight;

  /** When the open incidents are due to be sent again, for services that need it. */
  private synchronized Optional<Instant> refreshAt() {
    Optional<Duration> every = provider.refreshWhileFiring(sink);
    if (every.isEmpty() || firing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(lastRefresh.plus(every.get()));
  }

  /**
   * Sends the open incidents again (Alertmanager forgets an alert nobody refreshes). Best effort: a
   * failure is logged and the next refresh tries again; the outbox is not involved, since the
   * incident was delivered once already.
   */
  private void refreshFiring() throws InterruptedException {
    List<dev.gitsync.notify.event.NotifyEvent> open;
    synchronized (this) {
      open = new ArrayList<>(firing.values());
    }
    try {
      for (dev.gitsync.notify.event.NotifyEvent e : open) {
        String outcome;
        try {
          InboundResponse r =
              transport.send(
                  provider.render(e, sink, new Provider.DeliveryInfo(e.id() + "-" + sink.id())));
          outcome = provider.judge(r, sink).outcome().name().toLowerCase(java.util.Locale.ROOT);
        } catch (IOException ex) {
          outcome = log.redactor().redact(String.valueOf(ex.getMessage()));
        }
        log.info(
            1,
            "open incident sent again",
            "sink",
            sink.name(),
            "event",
            e.type().wire(),
            "outcome",
            outcome);
      }
    } finally {
      synchronized (this) {
        lastRefresh = clock.instant();
        busy = false;
        notifyAll();
      }
    }
  }

  /**
   * An incident still open from before a restart: refreshed from now on, for the services that need
   * it (nothing is sent at once: the last refresh before the restart keeps it alive a while).
   */
  public void resumeIncident(dev.gitsync.notify.event.NotifyEvent e) {
    if (sink.events().contains(e.type())) {
      track(e);
    }
  }

  /** Keeps track of the incidents a delivered event opened or closed. */
  private synchronized void track(dev.gitsync.notify.event.NotifyEvent e) {
    if (provider.refreshWhileFiring(sink).isEmpty()) {
      return;
    }
    if (e.type().fires()) {
      firing.put(e.trouble(), e);
      lastRefresh = clock.instant();
      notifyAll();
    } else if (e.type().resolves()) {
      firing.remove(e.trouble());
    }
  }

  private void step() throws InterruptedException {
    Delivery d = nextDue();
    if (d == null) {
      refreshFiring();
      return;
    }
    inFlight = d;
    attempt(d);
    inFlight = null;
  }

  /** No background loop may die silently: count it and retry later. */
  private void unexpected(RuntimeException e) {
    Delivery d = inFlight;
    inFlight = null;
    log.error(String.valueOf(e), "notification failed unexpectedly", "sink", sink.name());
    if (d != null) {
      observer.delivery(sink.name(), d.event().type().wire(), "retried", "");
      finish(d, d.retried(clock.instant().plus(retry.delay(d.attempts() + 1, Optional.empty()))));
    }
  }

  private synchronized void stopped() {
    busy = false;
    notifyAll();
  }

  /** One attempt at the head delivery {@code d}, and what follows from the answer. */
  void attempt(Delivery d) throws InterruptedException {
    String event = d.event().type().wire();
    if (states.disabled(sink.id()).isPresent()) {
      drop(d, "disabled", "sink disabled");
      return;
    }
    if (Duration.between(d.event().time(), clock.instant()).compareTo(maxAge) > 0) {
      drop(d, "expired", "not delivered within --notify-max-age");
      return;
    }
    if (!passesGate(d)) {
      return;
    }
    String threadKey = SinkStates.threadKey(sink.id(), d.event().repo(), d.event().ref());
    Verdict v;
    try {
      InboundResponse r =
          transport.send(
              provider.render(
                  d.event(),
                  sink,
                  new Provider.DeliveryInfo(
                      d.key(), states.thread(threadKey), this::warnOnce, appToken)));
      v = provider.judge(r, sink);
      log.info(1, "notification answer", "sink", sink.name(), "event", event, "status", r.status());
    } catch (IOException e) {
      v = Verdict.retry(log.redactor().redact(String.valueOf(e.getMessage())), Optional.empty());
    } finally {
      // Pace from the end of the exchange, so that the service never sees two messages closer
      // together than min_interval.
      lastSend = clock.instant();
    }
    switch (v.outcome()) {
      case DELIVERED:
        delivered(d, v, threadKey);
        return;
      case RETRY:
        if (v.clearThread()) {
          states.clearThread(threadKey);
          log.info(
              0,
              "notification thread is gone; sending as a new message",
              "sink",
              sink.name(),
              "reason",
              v.reason());
        }
        retryLater(d, v);
        return;
      case DISABLE:
        SinkStates.Disabled dis =
            states.disable(sink.id(), v.reason(), fingerprint(sink), clock.instant());
        log.error(
            v.reason(),
            "notification sink is gone; its messages are dropped until its URL, token or secret"
                + " file, or --notify-file changes, or a later message finds it working",
            "sink",
            sink.name(),
            "host",
            sink.host(),
            "nextProbe",
            dis.nextProbe().toString());
        drop(d, "disabled", v.reason());
        return;
      default:
        drop(d, "rejected", v.reason());
    }
  }

  /** Asks the gate; false when the delivery was held or dropped (and finished here). */
  private boolean passesGate(Delivery d) {
    switch (gate.decide(d)) {
      case HOLD:
        if (!holding) {
          holding = true;
          log.info(1, "notification held: who sends is not known yet", "sink", sink.name());
        }
        finish(d, d.held(clock.instant().plus(HOLD)));
        return false;
      case DROP:
        holding = false;
        drop(d, "not_leader", "another replica leads and sends it");
        return false;
      case ANNOUNCED:
        holding = false;
        drop(d, "not_leader", "the replicas' record shows this sink has it already");
        return false;
      default:
        holding = false;
        return true;
    }
  }

  private void delivered(Delivery d, Verdict v, String threadKey) {
    String event = d.event().type().wire();
    remove(d);
    track(d.event());
    observer.delivery(sink.name(), event, "sent", "");
    onDelivered.accept(d);
    log.info(
        0,
        "notification delivered",
        "sink",
        sink.name(),
        "event",
        event,
        "attempts",
        d.attempts() + 1);
    if (states.works(sink.id())) {
      log.info(0, "notification sink works again", "sink", sink.name());
    }
    states.thread(threadKey, v.threadId());
    finish(d, null);
  }

  private void retryLater(Delivery d, Verdict v) {
    String event = d.event().type().wire();
    Duration wait = retry.delay(d.attempts() + 1, v.retryAfter());
    Delivery next =
        v.clearThread() ? d.retried(clock.instant()) : d.retried(clock.instant().plus(wait));
    try {
      outbox.write(next);
    } catch (IOException e) {
      log.error(String.valueOf(e.getMessage()), "can't update the notification outbox");
    }
    observer.delivery(sink.name(), event, "retried", "");
    if (next.attempts() == 1 || next.attempts() % 10 == 0) {
      log.error(
          v.reason(),
          "notification failed, will retry",
          "sink",
          sink.name(),
          "event",
          event,
          "attempts",
          next.attempts(),
          "retryIn",
          v.clearThread() ? Duration.ZERO : wait);
    }
    finish(d, next);
  }

  private void warnOnce(String warning) {
    if (warned.add(warning)) {
      log.error(warning, "notification sink misconfigured", "sink", sink.name());
    }
  }

  private void drop(Delivery d, String why, String reason) {
    remove(d);
    observer.delivery(sink.name(), d.event().type().wire(), "dropped", why);
    if (why.equals("not_leader")) {
      log.info(
          1,
          "notification dropped: " + reason,
          "sink",
          sink.name(),
          "event",
          d.event().type().wire());
    } else if (!why.equals("disabled") || d.attempts() == 0) {
      log.error(
          reason,
          "notification dropped",
          "sink",
          sink.name(),
          "event",
          d.event().type().wire(),
          "reason",
          why);
    }
    finish(d, null);
  }

  private void remove(Delivery d) {
    try {
      outbox.remove(d);
    } catch (IOException e) {
      log.error(
          String.valueOf(e.getMessage()),
          "can't remove a delivered notification from the"
              + " outbox; it may be sent again after a restart");
    }
  }

  @Override
  public void close() {
    worker.close();
  }
}
