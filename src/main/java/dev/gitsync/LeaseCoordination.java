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
 * <p>Design: the record of announcements is written only while leading, after a sink confirmed the
 * delivery, so a successor that starts from it skips nothing; at most the announcements delivered
 * in the last renewal period (2 s) are repeated, once, by the successor (with the same idempotency
 * key when the commit range is the same). The first role waits up to 5 s for the first election
 * attempt, so that replicas starting together do not all announce their first sync.
 */
final class LeaseCoordination implements Coordination {
  static final String ANNOUNCED = "git-sync/notify-announced";
  static final String LAST_SUCCESS = "git-sync/leader-last-success";
  private static final int MAX_SINKS = 32;

  private final LeaderElector elector;
  private final Map<String, Announced> announced = new LinkedHashMap<>();
  private final Map<String, Long> seqOfHash =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> e) {
          return size() > 16;
        }
      };
  private long seq;
  private boolean waited;
  private boolean wasLeader;

  LeaseCoordination(LeaderElector elector) {
    this.elector = elector;
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
    return elector.role() == LeaderElector.Role.FOLLOWER ? Role.FOLLOWER : Role.SENDER;
  }

  @Override
  public synchronized boolean tookOver() {
    boolean leading = elector.role() == LeaderElector.Role.LEADER;
    boolean took = leading && !wasLeader;
    wasLeader = leading;
    if (took) {
      announced.clear();
      seqOfHash.clear();
      announced.putAll(parse(elector.annotation(ANNOUNCED).orElse("")));
      seq = announced.values().stream().mapToLong(Announced::seq).max().orElse(0);
    }
    return took;
  }

  @Override
  public synchronized Map<String, Announced> announced() {
    return Map.copyOf(announced);
  }

  @Override
  public synchronized void recordAnnounced(String sinkId, String hash) {
    if (elector.role() != LeaderElector.Role.LEADER) {
      return;
    }
    Announced last = announced.get(sinkId);
    if (last != null && last.hash().equals(hash)) {
      return;
    }
    long n = seqOfHash.computeIfAbsent(hash, h -> ++seq);
    announced.remove(sinkId);
    announced.put(sinkId, new Announced(hash, n));
    while (announced.size() > MAX_SINKS) {
      announced.remove(announced.keySet().iterator().next());
    }
    elector.annotate(ANNOUNCED, format(announced));
  }

  @Override
  public void recordSuccess(Instant when) {
    if (elector.role() == LeaderElector.Role.LEADER) {
      elector.annotate(LAST_SUCCESS, when.toString());
    }
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
          && h.matches("[0-9a-f]{40}|[0-9a-f]{64}")
          && v.get("seq") instanceof Number n
          && out.size() < MAX_SINKS) {
        out.put(e.getKey(), new Announced(h, n.longValue()));
      }
    }
    return out;
  }
}
