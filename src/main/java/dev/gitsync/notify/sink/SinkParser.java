package dev.gitsync.notify.sink;

import dev.gitsync.notify.event.EventType;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses a sink URL. The kind comes from an explicit {@code KIND+} prefix ({@code
 * slack+http://127.0.0.1:8080/services/T0/B0/X}, {@code generic+https://…}) or is detected from a
 * service's native https URL (hooks.slack.com, discord.com/api/webhooks, chat.googleapis.com, Teams
 * Workflows hosts, slack.com/api/chat.postMessage). {@code slackbot://CHANNEL} is short for Slack's
 * chat.postMessage. Our own options travel in the query and are removed before sending: {@code
 * events}, {@code template_file}, {@code timeout}, {@code min_interval}, {@code token_file}, {@code
 * channel}, {@code secret_file}, {@code signature}, {@code cloudevents}. Error messages never
 * include the URL, which is a secret.
 */
public final class SinkParser {
  private static final List<String> RESERVED =
      List.of(
          "events",
          "template_file",
          "timeout",
          "min_interval",
          "token_file",
          "routing_key_file",
          "api_key_file",
          "channel",
          "secret_file",
          "signature",
          "cloudevents");

  private SinkParser() {}

  /**
   * Parses one sink URL.
   *
   * @throws IllegalArgumentException with a message safe to log
   */
  public static Sink parse(String raw) {
    String text = raw.trim();
    SinkKind kind = prefix(text);
    if (kind != null) {
      text = text.substring(text.indexOf('+') + 1);
    }
    URI u;
    try {
      u = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "a notification URL is not a valid URL ("
              + kind(kind)
              + "); %-escape special characters");
    }
    if (u.getScheme() == null) {
      throw new IllegalArgumentException("a notification URL has no scheme");
    }
    if (kind == null && u.getScheme().equalsIgnoreCase("slackbot")) {
      kind = SinkKind.SLACKBOT;
    }
    if (kind == null
        && u.getHost() != null
        && (u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
      kind = detect(u);
    }
    List<String> reserved = new ArrayList<>(RESERVED);
    if (kind != null) {
      kind.channelOption().ifPresent(reserved::add);
    }
    Map<String, String> options = new LinkedHashMap<>();
    List<String> forwarded = new ArrayList<>();
    if (u.getRawQuery() != null) {
      for (String kv : u.getRawQuery().split("&")) {
        int eq = kv.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
        if (reserved.contains(k)) {
          options.put(
              k, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        } else if (!kv.isEmpty()) {
          forwarded.add(kv);
        }
      }
    }
    String scheme = u.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("slackbot")) {
      kind = SinkKind.SLACKBOT;
      if (!options.containsKey("channel") && u.getHost() != null) {
        options.put("channel", u.getHost());
      }
      u = URI.create("https://slack.com/api/chat.postMessage");
      scheme = "https";
    }
    if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
      throw new IllegalArgumentException(
          "a notification URL must be http(s), optionally with a KIND+ prefix (got scheme "
              + scheme
              + ")");
    }
    String query = forwarded.isEmpty() ? null : String.join("&", forwarded);
    URI target;
    try {
      target =
          new URI(
              u.getScheme()
                  + "://"
                  + u.getRawAuthority()
                  + (u.getRawPath() == null ? "" : u.getRawPath())
                  + (query == null ? "" : "?" + query));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "a notification URL could not be rebuilt (" + kind.label() + ")");
    }
    return options(raw, kind, target, options);
  }

  /** The kind named by a {@code KIND+} prefix, or null when there is none. */
  private static SinkKind prefix(String text) {
    int plus = text.indexOf('+');
    int colon = text.indexOf("://");
    if (plus <= 0 || colon <= plus) {
      return null;
    }
    SinkKind kind = SinkKind.byPrefix(text.substring(0, plus));
    if (kind == null) {
      throw new IllegalArgumentException(
          "unknown notification kind \""
              + text.substring(0, plus)
              + "\"; known: slack, slackbot, teams, discord, gchat, mattermost, rocketchat,"
              + " dingtalk, feishu, lark, wecom, telegram, matrix, webex, github-status,"
              + " gitlab-status, gitea-status, forgejo-status, bitbucket-status,"
              + " azure-devops-status, pagerduty, opsgenie, alertmanager, generic");
    }
    return kind;
  }

  private static Set<EventType> events(Map<String, String> options, SinkKind kind) {
    if (!options.containsKey("events")) {
      return kind.defaultEvents();
    }
    Set<EventType> events = EnumSet.of(EventType.TEST);
    for (String e : options.get("events").split("[,\\s]+")) {
      EventType t = EventType.byName(e.trim());
      if (t == null) {
        throw new IllegalArgumentException(
            "unknown event \""
                + e
                + "\" in events= ("
                + kind.label()
                + "); known: succeeded, failed, recovered, hook_failed, hook_recovered,"
                + " verification_failed,"
                + " giving_up");
      }
      if (!kind.supportedEvents().contains(t)) {
        throw new IllegalArgumentException(
            "events="
                + t.shortName()
                + " does not apply to "
                + kind.label()
                + " sinks"
                + (kind.isStatus()
                    ? " (a status needs a commit of its own): succeeded, verification_failed and"
                        + " hook_failed do"
                    : " (incidents open on trouble and close on recovery; successes are not"
                        + " sent)"));
      }
      events.add(t);
    }
    return events;
  }

  /** The sink, from our options (removed from the URL) and the URL to send to. */
  private static Sink options(String raw, SinkKind kind, URI target, Map<String, String> options) {
    Set<EventType> events = events(options, kind);
    Optional<Template> template = Optional.empty();
    if (options.containsKey("template_file")) {
      template = Optional.of(Template.load(Path.of(options.get("template_file"))));
    }
    Duration timeout = duration(options, "timeout", Duration.ofSeconds(10));
    Duration minInterval = duration(options, "min_interval", kind.defaultMinInterval());
    String tokenOption =
        kind == SinkKind.PAGERDUTY
            ? "routing_key_file"
            : kind == SinkKind.OPSGENIE ? "api_key_file" : "token_file";
    Optional<Path> tokenFile = Optional.ofNullable(options.get(tokenOption)).map(Path::of);
    String channel = kind.channelOption().map(o -> options.getOrDefault(o, "")).orElse("");
    if (kind.needsToken()
        && (tokenFile.isEmpty() && kind != SinkKind.GITHUB_STATUS
            || kind.needsChannel() && channel.isEmpty())) {
      throw new IllegalArgumentException(
          "a "
              + kind.label()
              + " notification needs "
              + (kind.needsChannel() ? kind.channelOption().orElseThrow() + "= and " : "")
              + tokenOption
              + "= (a file holding the "
              + (kind == SinkKind.SLACKBOT
                  ? "xoxb- bot token"
                  : kind == SinkKind.PAGERDUTY
                      ? "integration's routing key"
                      : kind == SinkKind.OPSGENIE ? "API key" : "access token")
              + ")");
    }
    if (kind == SinkKind.ALERTMANAGER && !channel.isEmpty()) {
      try {
        if (dev.gitsync.config.GoDuration.parse(channel).compareTo(Duration.ofSeconds(1)) < 0) {
          throw new IllegalArgumentException("refresh= must be at least 1s");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "refresh= must be a duration of 1s or more, like 1m (alertmanager)");
      }
    }
    if (options.containsKey("secret_file")
        && !java.util.EnumSet.of(
                SinkKind.GENERIC, SinkKind.DINGTALK, SinkKind.FEISHU, SinkKind.LARK)
            .contains(kind)) {
      throw new IllegalArgumentException(
          "secret_file= applies to generic, dingtalk, feishu and lark sinks ("
              + kind.label()
              + ")");
    }
    String signature =
        options.getOrDefault(
            "signature",
            options.containsKey("secret_file") && kind == SinkKind.GENERIC ? "both" : "");
    if (!List.of("", "standard", "github", "both").contains(signature)) {
      throw new IllegalArgumentException("signature= must be standard, github or both");
    }
    if (!signature.isEmpty() && !options.containsKey("secret_file")) {
      throw new IllegalArgumentException("signature= needs secret_file= (the signing secret)");
    }
    String cloudEvents = options.getOrDefault("cloudevents", "");
    if (!List.of("", "binary", "structured").contains(cloudEvents)) {
      throw new IllegalArgumentException("cloudevents= must be binary or structured");
    }
    if ((!signature.isEmpty() || !cloudEvents.isEmpty()) && kind != SinkKind.GENERIC) {
      throw new IllegalArgumentException("signature= and cloudevents= apply to generic sinks only");
    }
    return new Sink(
        id(raw.trim()),
        kind,
        target,
        Set.copyOf(events),
        template,
        timeout,
        minInterval,
        tokenFile,
        channel,
        Optional.ofNullable(options.get("secret_file")).map(Path::of),
        signature,
        cloudEvents);
  }

  private static SinkKind detect(URI u) {
    String host = u.getHost().toLowerCase(Locale.ROOT);
    String path = u.getPath() == null ? "" : u.getPath();
    if (host.equals("hooks.slack.com") || host.equals("hooks.slack-gov.com")) {
      return SinkKind.SLACK;
    }
    if (host.equals("slack.com") && path.startsWith("/api/")) {
      return SinkKind.SLACKBOT;
    }
    if ((host.equals("discord.com")
            || host.equals("discordapp.com")
            || host.endsWith(".discord.com"))
        && path.startsWith("/api/webhooks/")) {
      return SinkKind.DISCORD;
    }
    if (host.equals("chat.googleapis.com")) {
      return SinkKind.GCHAT;
    }
    if (host.equals("oapi.dingtalk.com")) {
      return SinkKind.DINGTALK;
    }
    if (host.equals("open.feishu.cn")) {
      return SinkKind.FEISHU;
    }
    if (host.equals("open.larksuite.com")) {
      return SinkKind.LARK;
    }
    if (host.equals("qyapi.weixin.qq.com")) {
      return SinkKind.WECOM;
    }
    if (host.equals("api.telegram.org")) {
      return SinkKind.TELEGRAM;
    }
    if (host.equals("webexapis.com")) {
      return SinkKind.WEBEX;
    }
    if (host.equals("events.pagerduty.com") || host.equals("events.eu.pagerduty.com")) {
      return SinkKind.PAGERDUTY;
    }
    if (host.equals("api.opsgenie.com") || host.equals("api.eu.opsgenie.com")) {
      return SinkKind.OPSGENIE;
    }
    if (host.endsWith(".logic.azure.com")
        || host.endsWith(".powerplatform.com")
        || host.endsWith(".powerautomate.com")
        || host.endsWith(".webhook.office.com")) {
      return SinkKind.TEAMS;
    }
    throw new IllegalArgumentException(
        "can't tell which service a notification URL on host "
            + host
            + " is; prefix it with the"
            + " kind, e.g. mattermost+https://… or generic+https://…");
  }

  private static Duration duration(Map<String, String> o, String k, Duration def) {
    if (!o.containsKey(k)) {
      return def;
    }
    try {
      return dev.gitsync.config.GoDuration.parse(o.get(k));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(k + "= must be a duration like 10s");
    }
  }

  private static String kind(SinkKind k) {
    return k == null ? "kind not known yet" : k.label();
  }

  private static String id(String raw) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
