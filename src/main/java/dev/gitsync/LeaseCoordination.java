package dev.gitsync;

import dev.gitsync.json.JsonParser;
import dev.gitsync.json.JsonStrings;
import dev.gitsync.kube.LeaderElector;
import dev.gitsync.notify.Coordination;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Coordination} through a {@link LeaderElector}: the leader sends, and records on the Lease
 * (as annotations riding on its renewals) what it announced to each sink and when it last synced.
 *
 * <p>Design: every announcement gets a number in the chain when it is made ({@link #nextChain}),
 * one more than any this replica made or found recorded, and the number travels with it through the
 * outbox; what a sink confirmed is recorded with that number, so however far behind a sink is when
 * it finally delivers, its record orders correctly against the others, and a successor continues
 * from the sink furthest behind (the lowest number) and skips nothing. The record is written only
 * while leading, after a sink confirmed the delivery, so at most the announcements delivered in the
 * last renewal period are repeated, once, by a successor (with the same idempotency key when the
 * commit range is the same). Each new term of the elector (leading again after following, or acting
 * alone) reads the record again, however many times that happens in one process. A replica that
 * publishes a commit while another leads asks the leader to sync at once ({@link #published})
 * through an annotation, so the announcement follows a push trigger within seconds whichever pod
 * the trigger reached. The first role waits up to 5 s for the first election attempt, so that
 * replicas starting together do not all announce their first sync.
 */
final class LeaseCoordination implements Coordination {
  static final String ANNOUNCED = "git-sync/notify-announced";
  static final String LAST_SUCCESS = "git-sync/leader-last-success";
  static final String LEADER_HEAD = "git-sync/leader-head";
  static final String PUBLISHED = "git-sync/published";
  private static final int MAX_SINKS = 32;

  private final LeaderElector elector;
  private final Runnable wakeLeader;
  private final Map<String, Announced> announced = new LinkedHashMap<>();
  private long chain;
  private boolean waited;
  private int loadedTerm;
  private String lastPublishedSeen = "";
  private String head = "";

  /**
   * @param wakeLeader starts a sync pass now (on the leader, when another replica published a
   *     commit the leader has not synced)
   */
  LeaseCoordination(LeaderElector elector, Runnable wakeLeader) {
    this.elector = elector;
    this.wakeLeader = wakeLeader;
    elector.onAnnotations(this::seen);
  }

  /**
   * After each election attempt: a leader wakes its loop for a commit another replica published.
   */
  private void seen(Map<String, String> annotations) {
    String published = annotations.getOrDefault(PUBLISHED, "");
    boolean wake;
    synchronized (this) {
      wake =
          !published.isEmpty()
              && !published.equals(lastPublishedSeen)
              && !published.equals(head)
              && elector.role() == LeaderElector.Role.LEADER;
      lastPublishedSeen = published;
    }
    if (wake) {
      wakeLeader.run();
    }
  }

  @Override
  public synchronized Role role() {
    if (!waited) {
      waited = true;
      try {
        elector.awaitFirstAttempt(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return sendRole();
  }

  @Override
  public synchronized Role sendRole() {
    return switch (elector.role()) {
      case LEADER, ALONE -> Role.SENDER;
      case FOLLOWER -> Role.FOLLOWER;
      case UNKNOWN -> Role.UNDECIDED;
    };
  }

  @Override
  public synchronized boolean tookOver() {
    LeaderElector.Role r = elector.role();
    int term = elector.term();
    boolean took =
        (r == LeaderElector.Role.LEADER || r == LeaderElector.Role.ALONE) && term != loadedTerm;
    if (took) {
      loadedTerm = term;
      announced.clear();
      announced.putAll(parse(elector.annotation(ANNOUNCED).orElse("")));
      chain =
          Math.max(chain, announced.values().stream().mapToLong(Announced::seq).max().orElse(0));
    }
    return took;
  }

  @Override
  public synchronized Map<String, Announced> announced() {
    return Map.copyOf(announced);
  }

  @Override
  public synchronized long nextChain() {
    return ++chain;
  }

  @Override
  public synchronized void chainAtLeast(long n) {
    chain = Math.max(chain, n);
  }

  @Override
  public synchronized void recordAnnounced(String sinkId, String hash, long seq) {
    if (elector.role() != LeaderElector.Role.LEADER) {
      return;
    }
    Announced last = announced.get(sinkId);
    if (last != null && last.seq() >= seq) {
      return; // Never move a sink's record back.
    }
    announced.remove(sinkId);
    announced.put(sinkId, new Announced(hash, seq));
    while (announced.size() > MAX_SINKS) {
      announced.remove(announced.keySet().iterator().next());
    }
    elector.annotate(ANNOUNCED, format(announced));
  }

  @Override
  public void recordSuccess(Instant when, String hash) {
    synchronized (this) {
      head = hash;
    }
    if (elector.role() == LeaderElector.Role.LEADER) {
      elector.annotate(LAST_SUCCESS, when.toString());
      elector.annotate(LEADER_HEAD, hash);
    }
  }

  @Override
  public void published(String hash) {
    if (elector.role() == LeaderElector.Role.LEADER) {
      return;
    }
    if (hash.equals(elector.annotation(LEADER_HEAD).orElse(""))) {
      return; // The leader has it already.
    }
    elector.request(PUBLISHED, hash);
  }

  @Override
  public Optional<Instant> leaderLastSuccess() {
    try {
      return elector.annotation(LAST_SUCCESS).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  static String format(Map<String, Announced> m) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Announced> e : m.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"');
      JsonStrings.escape(sb, e.getKey());
      sb.append("\":{\"hash\":\"");
      JsonStrings.escape(sb, e.getValue().hash());
      sb.append("\",\"seq\":").append(e.getValue().seq()).append('}');
    }
    return sb.append('}').toString();
  }

  static Map<String, Announced> parse(String json) {
    Map<String, Announced> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : JsonParser.objectOrEmpty(json).entrySet()) {
      if (e.getValue() instanceof Map<?, ?> v
          && v.get("hash") instanceof String h
          && isHash(h)
          && v.get("seq") instanceof Number n
          && n.doubleValue() >= 0
          && out.size() < MAX_SINKS) {
        out.put(e.getKey(), new Announced(h, n.longValue()));
      }
    }
    return out;
  }

  private static boolean isHash(String h) {
    if (h.length() != 40 && h.length() != 64) {
      return false;
    }
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
