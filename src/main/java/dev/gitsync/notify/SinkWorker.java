package dev.gitsync.notify;

import dev.gitsync.http.HttpTransport;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.log.Log;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Delivers one sink's messages, in order, on its own named thread, so a slow or dead sink delays
 * nobody else and never the sync. Only the oldest pending message is attempted; a retry waits its
 * backoff (or the service's Retry-After), and consecutive sends keep the sink's minimum interval. A
 * 410 (or Slack's archived channel) disables the sink with one log line.
 */
final class SinkWorker implements AutoCloseable {
  private final Sink sink;
  private final Provider provider;
  private final HttpTransport transport;
  private final Outbox outbox;
  private final NotifyState state;
  private final Clock clock;
  private final RetryPolicy retry;
  private final Duration maxAge;
  private final Log log;
  private final NotifyObserver observer;
  private final Deque<Delivery> queue = new ArrayDeque<>();
  private final Thread thread;
  private Instant lastSend = Instant.EPOCH;
  private boolean closed;
  private boolean busy;

  SinkWorker(
      Sink sink,
      HttpTransport transport,
      Outbox outbox,
      NotifyState state,
      Clock clock,
      RetryPolicy retry,
      Duration maxAge,
      Log log,
      NotifyObserver observer) {
    this.sink = sink;
    this.provider = Providers.forKind(sink.kind());
    this.transport = transport;
    this.outbox = outbox;
    this.state = state;
    this.clock = clock;
    this.retry = retry;
    this.maxAge = maxAge;
    this.log = log;
    this.observer = observer;
    this.thread = new Thread(this::loop, "notify-" + sink.name());
    this.thread.setDaemon(true);
  }

  Sink sink() {
    return sink;
  }

  void start() {
    thread.start();
  }

  synchronized void enqueue(Delivery d) {
    queue.addLast(d);
    notifyAll();
  }

  synchronized int depth() {
    return queue.size();
  }

  synchronized Optional<Instant> oldest() {
    return queue.isEmpty() ? Optional.empty() : Optional.of(queue.peekFirst().event().time());
  }

  /** Waits until nothing is pending or in flight, at most {@code max}. */
  synchronized boolean awaitIdle(Duration max) throws InterruptedException {
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

  private synchronized Delivery nextDue() throws InterruptedException {
    while (true) {
      if (closed) {
        throw new InterruptedException("closed");
      }
      Delivery head = queue.peekFirst();
      if (head == null) {
        wait();
        continue;
      }
      Instant due = head.notBefore();
      Instant paced = lastSend.plus(sink.minInterval());
      if (paced.isAfter(due)) {
        due = paced;
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

  private void loop() {
    try {
      while (true) {
        Delivery d = nextDue();
        try {
          attempt(d);
        } catch (RuntimeException e) {
          // No background loop may die silently: count it and retry later.
          log.error(String.valueOf(e), "notification failed unexpectedly", "sink", sink.name());
          Delivery next =
              d.retried(clock.instant().plus(retry.delay(d.attempts() + 1, Optional.empty())));
          finish(d, next);
        }
      }
    } catch (InterruptedException e) {
      synchronized (this) {
        busy = false;
        notifyAll();
      }
    }
  }

  private void attempt(Delivery d) throws InterruptedException {
    String event = d.event().type().wire();
    if (state.disabled.contains(sink.id())) {
      drop(d, "disabled", "sink disabled");
      return;
    }
    if (Duration.between(d.event().time(), clock.instant()).compareTo(maxAge) > 0) {
      drop(d, "expired", "not delivered within --notify-max-age");
      return;
    }
    String threadKey = sink.id() + "|" + d.event().repo() + "#" + d.event().ref();
    Verdict v;
    try {
      InboundResponse r =
          transport.send(
              provider.render(
                  d.event(),
                  sink,
                  new Provider.DeliveryInfo(d.key(), state.threads.getOrDefault(threadKey, ""))));
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
        remove(d);
        observer.delivery(sink.name(), event, "sent", "");
        log.info(
            0,
            "notification delivered",
            "sink",
            sink.name(),
            "event",
            event,
            "attempts",
            d.attempts() + 1);
        if (!v.threadId().isEmpty() && !state.threads.containsKey(threadKey)) {
          state.threads.put(threadKey, v.threadId());
          save();
        }
        finish(d, null);
        return;
      case RETRY:
        Duration wait = retry.delay(d.attempts() + 1, v.retryAfter());
        Delivery next = d.retried(clock.instant().plus(wait));
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
              wait);
        }
        finish(d, next);
        return;
      case DISABLE:
        log.error(
            v.reason(),
            "notification sink is gone; disabling it and dropping its messages"
                + " (fix or remove its URL)",
            "sink",
            sink.name(),
            "host",
            sink.host());
        synchronized (state) {
          if (!state.disabled.contains(sink.id())) {
            state.disabled.add(sink.id());
          }
        }
        save();
        drop(d, "disabled", v.reason());
        return;
      default:
        drop(d, "rejected", v.reason());
    }
  }

  private void drop(Delivery d, String why, String reason) {
    remove(d);
    observer.delivery(sink.name(), d.event().type().wire(), "dropped", why);
    if (!why.equals("disabled") || d.attempts() == 0) {
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

  private void save() {
    try {
      state.save();
    } catch (IOException e) {
      log.error(String.valueOf(e.getMessage()), "can't save notification state");
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
