package dev.gitsync.notify.sink;

import java.time.Duration;
import java.util.Locale;

/** The services a sink can be, with each one's default pacing. */
public enum SinkKind {
  /** Slack incoming webhook. */
  SLACK(Duration.ofSeconds(1)),
  /** Slack Web API {@code chat.postMessage} with a bot token (threads per repo and ref). */
  SLACKBOT(Duration.ofSeconds(1)),
  /** Microsoft Teams Workflows webhook (Adaptive Card). */
  TEAMS(Duration.ofSeconds(1)),
  /** Discord webhook. */
  DISCORD(Duration.ofMillis(500)),
  /** Google Chat space webhook. */
  GCHAT(Duration.ofSeconds(1)),
  /** Mattermost incoming webhook. */
  MATTERMOST(Duration.ofSeconds(1)),
  /** Rocket.Chat incoming webhook. */
  ROCKETCHAT(Duration.ofSeconds(1)),
  /** Any HTTP endpoint: the JSON event, optionally signed, optionally as a CloudEvent. */
  GENERIC(Duration.ZERO);

  private final Duration minInterval;

  SinkKind(Duration minInterval) {
    this.minInterval = minInterval;
  }

  /** The default minimum time between two messages to one sink of this kind. */
  public Duration defaultMinInterval() {
    return minInterval;
  }

  /** The lower-case name used in URLs, logs and metrics. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Finds a kind by its prefix name ({@code slack}, {@code msteams} too), or null. */
  public static SinkKind byPrefix(String p) {
    switch (p.toLowerCase(Locale.ROOT)) {
      case "msteams":
      case "teams-workflows":
        return TEAMS;
      case "googlechat":
      case "google-chat":
        return GCHAT;
      case "rocket":
      case "rocket.chat":
        return ROCKETCHAT;
      case "json":
      case "webhook":
        return GENERIC;
      default:
        for (SinkKind k : values()) {
          if (k.label().equals(p.toLowerCase(Locale.ROOT))) {
            return k;
          }
        }
        return null;
    }
  }
}
