package dev.gitsync.notify.provider;

import dev.gitsync.notify.event.NotifyEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the incident kinds (PagerDuty, Opsgenie, Alertmanager) share: which trouble an event is
 * about, and the stable key that opens and closes it. Syncing (a failure, a refusal, giving up) is
 * one trouble per repo and ref, closed by {@code sync.recovered}; each hook is one more, closed by
 * {@code hook.recovered}. The key is the same in every replica and across restarts, so a repeated
 * trigger updates the open incident and the resolve closes it.
 */
final class Incident {
  private Incident() {}

  /** "sync", or "hook:NAME". */
  static String trouble(NotifyEvent e) {
    return e.trouble();
  }

  /** {@code git-sync-} and 24 hex digits of SHA-256 over repo, ref and trouble. */
  static String key(NotifyEvent e) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (e.repo() + "\n" + e.ref() + "\n" + trouble(e)).getBytes(StandardCharsets.UTF_8));
      return "git-sync-" + HexFormat.of().formatHex(d, 0, 12);
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** PagerDuty's severities: giving up and refusals are critical, a hook a warning. */
  static String severity(NotifyEvent e) {
    switch (e.type()) {
      case GIVING_UP:
      case VERIFICATION_FAILED:
        return "critical";
      case HOOK_FAILED:
        return "warning";
      case TEST:
        return "info";
      default:
        return "error";
    }
  }

  /** One line: the message's title. */
  static String summary(NotifyEvent e, int max) {
    return Text.cut(new Message(e).title(), max);
  }

  /** The details: the error (or the refusal) and where. */
  static String details(NotifyEvent e, int max) {
    StringBuilder b = new StringBuilder();
    b.append("repo: ").append(e.repo()).append("\nref: ").append(e.ref());
    if (!e.hash().isEmpty()) {
      b.append("\ncommit: ").append(e.hash());
    }
    b.append("\npod: ").append(e.namespace().isEmpty() ? e.pod() : e.namespace() + "/" + e.pod());
    if (!e.signer().isEmpty()) {
      b.append("\nsigner: ").append(e.signer());
    }
    if (!e.error().isEmpty()) {
      b.append("\n\n").append(e.error());
    }
    return Text.cut(b.toString(), max);
  }
}
