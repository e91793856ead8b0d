package dev.gitsync.sync;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The real {@link Waiter}: sleeps on a condition that {@link #fire()} (a {@code --sync-on-signal}
 * signal) wakes. Like upstream's channel of size 1, a request that arrives while a pass runs is
 * remembered, so the next wait returns at once.
 */
public final class Trigger implements Waiter {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition fired = lock.newCondition();
  private boolean pending;

  /** Requests a sync now (or right after the running pass). */
  public void fire() {
    lock.lock();
    try {
      pending = true;
      fired.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean await(Duration d) throws InterruptedException {
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

  /** Waits until interrupted (shutdown), ignoring sync requests. */
  public static void sleepForever() throws InterruptedException {
    while (true) {
      TimeUnit.DAYS.sleep(1);
    }
  }
}
