package dev.gitsync.notify.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What delivery learns about sinks and must remember across restarts: the Slack thread each repo
 * and ref replies in, and the sinks that are disabled, with why and how to tell when they may work
 * again.
 *
 * <p>Design: a sink is disabled when its service says it is gone (a revoked token, a deleted
 * webhook, an archived channel). It comes back by itself: when its fingerprint (the URL and the
 * token and secret files it reads) changes, when {@code --notify-file} changes, after a restart,
 * and otherwise at the next message once its probe interval (5 min, doubling per failed probe, at
 * most 1 h) has passed. Every method takes this object's lock, and {@code onChange} (which saves
 * the state file) runs after the lock is released.
 */
public final class SinkStates {
  static final Duration FIRST_PROBE = Duration.ofMinutes(5);
  static final Duration MAX_PROBE = Duration.ofHours(1);

  /**
   * Why and since when a sink is disabled.
   *
   * @param reason the service's answer
   * @param since when it was disabled
   * @param fingerprint the sink's fingerprint then
   * @param strikes how many times in a row it was disabled
   * @param nextProbe when its next message may be tried
   */
  public record Disabled(
      String reason, Instant since, String fingerprint, int strikes, Instant nextProbe) {}

  private final Map<String, String> threads = new LinkedHashMap<>();
  private final Map<String, Disabled> disabled = new LinkedHashMap<>();
  private final Map<String, Integer> strikes = new LinkedHashMap<>();
  private volatile Runnable onChange = () -> {};

  /** Sets what runs after every change (saving the state file). */
  public void onChange(Runnable r) {
    onChange = r;
  }

  /** The thread {@code key} replies in, or empty. */
  public synchronized String thread(String key) {
    return threads.getOrDefault(key, "");
  }

  /** Remembers the thread of {@code key} unless one is already known. */
  public void thread(String key, String id) {
    synchronized (this) {
      if (id.isEmpty() || threads.containsKey(key)) {
        return;
      }
      threads.put(key, id);
    }
    onChange.run();
  }

  /** Forgets the thread of {@code key} (its parent was deleted). */
  public void clearThread(String key) {
    synchronized (this) {
      if (threads.remove(key) == null) {
        return;
      }
    }
    onChange.run();
  }

  /** The key of a sink's thread for one repo and ref. */
  public static String threadKey(String sinkId, String repo, String ref) {
    return sinkId + "|" + repo + "#" + ref;
  }

  private static String sinkOf(String threadKey) {
    int bar = threadKey.indexOf('|');
    return bar < 0 ? threadKey : threadKey.substring(0, bar);
  }

  /** Why {@code sinkId} is disabled, if it is. */
  public synchronized Optional<Disabled> disabled(String sinkId) {
    return Optional.ofNullable(disabled.get(sinkId));
  }

  /** Disables a sink; its next probe waits longer after each failed one. */
  public Disabled disable(String sinkId, String reason, String fingerprint, Instant now) {
    Disabled d;
    synchronized (this) {
      int n = strikes.getOrDefault(sinkId, 0) + 1;
      strikes.put(sinkId, n);
      Duration wait = FIRST_PROBE.multipliedBy(1L << Math.min(n - 1, 10));
      if (wait.compareTo(MAX_PROBE) > 0) {
        wait = MAX_PROBE;
      }
      d = new Disabled(reason, now, fingerprint, n, now.plus(wait));
      disabled.put(sinkId, d);
    }
    onChange.run();
    return d;
  }

  /**
   * Lets the next message try a disabled sink; a failure keeps its strikes, a success clears them.
   */
  public void reprobe(String sinkId) {
    synchronized (this) {
      if (disabled.remove(sinkId) == null) {
        return;
      }
    }
    onChange.run();
  }

  /** A message got through: the sink works. True when it had been disabled before. */
  public boolean works(String sinkId) {
    synchronized (this) {
      if (strikes.remove(sinkId) == null) {
        return false;
      }
      disabled.remove(sinkId);
    }
    onChange.run();
    return true;
  }

  /** Makes every disabled sink due for a probe now (after a restart or a new notify file). */
  public synchronized void probeAllNow() {
    disabled.replaceAll(
        (id, d) -> new Disabled(d.reason(), d.since(), d.fingerprint(), d.strikes(), Instant.MIN));
  }

  /** Forgets sinks that are no longer configured, and their threads. */
  public void retain(Set<String> sinkIds) {
    synchronized (this) {
      boolean changed = disabled.keySet().retainAll(sinkIds);
      changed |= strikes.keySet().retainAll(sinkIds);
      changed |= threads.keySet().removeIf(k -> !sinkIds.contains(sinkOf(k)));
      if (!changed) {
        return;
      }
    }
    onChange.run();
  }

  /** The state as JSON-ready maps (the next probe is not kept: a restart probes at once). */
  public synchronized Map<String, Object> toJson() {
    Map<String, Object> d = new LinkedHashMap<>();
    disabled.forEach(
        (id, x) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("reason", x.reason());
          m.put("since", x.since().toString());
          m.put("fingerprint", x.fingerprint());
          m.put("strikes", x.strikes());
          d.put(id, m);
        });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("threads", new LinkedHashMap<>(threads));
    out.put("disabled", d);
    return out;
  }

  /**
   * Restores what {@link #toJson()} wrote; also reads the older form (a list of disabled ids).
   * Every disabled sink is due for a probe at once.
   */
  public synchronized void restore(Object threadsJson, Object disabledJson) {
    if (threadsJson instanceof Map) {
      ((Map<?, ?>) threadsJson)
          .forEach((k, v) -> threads.put(String.valueOf(k), String.valueOf(v)));
    }
    if (disabledJson instanceof Iterable) {
      for (Object id : (Iterable<?>) disabledJson) {
        disabled.put(
            String.valueOf(id), new Disabled("disabled before", Instant.EPOCH, "", 1, Instant.MIN));
        strikes.put(String.valueOf(id), 1);
      }
    } else if (disabledJson instanceof Map) {
      ((Map<?, ?>) disabledJson)
          .forEach(
              (k, v) -> {
                if (v instanceof Map) {
                  Map<?, ?> m = (Map<?, ?>) v;
                  int n =
                      m.get("strikes") instanceof Number
                          ? ((Number) m.get("strikes")).intValue()
                          : 1;
                  Instant since;
                  try {
                    since = Instant.parse(String.valueOf(m.get("since")));
                  } catch (RuntimeException e) {
                    since = Instant.EPOCH;
                  }
                  disabled.put(
                      String.valueOf(k),
                      new Disabled(
                          String.valueOf(m.get("reason")),
                          since,
                          String.valueOf(m.get("fingerprint")),
                          n,
                          Instant.MIN));
                  strikes.put(String.valueOf(k), n);
                }
              });
    }
  }
}
