package dev.gitsync.notify.provider;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Slack Web API {@code chat.postMessage} with a bot token read from a file on every send (so a
 * rotated Secret is picked up). Messages about one repo and ref form a thread: the first message's
 * {@code ts} is kept and later ones reply to it; alerts (failing, giving up, recovered, a failed
 * hook) are also broadcast to the channel ({@code reply_broadcast}), so people who do not follow
 * the thread see them. Slack answers 200 even for errors, with {@code ok:false} and an error code.
 */
final class SlackBot implements Provider {
  /** The token or the channel is wrong: no message can get through until it is fixed. */
  private static final Set<String> SINK_ERRORS =
      Set.of(
          "is_archived",
          "channel_not_found",
          "not_in_channel",
          "account_inactive",
          "token_revoked",
          "token_expired",
          "invalid_auth",
          "not_authed",
          "missing_scope",
          "team_access_not_granted",
          "ekm_access_denied",
          "restricted_action");

  private static final Set<String> TRANSIENT =
      Set.of(
          "ratelimited", "internal_error", "service_unavailable", "fatal_error", "request_timeout");

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
    String token =
        BoundedFiles.readString(sink.tokenFile().orElseThrow(), BoundedFiles.SMALL).strip();
    Map<String, Object> p = SlackWebhook.payload(e, sink, d.warn());
    p.put("channel", sink.channel());
    p.put("unfurl_links", false);
    if (!d.threadId().isEmpty()) {
      p.put("thread_ts", d.threadId());
      if (new Message(e).isAlert()) {
        p.put("reply_broadcast", true);
      }
    }
    return Providers.post(
        sink.uri(),
        sink,
        Providers.json(p),
        Providers.headers(
            "Content-Type", "application/json; charset=utf-8", "Authorization", "Bearer " + token));
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    Optional<Verdict> v = Verdict.byStatus(r);
    if (v.isPresent()) {
      return v.get();
    }
    Map<String, Object> m = JsonParser.objectOrEmpty(r.body());
    if (Boolean.TRUE.equals(m.get("ok"))) {
      return Verdict.delivered(String.valueOf(m.getOrDefault("ts", "")));
    }
    String error = String.valueOf(m.getOrDefault("error", "unexpected answer"));
    String why = "Slack API error " + Text.cut(error, 60);
    if (error.equals("invalid_thread_ts") || error.equals("thread_not_found")) {
      return Verdict.retryInNewThread(why + " (the thread's parent is gone)");
    }
    if (TRANSIENT.contains(error)) {
      return Verdict.retry(why, Verdict.retryAfter(r));
    }
    if (SINK_ERRORS.contains(error)) {
      return Verdict.disable(why);
    }
    return Verdict.drop(why);
  }
}
