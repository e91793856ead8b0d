package dev.gitsync.hooks;

import dev.gitsync.log.Log;
import dev.gitsync.time.Time;
import java.time.Duration;
import java.time.Instant;

/**
 * The {@code --pre-publish-exechook}: a gate in front of the symlink flip.
 *
 * <p>Design: upstream sends this hook asynchronously, so the flip does not wait for it and a
 * failing validation still publishes the tree (upstream-contract §1.8). Users asked for it to
 * validate before publishing (#369, #937), so here it blocks: the link moves to the new worktree
 * only after the hook exits 0. A failure is retried after {@code --pre-publish-exechook-backoff}
 * while the pass's {@code --sync-timeout} allows (a command that cannot be started at all is not
 * retried); if it never passes, the pass fails (counted against {@code --max-failures}), the old
 * tree stays published, and the next pass tries again.
 */
public final class PrePublishGate {
  private final Hook hook;
  private final Duration backoff;
  private final Time time;
  private final HookObserver observer;
  private final Log log;

  /** A gate running {@code hook}. */
  public PrePublishGate(Hook hook, Duration backoff, Time time, HookObserver observer, Log log) {
    this.hook = hook;
    this.backoff = backoff;
    this.time = time;
    this.observer = observer;
    this.log = log;
  }

  /**
   * Runs the hook until it passes or {@code deadline} leaves no room for another attempt.
   *
   * @throws HookException with the last failure when it never passed
   */
  public void check(HookContext c, Instant deadline) throws HookException, InterruptedException {
    while (true) {
      try {
        hook.run(c);
        observer.ran(hook.name(), true, c.hash(), "");
        return;
      } catch (HookException e) {
        observer.ran(hook.name(), false, c.hash(), e.getMessage());
        log.error(e.getMessage(), "hook failed", "hash", c.hash(), "retry", backoff);
        // A command that cannot be started will not start on a retry in the same worktree.
        if (e.notStarted() || time.instant().plus(backoff).isAfter(deadline)) {
          throw new HookException(
              "--pre-publish-exechook-command failed, not publishing "
                  + c.hash()
                  + ": "
                  + e.getMessage());
        }
        time.sleep(backoff);
      }
    }
  }
}
