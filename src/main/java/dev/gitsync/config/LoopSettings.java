package dev.gitsync.config;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * What the sync loop needs of the configuration, and nothing else ({@link Config#loop()}): when to
 * sync and when to stop.
 *
 * @param ref the ref being synced, for the log
 * @param refIsHash true when the ref is a full commit hash, so syncing stops once it is synced
 * @param period the wait between syncs
 * @param initPeriod the wait between syncs until the first success
 * @param oneTime exit after one sync
 * @param maxFailures consecutive failures tolerated after the first success (negative: forever)
 * @param initMaxFailures consecutive failures tolerated before the first success, if set
 * @param groupWrite make the touch file group-writable
 * @param backoffMax the longest wait after consecutive failures; zero for a fixed period
 */
public record LoopSettings(
    String ref,
    boolean refIsHash,
    Duration period,
    Duration initPeriod,
    boolean oneTime,
    int maxFailures,
    OptionalInt initMaxFailures,
    boolean groupWrite,
    Duration backoffMax) {}
