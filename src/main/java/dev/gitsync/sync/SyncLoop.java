package dev.gitsync.sync;

import dev.gitsync.config.Config;
import dev.gitsync.fs.FileOps;
import dev.gitsync.log.ErrorFile;
import dev.gitsync.log.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
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
  /** The loop's end: an exit code, or a request to wait for shutdown. */
  public enum End {
    /** Exit 0. */
    SUCCESS,
    /** Exit 1. */
    FAILURE,
    /** The ref is a hash that has synced: nothing more to do until shutdown. */
    SLEEP_FOREVER
  }

  private final Config config;
  private final Step pass;
  private final Log log;
  private final Clock clock;
  private final Waiter waiter;
  private final Optional<Path> touchFile;
  private final Optional<ErrorFile> errorFile;
  private final SyncListener listener;
  private String lastError = "";
  private int lastFailCount;

  /** A loop over {@code pass}. */
  public SyncLoop(
      Config config,
      Step pass,
      Log log,
      Clock clock,
      Waiter waiter,
      Optional<Path> touchFile,
      Optional<ErrorFile> errorFile,
      SyncListener listener) {
    this.listener = listener;
    this.config = config;
    this.pass = pass;
    this.log = log;
    this.clock = clock;
    this.waiter = waiter;
    this.touchFile = touchFile;
    this.errorFile = errorFile;
  }

  /** Runs until an end is reached. Interruption (shutdown) propagates. */
  public End run() throws InterruptedException {
    int failCount = 0;
    boolean synced = false;
    while (true) {
      log.info(3, "syncing", "ref", config.ref());
      java.time.Instant start = clock.instant();
      try {
        SyncPass.Outcome o = pass.run();
        listener.synced(o, java.time.Duration.between(start, clock.instant()));
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
        if (!synced && !config.initPeriod().equals(config.period()) && !config.oneTime()) {
          log.info(
              0, "initial sync complete, switching to normal period", "period", config.period());
        }
        synced = true;
        if (config.oneTime()) {
          return End.SUCCESS;
        }
        if (config.refIsHash() && o.hash().hex().equals(config.ref())) {
          log.info(0, "ref appears to be a git hash, no further sync needed", "ref", config.ref());
          return End.SLEEP_FOREVER;
        }
      } catch (SyncException e) {
        if (Thread.currentThread().isInterrupted()) {
          // An I/O call interrupted by shutdown is not a sync failure.
          throw new InterruptedException("shutdown during sync");
        }
        failCount++;
        lastError = e.getMessage();
        lastFailCount = failCount;
        listener.failed(
            java.time.Duration.between(start, clock.instant()), e.getMessage(), failCount);
        log.error(e.getMessage(), "error syncing repo, will retry", "failCount", failCount);
        int limit = config.maxFailures();
        if (!synced && config.initMaxFailures().isPresent()) {
          limit = config.initMaxFailures().getAsInt();
        }
        if (limit >= 0 && failCount > limit) {
          log.error(e.getMessage(), "too many failures, aborting", "failCount", failCount);
          return End.FAILURE;
        }
      }
      Duration wait = synced ? config.period() : config.initPeriod();
      log.info(3, "next sync", "waitTime", wait);
      if (waiter.await(wait)) {
        log.info(1, "sync requested by signal");
      }
    }
  }

  /** The last sync error (for the giving-up notification). */
  public String lastError() {
    return lastError;
  }

  /** Consecutive failures when the loop last failed. */
  public int lastFailCount() {
    return lastFailCount;
  }

  private void touch() {
    if (touchFile.isEmpty()) {
      return;
    }
    try {
      FileOps.touch(touchFile.get(), clock.instant(), config.groupWrite());
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
