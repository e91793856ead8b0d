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
 * naming itself; otherwise the leader alerts for everyone.
 *
 * <p>While it is not known who leads ({@link Role#UNDECIDED}: a leader that could not renew in
 * time, or paused past its lease, before it has read the Lease again), announcements are made but
 * held before they are sent ({@link #sendRole()} is asked right before each send): sent if this
 * replica turns out to lead, dropped if another does (that one announces from the record, so
 * nothing is lost). When the API has been unusable for long enough, the elector says so and this
 * replica sends as if alone: a duplicate beats a lost alert.
 */
public interface Coordination {
  /** Who sends. */
  enum Role {
    /** Sends everything (it leads, or it is alone, or the API has long been unusable). */
    SENDER,
    /** Another replica leads: announces nothing; alerts only for its own trouble. */
    FOLLOWER,
    /** Not known yet: announcements are made but held until this becomes one of the others. */
    UNDECIDED
  }

  /**
   * What a leader announced to a sink.
   *
   * @param hash the commit
   * @param seq the announcement's number in the chain, given when it was made (later announcements
   *     have higher numbers, however late a sink delivers them)
   */
  record Announced(String hash, long seq) {}

  /** This replica's role now, for deciding what to announce (waits for the first election). */
  Role role();

  /** This replica's role now, asked right before a held announcement is sent; never waits. */
  default Role sendRole() {
    return role();
  }

  /**
   * True once each time this replica becomes the sender in a new term (it leads, again or for the
   * first time, or acts alone): the record is to be read again.
   */
  default boolean tookOver() {
    return false;
  }

  /** The chain number of an announcement being made now. */
  default long nextChain() {
    return 0;
  }

  /** Makes the next chain number higher than {@code n} (found in the outbox at start). */
  default void chainAtLeast(long n) {}

  /** Per sink id, what the last leader recorded as announced. */
  default Map<String, Announced> announced() {
    return Map.of();
  }

  /** Records that {@code hash}, number {@code seq} in the chain, was delivered to the sink. */
  default void recordAnnounced(String sinkId, String hash, long seq) {}

  /**
   * Records a successful sync pass at {@code hash} (the leader's is what followers compare with).
   */
  default void recordSuccess(Instant when, String hash) {}

  /** A replica that does not send published {@code hash}: the sender is asked to sync now. */
  default void published(String hash) {}

  /** When the leader last synced successfully, as recorded for the followers. */
  default Optional<Instant> leaderLastSuccess() {
    return Optional.empty();
  }

  /** No other replicas: send everything. */
  Coordination ALONE = () -> Role.SENDER;
}
