package dev.gitsync.notify;

import dev.gitsync.http.HttpTransport;
import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import dev.gitsync.notify.delivery.SinkStates;
import dev.gitsync.notify.event.Changes;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.provider.Provider;
import dev.gitsync.notify.provider.Providers;
import dev.gitsync.notify.provider.Verdict;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code --notify-test}: one test message to every sink, one line per result, exit 0 if all worked.
 * It also reads the running git-sync's state (read only) and says which sinks that process has
 * disabled, why, and when it will try them again, since a test that gets through does not mean the
 * running process sends.
 */
public final class NotifyTest {
  private NotifyTest() {}

  /** Runs the test; returns the exit code. */
  public static int run(
      Notifier.Settings settings,
      HttpTransport transport,
      Log log,
      Clock clock,
      PrintStream out,
      String repo,
      String ref)
      throws InterruptedException {
    Redactor redactor = log.redactor();
    List<Sink> sinks;
    try {
      sinks = Notifier.sinks(settings);
    } catch (IOException | IllegalArgumentException e) {
      out.println("FAILED  reading the sinks: " + redactor.redact(String.valueOf(e.getMessage())));
      return 1;
    }
    if (sinks.isEmpty()) {
      out.println(
          "FAILED  no notification sink is configured: --notify and $GITSYNC_NOTIFY are empty"
              + settings.file().map(f -> " and --notify-file " + f + " holds no URL").orElse(""));
      return 1;
    }
    SinkStates running = new SinkStates();
    if (Files.exists(settings.dir().resolve("state.json"))) {
      try {
        running = NotifyState.peek(settings.dir(), log).sinks();
      } catch (IOException | RuntimeException e) {
        out.println(
            "note    can't read the running git-sync's notification state: "
                + redactor.redact(String.valueOf(e.getMessage())));
      }
    }
    NotifyEvent e =
        new NotifyEvent(
            EventType.TEST,
            UUID.randomUUID().toString(),
            clock.instant(),
            repo.isEmpty() ? "(--repo not given)" : Redactor.redactUrls(repo),
            ref,
            "",
            "",
            "",
            0,
            Duration.ZERO,
            Changes.NONE.commits(),
            0,
            "",
            "",
            "",
            settings.pod(),
            settings.namespace(),
            "",
            "");
    int failed = 0;
    for (Sink s : sinks) {
      Provider p = Providers.forKind(s.kind());
      String outcome;
      try {
        Verdict v = p.judge(transport.send(p.render(e, s, new Provider.DeliveryInfo(e.id()))), s);
        outcome = v.outcome() == Verdict.Outcome.DELIVERED ? "" : v.reason();
      } catch (IOException ex) {
        outcome = redactor.redact(String.valueOf(ex.getMessage()));
      }
      String name = s.name() + " (" + s.host() + ")";
      if (outcome.isEmpty()) {
        out.println("ok      " + name);
      } else {
        failed++;
        out.println("FAILED  " + name + ": " + redactor.redact(outcome));
      }
      Optional<SinkStates.Disabled> d = running.disabled(s.id());
      if (d.isPresent()) {
        out.println(
            "        the running git-sync disabled this sink at "
                + d.get().since()
                + " ("
                + redactor.redact(d.get().reason())
                + "); it skips its messages until the URL, token or secret file, or"
                + " --notify-file changes, or until it restarts or its next probe");
      }
    }
    out.println(failed == 0 ? "all notification sinks work" : failed + " sink(s) failed");
    return failed == 0 ? 0 : 1;
  }
}
