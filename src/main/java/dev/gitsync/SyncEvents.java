package dev.gitsync;

import dev.gitsync.git.Git;
import dev.gitsync.git.GitException;
import dev.gitsync.hooks.HookContext;
import dev.gitsync.hooks.HookRunner;
import dev.gitsync.http.Health;
import dev.gitsync.kube.KubeEvents;
import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import dev.gitsync.metrics.Metrics;
import dev.gitsync.notify.Notifier;
import dev.gitsync.notify.event.Changes;
import dev.gitsync.notify.event.Commit;
import dev.gitsync.sync.SyncListener;
import dev.gitsync.sync.SyncPass;
import dev.gitsync.sync.VerificationRefused;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Connects the sync loop to what watches it: metrics (upstream's status rules: {@code success} for
 * a pass that published something or the first pass, else {@code noop}), readiness, the
 * after-publish hooks (which fire on the same passes as upstream v4.7.1), and notifications.
 */
final class SyncEvents implements SyncListener {
  private static final int MAX_COMMITS = 10;
  private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(30);

  private final Metrics metrics;
  private final Health health;
  private final List<HookRunner> hooks;
  private final Optional<Notifier> notifier;
  private final Git git;
  private final Path root;
  private final Log log;
  private final Clock clock;
  private final String ref;
  private final String repo;
  private final String link;
  private String currentHash = "";

  SyncEvents(
      Metrics metrics,
      Health health,
      List<HookRunner> hooks,
      Optional<Notifier> notifier,
      Git git,
      Path root,
      Log log,
      Clock clock,
      String ref,
      String repo,
      String link) {
    this.metrics = metrics;
    this.health = health;
    this.hooks = List.copyOf(hooks);
    this.notifier = notifier;
    this.git = git;
    this.root = root;
    this.log = log;
    this.clock = clock;
    this.ref = ref;
    this.repo = Redactor.redactUrls(repo);
    this.link = link;
  }

  private Optional<KubeEvents> kube = Optional.empty();
  private boolean failing;

  /** Records Kubernetes Events on the pod too ({@code --kube-events}). */
  SyncEvents kube(Optional<KubeEvents> k) {
    this.kube = k;
    return this;
  }

  /** The hash currently published ("" before the first sync). */
  String currentHash() {
    return currentHash;
  }

  @Override
  public void synced(SyncPass.Outcome o, Duration took) {
    boolean announce = o.changed() || o.first();
    metrics.syncPass(announce ? Metrics.Status.SUCCESS : Metrics.Status.NOOP, took);
    if (announce) {
      metrics.fetched();
    }
    String hash = o.hash().hex();
    currentHash = hash;
    if (failing) {
      failing = false;
      kube.ifPresent(
          k -> {
            k.normal("SyncRecovered", "synced " + hash + " again after failing");
            k.clear("SyncFailed");
            k.clear("VerificationFailed");
          });
    }
    metrics.published(hash, clock.instant());
    health.synced();
    String previous =
        o.previous().filter(p -> !p.equals(o.hash())).map(Object::toString).orElse("");
    if (announce) {
      HookContext c =
          new HookContext(hash, previous, ref, repo, link, o.worktree().path(), clock.instant());
      hooks.forEach(h -> h.send(c));
    }
    if (notifier.isPresent()) {
      // The changes are described here, on the sync thread but outside the notifier's lock, and
      // only when a commit is to be announced (a poll that found nothing new runs no git).
      Notifier n = notifier.get();
      Optional<String> base = n.announcementBase(hash, previous);
      Changes c = base.map(b -> changes(b, hash)).orElse(Changes.NONE);
      n.synced(hash, base.orElse(previous), c);
    }
  }

  /**
   * The commits and diff summary between two commits; empty when git cannot tell. When {@code from}
   * is not in the clone (a successor continuing another replica's chain in a shallow clone), the
   * new commit is listed alone and the rest is said to be unknown, as for a shallow sync.
   */
  private Changes changes(String from, String to) {
    try {
      Git g = git.within(DESCRIBE_TIMEOUT);
      if (!from.isEmpty() && !g.hasCommit(root, from)) {
        List<Commit> head = new ArrayList<>();
        for (String[] l : g.log(root, "", to, 1)) {
          head.add(new Commit(l[0], l[1], l[2]));
        }
        log.info(1, "the last announced commit is not in this clone; listing the new one alone");
        return new Changes(head, 0, "", true);
      }
      List<String[]> lines = g.log(root, from, to, MAX_COMMITS + 1);
      List<Commit> commits = new ArrayList<>();
      for (String[] l : lines.subList(0, Math.min(lines.size(), MAX_COMMITS))) {
        commits.add(new Commit(l[0], l[1], l[2]));
      }
      int more = 0;
      if (lines.size() > MAX_COMMITS && !from.isEmpty()) {
        more = g.revListCount(root, from, to) - MAX_COMMITS;
      }
      String diff = from.isEmpty() ? "" : g.diffShortstat(root, from, to).trim();
      boolean partial = false;
      if (!from.isEmpty()
          && !commits.isEmpty()
          && more == 0
          && java.nio.file.Files.exists(root.resolve(".git/shallow"))) {
        String oldest = commits.get(commits.size() - 1).hash();
        try {
          partial = !g.parentOf(root, oldest).equals(from);
        } catch (GitException parentNotFetched) {
          partial = true;
        }
      }
      return new Changes(commits, Math.max(0, more), diff, partial);
    } catch (GitException | RuntimeException e) {
      log.info(
          1,
          "can't describe the changes for the notification",
          "error",
          String.valueOf(e.getMessage()));
      return Changes.NONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Changes.NONE;
    }
  }

  @Override
  public void nextSync(Duration wait) {
    metrics.nextSync(wait);
  }

  @Override
  public void refused(VerificationRefused.Refusal r, Duration took, int failCount) {
    metrics.syncPass(Metrics.Status.ERROR, took);
    failing = true;
    kube.ifPresent(k -> k.warning("VerificationFailed", r.describe()));
    if (notifier.isEmpty()) {
      return;
    }
    List<Commit> claimed = new ArrayList<>();
    try {
      for (String[] l : git.within(DESCRIBE_TIMEOUT).log(root, "", r.commit(), 1)) {
        claimed.add(new Commit(l[0], l[1], l[2]));
      }
    } catch (GitException | RuntimeException e) {
      log.info(1, "can't describe the refused commit", "error", String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    notifier
        .get()
        .refused(
            r.commit(),
            r.describe(),
            r.signer(),
            new Changes(claimed, 0, "", false),
            failCount,
            currentHash);
  }

  @Override
  public void failed(Duration took, String error, int failCount) {
    metrics.syncPass(Metrics.Status.ERROR, took);
    failing = true;
    kube.ifPresent(k -> k.warning("SyncFailed", error));
    notifier.ifPresent(n -> n.failed(error, failCount, currentHash));
  }
}
