package dev.gitsync.kube;

import dev.gitsync.log.Log;
import dev.gitsync.time.Time;
import dev.gitsync.time.Wakeup;
import dev.gitsync.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * client-go's leader election over a {@link LeaseApi}: a lease duration (15 s by default), a renew
 * deadline and a retry period scaled from it as client-go's defaults are (10 s and 2 s for 15 s),
 * with 1.2 jitter while not leading.
 *
 * <p>Design, as client-go's {@code tryAcquireOrRenew}: a leader whose lease is still valid renews
 * with the Lease it last wrote (its resourceVersion); any failure falls back to a GET. A missing
 * Lease is created, with the annotations this replica last saw and wants (a Lease deleted by hand
 * keeps its record). A Lease held by another is valid while {@code observed + lease duration} is in
 * the future, where {@code observed} is this replica's monotonic time, taken after the GET
 * returned, when it last saw the spec change: the holder's renewTime is never compared with any
 * local clock, and no expiry decision reads the wall clock, so neither skew between nodes nor an
 * NTP step changes who leads. Taking over increments {@code leaseTransitions}. A write changes only
 * the fields leader election owns in the object last read ({@link Lease}). A write with a stale
 * resourceVersion is refused (409) and the next attempt reads again.
 *
 * <p>Roles: a replica is {@link Role#LEADER} only while its last renewal started within the renew
 * deadline, so it stops acting a full {@code lease − renew deadline} (5 s by default) before anyone
 * else may take over; a leader paused past that (SIGSTOP, a long GC) resumes as {@link
 * Role#UNKNOWN} and acts on nothing until it has read the Lease again. A replica that has seen
 * another holder is a {@link Role#FOLLOWER} while that holder's lease runs. When every call has
 * failed for {@link Timing#alone()} (four lease durations: 60 s by default), the replica is {@link
 * Role#ALONE}: an explicit, logged state in which it acts as if it had no peers, left at the first
 * call that works. Each start of leading or of acting alone begins a new {@link #term()}.
 *
 * <p>Annotations the leader sets ({@link #annotate}) ride on its renewals. A non-leader may ask the
 * leader for something by {@link #request}: one annotation written on the object it last read, the
 * spec untouched; the leader hears of a changed annotation at its next renewal ({@link
 * #onAnnotations}). On close a leader releases the Lease (empty holder, 1 s), reading it again
 * after a conflict, so a successor need not wait out the lease.
 *
 * <p>There is no fencing (client-go has none either): for a moment two replicas may both believe
 * they lead. What is built on this must tolerate a duplicate, never a loss.
 */
public final class LeaderElector implements AutoCloseable {
  /** What this replica knows about who leads. */
  public enum Role {
    /** This replica holds the Lease and renewed it within the renew deadline. */
    LEADER,
    /** Another replica holds a Lease that has not run out. */
    FOLLOWER,
    /**
     * Not known yet: nobody holds a valid Lease as far as this replica saw, or it must read again.
     */
    UNKNOWN,
    /** The API has been unusable for {@link Timing#alone()}: act as if there were no peers. */
    ALONE
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

  /**
   * The election's durations.
   *
   * @param lease how long others wait before taking over an unrenewed Lease
   * @param renewDeadline how long a leader keeps trying to renew before it stops leading
   * @param retry the time between attempts
   */
  public record Timing(Duration lease, Duration renewDeadline, Duration retry) {
    /** client-go's defaults: 15 s, 10 s, 2 s. */
    public static final Timing DEFAULT = of(Duration.ofSeconds(15));

    /** Checks client-go's rules: lease > renew deadline > 1.2 × retry; retry at least 100 ms. */
    public Timing {
      if (lease.compareTo(renewDeadline) <= 0
          || renewDeadline.toMillis() <= JITTER * retry.toMillis()
          || retry.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException(
            "lease " + lease + ", renew deadline " + renewDeadline + ", retry " + retry);
      }
    }

    /** The renew deadline and retry period scaled from {@code lease} as client-go's defaults. */
    public static Timing of(Duration lease) {
      return new Timing(
          lease, lease.multipliedBy(2).dividedBy(3), lease.multipliedBy(2).dividedBy(15));
    }

    /** How long every call must have failed before a replica acts alone: four leases. */
    public Duration alone() {
      return lease.multipliedBy(4);
    }
  }

  private static final double JITTER = 1.2;
  private static final Duration LOG_AGAIN = Duration.ofMinutes(10);

  private final LeaseApi api;
  private final String name;
  private final String identity;
  private final Timing timing;
  private final Time time;
  private final Log log;
  private final Listener listener;
  private final Random random;
  private final Worker worker;
  private final Wakeup wake = new Wakeup();
  private final Map<String, String> wanted = new LinkedHashMap<>();
  private final Map<String, String> requested = new LinkedHashMap<>();
  private volatile Consumer<Map<String, String>> onAnnotations = a -> {};
  private Lease observed;
  private long observedNanos;
  private boolean leader;
  private long renewedNanos;
  private long failingSinceNanos = -1;
  private boolean alone;
  private int term;
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
      Timing timing,
      Time time,
      Log log,
      Listener listener,
      Random random) {
    this.api = api;
    this.name = name;
    this.identity = identity;
    this.timing = timing;
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

  /** The durations in force. */
  public Timing timing() {
    return timing;
  }

  /** Tells {@code c} the annotations after every read or write of the Lease (on its thread). */
  public void onAnnotations(Consumer<Map<String, String>> c) {
    this.onAnnotations = c;
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
    Duration retry = timing.retry();
    long extra = leading() ? 0 : (long) (random.nextDouble() * JITTER * retry.toMillis());
    time.await(wake, retry.plusMillis(extra));
  }

  /** One {@code tryAcquireOrRenew}, then the renew-deadline check; true when leading after it. */
  boolean attempt() throws InterruptedException {
    boolean ok;
    try {
      ok = tryAcquireOrRenew();
      if (!leading()) {
        writeRequested();
      }
    } finally {
      synchronized (this) {
        decided = true;
        notifyAll();
      }
    }
    Map<String, String> seen;
    synchronized (this) {
      if (leader && !ok && time.nanos() - renewedNanos > timing.renewDeadline().toNanos()) {
        setLeader(false);
        log.error(
            "no renewal for " + timing.renewDeadline().toSeconds() + "s",
            "stopped leading the notify lease",
            "lease",
            name);
      }
      seen = observed == null ? Map.of() : observed.annotations();
    }
    onAnnotations.accept(seen);
    return leading();
  }

  private boolean tryAcquireOrRenew() throws InterruptedException {
    Instant wall = time.instant().truncatedTo(ChronoUnit.MICROS);
    long start = time.nanos();
    Lease renew = null;
    synchronized (this) {
      if (leader && valid(start)) {
        renew = desired(observed, wall);
      }
    }
    if (renew != null) {
      LeaseApi.Answer a = api.update(renew);
      if (a.ok() && a.lease().isPresent()) {
        wrote(a.lease().get(), start);
        return true;
      }
      failed("renew", a);
    }
    LeaseApi.Answer got = api.get(name);
    if (got.status() == 404) {
      LeaseApi.Answer made = create(wall, start);
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
    long seenAt = time.nanos(); // After the GET returned, as client-go's observedTime.
    Lease current = got.lease().get();
    Lease next;
    synchronized (this) {
      works();
      String before = observed == null ? "" : observed.holder();
      if (observed == null || !observed.spec().equals(current.spec())) {
        observedNanos = seenAt;
      }
      observed = current;
      listener.transitions(current.transitions());
      if (!current.holder().isEmpty() && !current.holder().equals(identity) && valid(seenAt)) {
        boolean wasLeader = leader;
        setLeader(false);
        if (wasLeader || before.equals(identity)) {
          log.info(
              0,
              "another replica took the notify lease",
              "lease",
              name,
              "holder",
              current.holder());
        } else if (!current.holder().equals(before)) {
          log.info(1, "another replica holds the notify lease", "holder", current.holder());
        }
        return false;
      }
      next = desired(current, wall);
    }
    LeaseApi.Answer put = api.update(next);
    if (put.ok() && put.lease().isPresent()) {
      wrote(put.lease().get(), start);
      return true;
    }
    failed("update", put);
    return false;
  }

  private LeaseApi.Answer create(Instant wall, long start) throws InterruptedException {
    Lease fresh;
    synchronized (this) {
      // A Lease deleted by hand is made again with the record this replica last saw and wants.
      Map<String, String> ann =
          new LinkedHashMap<>(observed == null ? Map.of() : observed.annotations());
      ann.putAll(wanted);
      int d = (int) timing.lease().toSeconds();
      fresh = new Lease(name, "", ann, identity, d, wall, wall, 0);
    }
    LeaseApi.Answer a = api.create(fresh);
    if (a.ok() && a.lease().isPresent()) {
      wrote(a.lease().get(), start);
      if (observedBefore()) {
        log.info(0, "the notify lease was missing; made it again with its record", "lease", name);
      }
    } else {
      failed("create", a);
    }
    return a;
  }

  private synchronized boolean observedBefore() {
    return observed != null && !observed.annotations().isEmpty();
  }

  /** The record this replica wants: itself as holder, renewed now, its annotations merged. */
  private Lease desired(Lease from, Instant wall) {
    boolean mine = from.holder().equals(identity);
    Map<String, String> ann = new LinkedHashMap<>(from.annotations());
    ann.putAll(wanted);
    return from.with(
        from.resourceVersion(),
        ann,
        identity,
        (int) timing.lease().toSeconds(),
        mine && from.acquireTime() != null ? from.acquireTime() : wall,
        wall,
        mine ? from.transitions() : from.transitions() + 1);
  }

  /**
   * A non-leader's requested annotations, written on the object last read with the spec as it is; a
   * conflict leaves them for the next attempt, which reads first.
   */
  private void writeRequested() throws InterruptedException {
    Lease write;
    synchronized (this) {
      if (requested.isEmpty() || observed == null || observed.resourceVersion().isEmpty()) {
        return;
      }
      Map<String, String> ann = new LinkedHashMap<>(observed.annotations());
      if (ann.entrySet().containsAll(requested.entrySet())) {
        requested.clear();
        return;
      }
      ann.putAll(requested);
      write =
          observed.with(
              observed.resourceVersion(),
              ann,
              observed.holder(),
              observed.durationSeconds(),
              observed.acquireTime(),
              observed.renewTime(),
              observed.transitions());
    }
    LeaseApi.Answer a = api.update(write);
    if (a.ok() && a.lease().isPresent()) {
      synchronized (this) {
        // The spec is unchanged, so the time it was observed stays as it was.
        observed = a.lease().get();
        requested
            .entrySet()
            .removeIf(e -> e.getValue().equals(observed.annotations().get(e.getKey())));
      }
    } else {
      failed("annotate", a);
    }
  }

  private synchronized void wrote(Lease lease, long start) {
    observed = lease;
    observedNanos = start;
    renewedNanos = start;
    listener.transitions(lease.transitions());
    works();
    if (!leader) {
      setLeader(true);
      log.info(0, "leading the notify lease", "lease", name, "identity", identity);
    }
  }

  private synchronized void setLeader(boolean l) {
    if (leader != l) {
      leader = l;
      listener.leading(l);
      if (l) {
        term++;
        requested.clear();
      } else {
        // What this replica wanted written belongs to its leadership; a successor's record is
        // newer and must not be overwritten if this replica leads again.
        wanted.clear();
      }
    }
  }

  private synchronized boolean valid(long now) {
    return observed != null
        && now - observedNanos
            < Duration.ofSeconds(Math.max(1, observed.durationSeconds())).toNanos();
  }

  private synchronized boolean leading() {
    return leader;
  }

  /** A call worked: the API is usable again. */
  private synchronized void works() {
    failingSinceNanos = -1;
    if (alone) {
      alone = false;
      log.info(0, "the notify lease works again; no longer sending as if alone", "lease", name);
    }
    if (!problem.isEmpty()) {
      log.info(0, "the notify lease works again", "lease", name);
      problem = "";
    }
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
    long now = time.nanos();
    synchronized (this) {
      if (failingSinceNanos < 0) {
        failingSinceNanos = now;
      } else if (!alone && !leader && now - failingSinceNanos >= timing.alone().toNanos()) {
        alone = true;
        term++;
        log.error(
            "every call failed for " + timing.alone().toSeconds() + "s",
            "the notify lease is unusable; this pod sends notifications as if alone until it works",
            "lease",
            name);
      }
    }
    String what = call + " " + status + " " + a.reason();
    Instant wall = time.instant();
    synchronized (this) {
      if (what.equals(problem) && Duration.between(problemLogged, wall).compareTo(LOG_AGAIN) < 0) {
        return;
      }
      problem = what;
      problemLogged = wall;
    }
    String hint =
        a.status() == 403
            ? "; grant get and update on leases.coordination.k8s.io (resourceNames: "
                + name
                + ") to the pod's service account, and create the Lease"
                + " (deploy/examples/replicas) or grant create"
            : a.status() == 401 ? "; the service account token was refused" : "";
    log.error(
        a.reason() + (a.message().isEmpty() ? "" : ": " + a.message()) + hint,
        "can't use the notify lease; this pod sends no announcement until it can, or until it"
            + " has failed for "
            + timing.alone().toSeconds()
            + "s",
        "lease",
        name,
        "call",
        call,
        "status",
        status);
  }

  /** Who leads, as far as this replica knows now. */
  public synchronized Role role() {
    long now = time.nanos();
    if (leader && now - renewedNanos <= timing.renewDeadline().toNanos()) {
      return Role.LEADER;
    }
    if (observed != null
        && !observed.holder().isEmpty()
        && !observed.holder().equals(identity)
        && valid(now)) {
      return Role.FOLLOWER;
    }
    if (alone) {
      return Role.ALONE;
    }
    return Role.UNKNOWN;
  }

  /**
   * Counts the times this replica began to lead or to act alone: a new term means the record on the
   * Lease is to be read again.
   */
  public synchronized int term() {
    return term;
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

  /**
   * Asks, as a non-leader, for an annotation on the Lease (the leader reads it at its next
   * renewal); written at once in the background; ignored while leading.
   */
  public void request(String key, String value) {
    synchronized (this) {
      if (leader || value.equals(annotation(key).orElse(null))) {
        return;
      }
      requested.put(key, value);
    }
    wake.fire("request");
  }

  /** Stops; a leader releases the Lease so a successor takes over at once. */
  @Override
  public void close() {
    worker.close();
    Map<String, String> ann;
    Lease last;
    synchronized (this) {
      if (!leader || observed == null) {
        return;
      }
      ann = new LinkedHashMap<>(observed.annotations());
      ann.putAll(wanted);
      last = observed;
      setLeader(false);
    }
    try {
      release(last, ann);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** client-go's release: on a conflict, read again and release if still the holder. */
  private void release(Lease last, Map<String, String> ann) throws InterruptedException {
    long end = time.nanos() + timing.renewDeadline().toNanos();
    Lease current = last;
    for (int tries = 0; tries < 5 && time.nanos() < end; tries++) {
      Instant wall = time.instant().truncatedTo(ChronoUnit.MICROS);
      Map<String, String> merged = new LinkedHashMap<>(current.annotations());
      merged.putAll(ann);
      Lease release =
          current.with(current.resourceVersion(), merged, "", 1, wall, wall, current.transitions());
      LeaseApi.Answer a = api.update(release);
      if (a.ok()) {
        log.info(0, "released the notify lease", "lease", name);
        return;
      }
      if (a.status() != 409) {
        failed("release", a);
        return;
      }
      LeaseApi.Answer got = api.get(name);
      if (!got.ok() || got.lease().isEmpty() || !got.lease().get().holder().equals(identity)) {
        return; // Gone, unreadable, or no longer ours: nothing to release.
      }
      current = got.lease().get();
    }
  }
}
