package dev.gitsync.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The notification settings.
 *
 * @param urls sink URLs from {@code --notify} and {@code $GITSYNC_NOTIFY} (secrets)
 * @param file {@code --notify-file}, if set
 * @param outbox the outbox directory as given (absolute, or relative to root)
 * @param failureThreshold consecutive failures before the first failure notification
 * @param repeatInterval the minimum time between failure notifications
 * @param maxAge how long an undelivered notification is retried
 * @param test send a test message to every sink and exit
 * @param leaderElection coordinate with other replicas through a Lease, when set
 * @param initialSync announce what the first sync of a fresh root publishes
 */
public record NotifySettings(
    List<Secret> urls,
    Optional<String> file,
    String outbox,
    int failureThreshold,
    Duration repeatInterval,
    Duration maxAge,
    boolean test,
    Optional<LeaderElection> leaderElection,
    boolean initialSync) {

  /** True when any sink is configured. */
  public boolean enabled() {
    return !urls.isEmpty() || file.isPresent();
  }
}
