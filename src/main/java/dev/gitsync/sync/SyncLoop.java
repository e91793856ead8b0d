package dev.gitsync.sync;

import dev.gitsync.config.LoopSettings;
import dev.gitsync.fs.FileOps;
import dev.gitsync.log.ErrorFile;
import dev.gitsync.log.Log;
import dev.gitsync.time.Time;
import dev.gitsync.time.Wakeup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The sync loop: runs passes every {@code --init-period} until the first success and every {@code
 * --period} after it, counts consecutive failures against {@code --init-max-failures} and {@code
 * --max-failures}, touches the touch file, removes the error file after a success, and stops after
 * one pass with {@code --one-time} or once a commit-hash ref has synced. It returns the process
 * exit code; only {@code Main} exits.
 */
public final class SyncLoop {
  private final LoopSettings settings;
  private final Step pass;
  private final Log log;
  private final Time time;
  private final Wakeup wakeup;
  private final Optional<Path> touchFile;
  private final Optional<ErrorFile> errorFile;
  private final SyncListener listener;

  /** A loop over {@code pass}. */
  public SyncLoop(
      LoopSettings settings,
      Step pass,
      Log log,
      Time time,
      Wakeup wakeup,
      Optional<Path> touchFile,
      Optional<ErrorFile> errorFile,
      SyncListener listener) {
    this.listener = listener;
    this.settings = settings;
    this.pass = pass;
    this.log = log;
    this.time = time;
    this.wakeup = wakeup;
    this.touchFile = touchFile;
    this.errorFile = errorFile;
  }

  /** Runs until an end is reached. Interruption (shutdown) propagates. */
  public LoopEnd run() throws InterruptedException {
    int failCount = 0;
    boolean synced = false;
    String published = "";
    String by = "start";
    while (true) {
      log.info(3, "syncing", "ref", settings.ref(), "by", by);
      java.time.Instant start = time.instant();
      try {
        SyncPass.Outcome o = pass.run();
        published = o.hash().hex();
        listener.synced(o, java.time.Duration.between(start, time.instant()));
        if (o.changed() || o.first()) {
          touch();
        }
        try {
          pass.cleanup(o.hash());
        } catch (SyncException e) {
          log.error(e.getMessage(), "git cleanup failed");
        }
        failCount = 0;
        removeErrorFile();
        if (!synced && !settings.initPeriod().equals(settings.period()) && !settings.oneTime()) {
          log.info(
              0, "initial sync complete, switching to normal period", "period", settings.period());
        }
        synced = true;
        if (settings.oneTime()) {
          return new LoopEnd.OneTimeDone();
        }
        if (settings.refIsHash() && o.hash().hex().equals(settings.ref())) {
          log.info(
              0, "ref appears to be a git hash, no further sync needed", "ref", settings.ref());
          return new LoopEnd.Idle();
        }
      } catch (SyncException e) {
        if (Thread.currentThread().isInterrupted()) {
          // An I/O call interrupted by shutdown is not a sync failure.
          throw new InterruptedException("shutdown during sync");
        }
        failCount++;
        Duration took = java.time.Duration.between(start, time.instant());
        if (e instanceof VerificationRefused) {
          listener.refused(((VerificationRefused) e).refusal(), took, failCount);
        } else {
          listener.failed(took, e.getMessage(), failCount);
        }
        log.error(e.getMessage(), "error syncing repo, will retry", "failCount", failCount);
        int limit = settings.maxFailures();
        if (!synced && settings.initMaxFailures().isPresent()) {
          limit = settings.initMaxFailures().getAsInt();
        }
        if (limit >= 0 && failCount > limit) {
          log.error(e.getMessage(), "too many failures, aborting", "failCount", failCount);
          return new LoopEnd.GaveUp(e.getMessage(), failCount, published);
        }
      }
      Duration wait = wait(synced ? settings.period() : settings.initPeriod(), failCount);
      listener.nextSync(wait);
      log.info(3, "next sync", "waitTime", wait);
      if (time.await(wakeup, wait)) {
        by = wakeup.reason();
        log.info(1, "sync requested by " + by);
      } else {
        by = "period";
      }
    }
  }

  /**
   * {@code base}, or after {@code failures} consecutive failures with {@code --backoff-max}: {@code
   * base} doubled per failure up to the maximum, then scaled by a random factor in [0.8, 1.2).
   */
  Duration wait(Duration base, int failures) {
    Duration max = settings.backoffMax();
    if (failures == 0 || max.isZero()) {
      return base;
    }
    Duration w = base;
    for (int i = 1; i < failures && w.compareTo(max) < 0; i++) {
      w = w.multipliedBy(2);
    }
    if (w.compareTo(max) > 0) {
      w = max;
    }
    return Duration.ofNanos((long) (w.toNanos() * (0.8 + 0.4 * jitter.getAsDouble())));
  }

  private java.util.function.DoubleSupplier jitter = Math::random;

  /** Replaces the source of jitter (tests). */
  SyncLoop jitter(java.util.function.DoubleSupplier j) {
    this.jitter = j;
    return this;
  }

  private void touch() {
    if (touchFile.isEmpty()) {
      return;
    }
    try {
      FileOps.touch(touchFile.get(), time.instant(), settings.groupWrite());
    } catch (IOException e) {
      log.error(
          String.valueOf(e.getMessage()),
          "failed to touch touch-file",
          "path",
          touchFile.get().toString());
    }
  }

  private void removeErrorFile() {
    if (errorFile.isEmpty()) {
      return;
    }
    try {
      errorFile.get().remove();
    } catch (IOException e) {
      log.info(0, "can't remove error file", "error", String.valueOf(e.getMessage()));
    }
  }
}
