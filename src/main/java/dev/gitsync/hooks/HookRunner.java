package dev.gitsync.hooks;

import dev.gitsync.log.Log;
import dev.gitsync.time.Time;
import dev.gitsync.worker.Worker;
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
  private final Time time;
  private final CompletableFuture<Boolean> first = new CompletableFuture<>();
  private final Worker worker;
  private HookContext pending;
  private HookContext retry;
  private String lastSuccess;
  private boolean done;

  /** A runner for {@code hook}; call {@link #start()} to begin. */
  public HookRunner(
      Hook hook, Duration backoff, boolean oneTime, Log log, HookObserver observer, Time time) {
    this.hook = hook;
    this.backoff = backoff;
    this.oneTime = oneTime;
    this.log = log;
    this.observer = observer;
    this.time = time;
    this.worker =
        new Worker(
            "hook-" + hook.name(), this::step, this::unexpected, () -> first.complete(false));
  }

  /** Starts the runner's thread. */
  public void start() {
    worker.start();
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

  private synchronized HookContext take() throws InterruptedException {
    while (pending == null && retry == null || done) {
      wait();
    }
    HookContext c = pending != null ? pending : retry;
    pending = null;
    retry = null;
    return c;
  }

  private void step() throws InterruptedException {
    HookContext c = take();
    if (c.hash().equals(lastSuccess)) {
      log.info(2, "hook already succeeded for this hash", "hash", c.hash());
      return;
    }
    try {
      hook.run(c);
      lastSuccess = c.hash();
      observer.ran(hook.name(), true, c.hash(), "");
      first.complete(true);
    } catch (HookException | RuntimeException e) {
      // A bug in a hook (a RuntimeException) is a failed run too, retried like any other.
      String why = e instanceof HookException ? e.getMessage() : String.valueOf(e);
      observer.ran(hook.name(), false, c.hash(), why);
      log.error(why, "hook failed", "hash", c.hash(), "retry", backoff);
      first.complete(false);
      failed(c);
    }
  }

  /** No background loop may die silently. */
  private void unexpected(RuntimeException e) {
    log.error(String.valueOf(e), "hook failed unexpectedly");
    first.complete(false);
  }

  private void failed(HookContext c) throws InterruptedException {
    if (oneTime) {
      synchronized (this) {
        done = true;
      }
      return;
    }
    time.sleep(backoff);
    synchronized (this) {
      retry = c;
    }
  }

  /** Stops the thread, interrupting a running hook (its process is terminated). */
  @Override
  public void close() {
    worker.close();
  }
}
