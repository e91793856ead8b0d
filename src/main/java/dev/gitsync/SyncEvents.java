package dev.gitsync;

import dev.gitsync.hooks.HookContext;
import dev.gitsync.hooks.HookRunner;
import dev.gitsync.http.Health;
import dev.gitsync.log.Redactor;
import dev.gitsync.metrics.Metrics;
import dev.gitsync.sync.SyncListener;
import dev.gitsync.sync.SyncPass;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Connects the sync loop to what watches it: metrics (upstream's status rules: {@code success} for
 * a pass that published something or the first pass, else {@code noop}), readiness, and the
 * after-publish hooks, which fire on the same passes as upstream v4.7.1.
 */
final class SyncEvents implements SyncListener {
  private final Metrics metrics;
  private final Health health;
  private final List<HookRunner> hooks;
  private final Clock clock;
  private final String ref;
  private final String repo;
  private final String link;

  SyncEvents(
      Metrics metrics,
      Health health,
      List<HookRunner> hooks,
      Clock clock,
      String ref,
      String repo,
      String link) {
    this.metrics = metrics;
    this.health = health;
    this.hooks = List.copyOf(hooks);
    this.clock = clock;
    this.ref = ref;
    this.repo = Redactor.redactUrls(repo);
    this.link = link;
  }

  @Override
  public void synced(SyncPass.Outcome o, Duration took) {
    boolean announce = o.changed() || o.first();
    metrics.syncPass(announce ? Metrics.Status.SUCCESS : Metrics.Status.NOOP, took);
    if (announce) {
      metrics.fetched();
    }
    metrics.published(o.hash().hex(), clock.instant());
    health.synced();
    if (announce) {
      HookContext c =
          new HookContext(
              o.hash().hex(),
              o.previous().filter(p -> !p.equals(o.hash())).map(Object::toString).orElse(""),
              ref,
              repo,
              link,
              o.worktree().path(),
              clock.instant());
      hooks.forEach(h -> h.send(c));
    }
  }

  @Override
  public void failed(Duration took) {
    metrics.syncPass(Metrics.Status.ERROR, took);
  }
}
