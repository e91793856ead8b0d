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
  /** DingTalk custom robot (20 messages a minute). */
  DINGTALK(Duration.ofSeconds(3)),
  /** Feishu custom bot (100 a minute, 5 a second). */
  FEISHU(Duration.ofSeconds(1)),
  /** Lark (Feishu outside China) custom bot. */
  LARK(Duration.ofSeconds(1)),
  /** WeCom group robot (20 a minute). */
  WECOM(Duration.ofSeconds(3)),
  /** Telegram bot {@code sendMessage} (20 a minute in a group). */
  TELEGRAM(Duration.ofSeconds(3)),
  /** Matrix room message through the client-server API. */
  MATRIX(Duration.ofSeconds(1)),
  /** Webex Messages API. */
  WEBEX(Duration.ofSeconds(1)),
  /** GitHub commit statuses ({@code github-status+}). */
  GITHUB_STATUS(Duration.ofSeconds(1)),
  /** GitLab commit statuses ({@code gitlab-status+}). */
  GITLAB_STATUS(Duration.ofSeconds(1)),
  /** Gitea and Forgejo commit statuses ({@code gitea-status+}, {@code forgejo-status+}). */
  GITEA_STATUS(Duration.ofSeconds(1)),
  /** Bitbucket Cloud build statuses ({@code bitbucket-status+}). */
  BITBUCKET_STATUS(Duration.ofSeconds(1)),
  /** Azure DevOps (Azure Repos) commit statuses ({@code azure-devops-status+}). */
  AZURE_DEVOPS_STATUS(Duration.ofSeconds(1)),
  /** PagerDuty Events API v2: trigger and resolve by a stable dedup key. */
  PAGERDUTY(Duration.ofMillis(500)),
  /** Opsgenie Alert API: create, and close by alias. */
  OPSGENIE(Duration.ZERO),
  /** Prometheus Alertmanager API v2: a firing alert, re-sent while it fires, then resolved. */
  ALERTMANAGER(Duration.ZERO),
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

  /** Whether a {@code token_file} is required (it is read on every send). */
  public boolean needsToken() {
    return this == SLACKBOT
        || this == TELEGRAM
        || this == MATRIX
        || this == WEBEX
        || this == PAGERDUTY
        || this == OPSGENIE
        || isStatus();
  }

  /** Whether this kind sets commit statuses on a forge. */
  public boolean isStatus() {
    return this == GITHUB_STATUS
        || this == GITLAB_STATUS
        || this == GITEA_STATUS
        || this == BITBUCKET_STATUS
        || this == AZURE_DEVOPS_STATUS;
  }

  /** Whether the channel option ({@link #channelOption}) must be given. */
  public boolean needsChannel() {
    return channelOption().isPresent() && !isStatus() && this != ALERTMANAGER;
  }

  /**
   * The events this kind can carry (and gets by default): a commit status needs a commit of the
   * event's own, which failures before a publish do not have.
   */
  public java.util.Set<dev.gitsync.notify.event.EventType> supportedEvents() {
    if (isStatus()) {
      return java.util.EnumSet.of(
          dev.gitsync.notify.event.EventType.SYNC_SUCCEEDED,
          dev.gitsync.notify.event.EventType.VERIFICATION_FAILED,
          dev.gitsync.notify.event.EventType.HOOK_FAILED,
          dev.gitsync.notify.event.EventType.TEST);
    }
    if (isIncident()) {
      return java.util.EnumSet.of(
          dev.gitsync.notify.event.EventType.SYNC_FAILED,
          dev.gitsync.notify.event.EventType.SYNC_RECOVERED,
          dev.gitsync.notify.event.EventType.GIVING_UP,
          dev.gitsync.notify.event.EventType.VERIFICATION_FAILED,
          dev.gitsync.notify.event.EventType.HOOK_FAILED,
          dev.gitsync.notify.event.EventType.HOOK_RECOVERED,
          dev.gitsync.notify.event.EventType.TEST);
    }
    return java.util.EnumSet.allOf(dev.gitsync.notify.event.EventType.class);
  }

  /** What a sink of this kind gets without {@code events=}. */
  public java.util.Set<dev.gitsync.notify.event.EventType> defaultEvents() {
    java.util.Set<dev.gitsync.notify.event.EventType> s =
        java.util.EnumSet.copyOf(supportedEvents());
    if (!isIncident()) {
      s.remove(dev.gitsync.notify.event.EventType.HOOK_RECOVERED);
    }
    return s;
  }

  /** Whether this kind opens and closes incidents (no success messages). */
  public boolean isIncident() {
    return this == PAGERDUTY || this == OPSGENIE || this == ALERTMANAGER;
  }

  /** The query option naming the chat, room or channel, for the kinds that need one. */
  public java.util.Optional<String> channelOption() {
    switch (this) {
      case SLACKBOT:
        return java.util.Optional.of("channel");
      case TELEGRAM:
        return java.util.Optional.of("chat_id");
      case MATRIX:
        return java.util.Optional.of("room");
      case WEBEX:
        return java.util.Optional.of("room_id");
      case GITHUB_STATUS:
      case GITLAB_STATUS:
      case GITEA_STATUS:
      case BITBUCKET_STATUS:
      case AZURE_DEVOPS_STATUS:
        return java.util.Optional.of("context");
      case ALERTMANAGER:
        return java.util.Optional.of("refresh");
      default:
        return java.util.Optional.empty();
    }
  }

  /** The lower-case name used in URLs, logs and metrics ({@code github-status} for statuses). */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
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
      case "dingding":
        return DINGTALK;
      case "github-status":
        return GITHUB_STATUS;
      case "gitlab-status":
        return GITLAB_STATUS;
      case "gitea-status":
      case "forgejo-status":
        return GITEA_STATUS;
      case "bitbucket-status":
        return BITBUCKET_STATUS;
      case "azuredevops-status":
      case "azure-repos-status":
        return AZURE_DEVOPS_STATUS;
      case "wechat-work":
      case "wxwork":
        return WECOM;
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
