package dev.gitsync.time;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request to stop waiting ({@code --sync-on-signal}, later a push trigger). Like upstream's
 * channel of size 1, a request that arrives while nobody waits is remembered, so the next wait
 * returns at once.
 */
public final class Wakeup {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition fired = lock.newCondition();
  private boolean pending;
  private String reason = "";

  /** Wakes the waiter now, or at its next wait. */
  public void fire() {
    fire("signal");
  }

  /** Wakes the waiter now, or at its next wait, saying what asked for it (for the log). */
  public void fire(String why) {
    lock.lock();
    try {
      pending = true;
      reason = why;
      fired.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** What asked for the last wakeup. */
  public String reason() {
    lock.lock();
    try {
      return reason;
    } finally {
      lock.unlock();
    }
  }

  /** Takes a pending request without waiting; true when there was one. */
  public boolean take() {
    lock.lock();
    try {
      boolean was = pending;
      pending = false;
      return was;
    } finally {
      lock.unlock();
    }
  }

  /** Waits in real time for {@code d} or a request; true when a request came. */
  boolean await(Duration d) throws InterruptedException {
    long nanos = d.toNanos();
    lock.lock();
    try {
      while (!pending) {
        if (nanos <= 0) {
          return false;
        }
        nanos = fired.awaitNanos(nanos);
      }
      pending = false;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until interrupted (shutdown). */
  public static void sleepForever() throws InterruptedException {
    while (true) {
      TimeUnit.DAYS.sleep(1);
    }
  }
}
