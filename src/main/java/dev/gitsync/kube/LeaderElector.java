package dev.gitsync.kube;

import dev.gitsync.log.Log;
import dev.gitsync.time.Time;
import dev.gitsync.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * client-go's leader election over a {@link LeaseApi}, with its defaults: a 15 s lease, a 10 s
 * renew deadline, a 2 s retry period (with 1.2 jitter while not leading).
 *
 * <p>Design, as client-go's {@code tryAcquireOrRenew}: a leader whose lease is still valid renews
 * with the Lease it last wrote (its resourceVersion); any failure falls back to a GET. A missing
 * Lease is created. A Lease held by another is valid while {@code observedTime +
 * leaseDurationSeconds} is in the future, where {@code observedTime} is the local time this replica
 * last saw the spec change: the holder's renewTime is never compared with the local clock, so clock
 * skew between nodes does not matter. Taking over increments {@code leaseTransitions}. A write with
 * a stale resourceVersion is refused (409) and the next attempt reads again. A leader that could
 * not renew for the renew deadline stops leading before its lease runs out elsewhere. Annotations
 * the leader sets ({@link #annotate}) ride on its renewals. On close a leader releases the Lease
 * (empty holder, 1 s), so a successor need not wait out the lease.
 *
 * <p>There is no fencing (client-go has none either): for a moment two replicas may both believe
 * they lead. What is built on this must tolerate a duplicate, never a loss.
 */
public final class LeaderElector implements AutoCloseable {
  /** What this replica knows about who leads. */
  public enum Role {
    /** This replica holds the Lease. */
    LEADER,
    /** Another replica holds a valid Lease. */
    FOLLOWER,
    /** Nobody is known to lead: the API cannot be reached, or nobody holds the Lease. */
    UNKNOWN
  }

  /** Told what happens, for metrics and logs. */
  public interface Listener {
    /** Leading or not. */
    void leading(boolean leading);

    /** The Lease's {@code leaseTransitions}, as last seen. */
    void transitions(int transitions);

    /** A call failed with {@code status} (an HTTP status, or "unreachable"). */
    void apiError(String status);
  }

  public static final Duration LEASE = Duration.ofSeconds(15);
  public static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  public static final Duration RETRY = Duration.ofSeconds(2);
  private static final double JITTER = 1.2;
  private static final Duration LOG_AGAIN = Duration.ofMinutes(10);

  private final LeaseApi api;
  private final String name;
  private final String identity;
  private final Time time;
  private final Log log;
  private final Listener listener;
  private final Random random;
  private final Worker worker;
  private final Map<String, String> wanted = new LinkedHashMap<>();
  private Lease observed;
  private Instant observedTime;
  private boolean leader;
  private Instant renewed;
  private boolean decided;
  private String problem = "";
  private Instant problemLogged = Instant.MIN;

  /**
   * An elector (not yet started).
   *
   * @param name the Lease's name
   * @param identity this replica's holder identity
   */
  public LeaderElector(
      LeaseApi api,
      String name,
      String identity,
      Time time,
      Log log,
      Listener listener,
      Random random) {
    this.api = api;
    this.name = name;
    this.identity = identity;
    this.time = time;
    this.log = log;
    this.listener = listener;
    this.random = random;
    this.worker =
        new Worker(
            "leader-election",
            this::step,
            e -> log.error(String.valueOf(e), "leader election step failed"),
            () -> {});
  }

  /** Starts electing in the background. */
  public void start() {
    worker.start();
  }

  private void step() throws InterruptedException {
    try {
      attempt();
    } catch (RuntimeException e) {
      log.error(String.valueOf(e), "leader election attempt failed");
    }
    long extra = leading() ? 0 : (long) (random.nextDouble() * JITTER * RETRY.toMillis());
    time.sleep(RETRY.plusMillis(extra));
  }

  /** One {@code tryAcquireOrRenew}, then the renew-deadline check; true when leading after it. */
  boolean attempt() throws InterruptedException {
    boolean ok;
    try {
      ok = tryAcquireOrRenew();
    } finally {
      synchronized (this) {
        decided = true;
        notifyAll();
      }
    }
    synchronized (this) {
      if (leader
          && !ok
          && Duration.between(renewed, time.instant()).compareTo(RENEW_DEADLINE) > 0) {
        setLeader(false);
        log.error(
            "no renewal for " + RENEW_DEADLINE.toSeconds() + "s",
            "stopped leading the notify lease",
            "lease",
            name);
      }
      return leader;
    }
  }

  private boolean tryAcquireOrRenew() throws InterruptedException {
    Instant now = time.instant().truncatedTo(ChronoUnit.MICROS);
    Lease renew = null;
    synchronized (this) {
      if (leader && valid(now)) {
        renew = desired(observed, now);
      }
    }
    if (renew != null) {
      LeaseApi.Answer a = api.update(renew);
      if (a.ok() && a.lease().isPresent()) {
        wrote(a.lease().get(), now);
        return true;
      }
      failed("renew", a);
    }
    LeaseApi.Answer got = api.get(name);
    if (got.status() == 404) {
      LeaseApi.Answer made = create(now);
      if (made.status() != 409) {
        return made.ok();
      }
      // Another replica created it first (AlreadyExists): read what it wrote and decide now, so
      // that replicas starting together all know their role after their first attempt.
      got = api.get(name);
    }
    if (!got.ok() || got.lease().isEmpty()) {
      failed("get", got);
      return false;
    }
    Lease current = got.lease().get();
    Lease next;
    synchronized (this) {
      if (observed == null || !observed.spec().equals(current.spec())) {
        observedTime = now;
      }
      observed = current;
      listener.transitions(current.transitions());
      if (!current.holder().isEmpty() && !current.holder().equals(identity) && valid(now)) {
        setLeader(false);
        cleared();
        return false;
      }
      next = desired(current, now);
    }
    LeaseApi.Answer put = api.update(next);
    if (put.ok() && put.lease().isPresent()) {
      wrote(put.lease().get(), now);
      return true;
    }
    failed("update", put);
    return false;
  }

  private LeaseApi.Answer create(Instant now) throws InterruptedException {
    Lease fresh;
    synchronized (this) {
      fresh = new Lease(name, "", wanted, identity, (int) LEASE.toSeconds(), now, now, 0);
    }
    LeaseApi.Answer a = api.create(fresh);
    if (a.ok() && a.lease().isPresent()) {
      wrote(a.lease().get(), now);
    } else {
      failed("create", a);
    }
    return a;
  }

  /** The record this replica wants: itself as holder, renewed now, its annotations merged. */
  private Lease desired(Lease from, Instant now) {
    boolean mine = from.holder().equals(identity);
    Map<String, String> ann = new LinkedHashMap<>(from.annotations());
    ann.putAll(wanted);
    return new Lease(
        name,
        from.resourceVersion(),
        ann,
        identity,
        (int) LEASE.toSeconds(),
        mine && from.acquireTime() != null ? from.acquireTime() : now,
        now,
        mine ? from.transitions() : from.transitions() + 1);
  }

  private synchronized void wrote(Lease lease, Instant now) {
    observed = lease;
    observedTime = now;
    renewed = now;
    listener.transitions(lease.transitions());
    if (!leader) {
      setLeader(true);
      log.info(0, "leading the notify lease", "lease", name, "identity", identity);
    }
    cleared();
  }

  private synchronized void setLeader(boolean l) {
    if (leader != l) {
      leader = l;
      listener.leading(l);
      if (!l) {
        // What this replica wanted written belongs to its leadership; a successor's record is
        // newer and must not be overwritten if this replica leads again.
        wanted.clear();
      }
    }
  }

  private synchronized boolean valid(Instant now) {
    return observed != null
        && observedTime != null
        && observedTime.plusSeconds(Math.max(1, observed.durationSeconds())).isAfter(now);
  }

  private synchronized boolean leading() {
    return leader;
  }

  /** A call failed: counted, and logged when the problem is new (or every ten minutes). */
  private void failed(String call, LeaseApi.Answer a) {
    String status = a.status() == 0 ? "unreachable" : Integer.toString(a.status());
    if (a.status() == 409) {
      // Optimistic concurrency: somebody else wrote first; the next attempt reads again.
      log.info(2, "notify lease changed under us; reading it again", "lease", name, "call", call);
      return;
    }
    listener.apiError(status);
    String what = call + " " + status + " " + a.reason();
    Instant now = time.instant();
    synchronized (this) {
      if (what.equals(problem) && Duration.between(problemLogged, now).compareTo(LOG_AGAIN) < 0) {
        return;
      }
      problem = what;
      problemLogged = now;
    }
    String hint =
        a.status() == 403
            ? "; grant get, create and update on leases.coordination.k8s.io to the pod's service"
                + " account (deploy/examples/replicas)"
            : a.status() == 401 ? "; the service account token was refused" : "";
    log.error(
        a.reason() + (a.message().isEmpty() ? "" : ": " + a.message()) + hint,
        "can't use the notify lease; until it works, this pod sends notifications as if alone",
        "lease",
        name,
        "call",
        call,
        "status",
        status);
  }

  private synchronized void cleared() {
    if (!problem.isEmpty()) {
      log.info(0, "the notify lease works again", "lease", name);
      problem = "";
    }
  }

  /** Who leads, as far as this replica knows now. */
  public synchronized Role role() {
    Instant now = time.instant();
    if (leader && Duration.between(renewed, now).compareTo(RENEW_DEADLINE) <= 0) {
      return Role.LEADER;
    }
    if (observed != null
        && !observed.holder().isEmpty()
        && !observed.holder().equals(identity)
        && valid(now)) {
      return Role.FOLLOWER;
    }
    return Role.UNKNOWN;
  }

  /** Waits (at most {@code max}) for the first attempt to finish, so the first role is known. */
  public synchronized void awaitFirstAttempt(Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!decided) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** An annotation of the Lease as last seen. */
  public synchronized Optional<String> annotation(String key) {
    return observed == null
        ? Optional.empty()
        : Optional.ofNullable(observed.annotations().get(key));
  }

  /** Sets an annotation, written with the next renewal; ignored unless leading. */
  public synchronized void annotate(String key, String value) {
    if (leader) {
      wanted.put(key, value);
    }
  }

  /** Stops; a leader releases the Lease so a successor takes over at once. */
  @Override
  public void close() {
    worker.close();
    Lease release;
    synchronized (this) {
      if (!leader || observed == null) {
        return;
      }
      Instant now = time.instant().truncatedTo(ChronoUnit.MICROS);
      Map<String, String> ann = new LinkedHashMap<>(observed.annotations());
      ann.putAll(wanted);
      release =
          new Lease(name, observed.resourceVersion(), ann, "", 1, now, now, observed.transitions());
      setLeader(false);
    }
    try {
      LeaseApi.Answer a = api.update(release);
      if (a.ok()) {
        log.info(0, "released the notify lease", "lease", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
