package dev.gitsync.hooks;

import dev.gitsync.log.Log;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs one hook on its own named thread, with upstream's semantics.
 *
 * <p>Design: {@link #send} never blocks the sync loop; it leaves the context in a one-slot mailbox,
 * so when commits arrive faster than the hook runs, the latest wins and intermediate hashes may
 * never be hooked. A failed run is logged ({@code hook failed}), counted, and retried after the
 * backoff, with the newest context if one arrived meanwhile. A hash that already succeeded is not
 * run again. In {@code --one-time} mode only the first attempt is made, and its result is available
 * through {@link #firstResult()}.
 */
public final class HookRunner implements AutoCloseable {
  private final Hook hook;
  private final Duration backoff;
  private final boolean oneTime;
  private final Log log;
  private final HookObserver observer;
  private final Sleeper sleeper;
  private final CompletableFuture<Boolean> first = new CompletableFuture<>();
  private final Thread thread;
  private HookContext pending;
  private boolean closed;

  /** A runner for {@code hook}; call {@link #start()} to begin. */
  public HookRunner(
      Hook hook,
      Duration backoff,
      boolean oneTime,
      Log log,
      HookObserver observer,
      Sleeper sleeper) {
    this.hook = hook;
    this.backoff = backoff;
    this.oneTime = oneTime;
    this.log = log;
    this.observer = observer;
    this.sleeper = sleeper;
    this.thread = new Thread(this::loop, "hook-" + hook.name());
    this.thread.setDaemon(true);
  }

  /** Starts the runner's thread. */
  public void start() {
    thread.start();
  }

  /** Queues a run for {@code context}, replacing any queued one. Never blocks. */
  public synchronized void send(HookContext context) {
    pending = context;
    notifyAll();
  }

  /** The outcome of the first attempt (for {@code --one-time}): true when it succeeded. */
  public boolean firstResult() throws InterruptedException {
    try {
      return first.get();
    } catch (ExecutionException e) {
      return false;
    }
  }

  private synchronized HookContext take(HookContext retry) throws InterruptedException {
    while (pending == null && retry == null && !closed) {
      wait();
    }
    if (closed) {
      throw new InterruptedException("closed");
    }
    HookContext c = pending != null ? pending : retry;
    pending = null;
    return c;
  }

  private void loop() {
    String lastSuccess = null;
    HookContext retry = null;
    try {
      while (true) {
        HookContext c = take(retry);
        retry = null;
        if (c.hash().equals(lastSuccess)) {
          continue;
        }
        try {
          hook.run(c);
          lastSuccess = c.hash();
          observer.ran(hook.name(), true, c.hash(), "");
          first.complete(true);
        } catch (HookException e) {
          observer.ran(hook.name(), false, c.hash(), e.getMessage());
          log.error(e.getMessage(), "hook failed", "hash", c.hash(), "retry", backoff);
          first.complete(false);
          if (oneTime) {
            return;
          }
          sleeper.sleep(backoff);
          retry = c;
        } catch (RuntimeException e) {
          // No background loop may die silently.
          observer.ran(hook.name(), false, c.hash(), String.valueOf(e));
          log.error(String.valueOf(e), "hook failed unexpectedly", "hash", c.hash());
          first.complete(false);
          sleeper.sleep(backoff);
          retry = c;
        }
      }
    } catch (InterruptedException e) {
      first.complete(false);
    }
  }

  /** Stops the thread, interrupting a running hook (its process is terminated). */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
