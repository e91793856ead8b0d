package dev.gitsync.notify;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * How this replica's notifier coordinates with the other replicas of the same repository and ref
 * (through a Lease, {@code --notify-leader-election}); {@link #ALONE} when it does not.
 *
 * <p>Design: the leader announces commits; followers announce nothing. What the leader has
 * announced to each sink is recorded where a successor reads it ({@link #announced}), so a new
 * leader continues the chain of announcements from there: it neither skips a commit nor repeats
 * more than the last one. Failures: a follower whose syncing fails tells a shared outage from its
 * own trouble by the leader's last success ({@link #leaderLastSuccess}): if the leader has synced
 * since this replica began to fail, the trouble is this pod's (its node, its volume) and it alerts,
 * naming itself; otherwise the leader alerts for everyone. When nobody is known to lead (the API
 * cannot be reached), every replica sends: a duplicate beats a lost alert.
 */
public interface Coordination {
  /** Who sends. */
  enum Role {
    /** Sends everything (it leads, or it is alone, or nobody is known to lead). */
    SENDER,
    /** Another replica leads: announces nothing; alerts only for its own trouble. */
    FOLLOWER
  }

  /**
   * What a leader announced to a sink.
   *
   * @param hash the commit
   * @param seq the announcement's number in the chain (grows by one per announcement)
   */
  record Announced(String hash, long seq) {}

  /** This replica's role now. */
  Role role();

  /** True when this replica has just become the sender after following (a new leader). */
  default boolean tookOver() {
    return false;
  }

  /** Per sink id, what the last leader recorded as announced. */
  default Map<String, Announced> announced() {
    return Map.of();
  }

  /** Records that {@code hash} was delivered to the sink as an announcement. */
  default void recordAnnounced(String sinkId, String hash) {}

  /** Records a successful sync pass (the leader's is what followers compare with). */
  default void recordSuccess(Instant when) {}

  /** When the leader last synced successfully, as recorded for the followers. */
  default Optional<Instant> leaderLastSuccess() {
    return Optional.empty();
  }

  /** No other replicas: send everything. */
  Coordination ALONE = () -> Role.SENDER;
}
