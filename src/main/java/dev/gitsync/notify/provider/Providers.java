package dev.gitsync.notify.provider;

import dev.gitsync.http.OutboundRequest;
import dev.gitsync.log.Json;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import dev.gitsync.notify.sink.SinkKind;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The provider for each kind of sink, and what the providers share. */
public final class Providers {
  private Providers() {}

  /** The provider of {@code kind}; every kind but the generic one refuses pages as answers. */
  public static Provider forKind(SinkKind kind) {
    Provider p = of(kind);
    return kind == SinkKind.GENERIC ? p : new PagesAreNoAnswer(p, kind.label());
  }

  private static Provider of(SinkKind kind) {
    switch (kind) {
      case SLACK:
        return new SlackWebhook();
      case SLACKBOT:
        return new SlackBot();
      case TEAMS:
        return new Teams();
      case DISCORD:
        return new Discord();
      case GCHAT:
        return new GoogleChat();
      case MATTERMOST:
      case ROCKETCHAT:
        return new SlackCompatible();
      case DINGTALK:
        return new DingTalk();
      case FEISHU:
      case LARK:
        return new Feishu();
      case WECOM:
        return new WeCom();
      case TELEGRAM:
        return new Telegram();
      case MATRIX:
        return new Matrix();
      case WEBEX:
        return new Webex();
      case GITHUB_STATUS:
        return GitHubStatus.github();
      case GITLAB_STATUS:
        return new GitLabStatus();
      case GITEA_STATUS:
        return GitHubStatus.gitea();
      case BITBUCKET_STATUS:
        return new BitbucketStatus();
      case AZURE_DEVOPS_STATUS:
        return new AzureDevOpsStatus();
      case PAGERDUTY:
        return new PagerDuty();
      case OPSGENIE:
        return new Opsgenie();
      case ALERTMANAGER:
        return new Alertmanager();
      default:
        return new GenericWebhook();
    }
  }

  /**
   * Renders a sample message for every kind (nothing is sent), so that the classes and code the
   * first real message needs are loaded before it is due.
   */
  public static void warmUp() {
    NotifyEvent e =
        new NotifyEvent(
            EventType.TEST,
            "warm-up",
            Instant.EPOCH,
            "https://example.com/org/repo",
            "main",
            "0".repeat(40),
            "",
            "",
            0,
            Duration.ZERO,
            List.of(),
            0,
            "",
            "",
            "",
            "",
            "",
            "",
            "");
    for (SinkKind k : SinkKind.values()) {
      if (k.needsToken()) {
        continue; // Its token file is read when it renders.
      }
      try {
        Sink s =
            new Sink(
                "0",
                k,
                URI.create("http://127.0.0.1/warm-up"),
                java.util.Set.of(EventType.TEST),
                Optional.empty(),
                Duration.ofSeconds(1),
                Duration.ZERO,
                Optional.empty(),
                "",
                Optional.empty(),
                "",
                "");
        forKind(k).render(e, s, new Provider.DeliveryInfo("warm-up"));
      } catch (java.io.IOException | RuntimeException ignored) {
        // Warming up is best effort.
      }
    }
  }

  static byte[] json(Object value) {
    StringBuilder sb = new StringBuilder();
    Json.append(sb, value, null);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static List<Map.Entry<String, String>> headers(String... kv) {
    List<Map.Entry<String, String>> l = new ArrayList<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      l.add(new AbstractMap.SimpleEntry<>(kv[i], kv[i + 1]));
    }
    return l;
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /**
   * The user's template rendered for this service (values escaped with {@code m}), cut to {@code
   * max} at a safe place; empty when the sink has no template or it renders only white space (a
   * service rejects an empty text every time), which is reported through {@code warn}.
   */
  static Optional<String> userText(
      Message msg, Sink sink, Markup m, int max, Consumer<String> warn) {
    if (sink.template().isEmpty()) {
      return Optional.empty();
    }
    String t = sink.template().get().render(msg.templateValues(), m::esc).strip();
    if (t.isEmpty()) {
      warn.accept(
          "template_file renders an empty text for "
              + msg.event.type().wire()
              + "; the built-in message is sent instead");
      return Optional.empty();
    }
    return Optional.of(Text.cutMarkup(t, max));
  }

  /** The message text: the user's template, else the bold title and the body. */
  static String text(Message msg, Sink sink, Markup m, int max, Consumer<String> warn) {
    return userText(msg, sink, m, max, warn)
        .orElseGet(
            () -> {
              String title = m.bold(m.esc(msg.title()));
              return title + "\n" + msg.body(m, max - title.length() - 1);
            });
  }

  static OutboundRequest post(URI uri, Sink sink, byte[] body, List<Map.Entry<String, String>> h) {
    return request("POST", uri, sink, body, h);
  }

  /** A request with git-sync's User-Agent first and the sink's timeout. */
  static OutboundRequest request(
      String method, URI uri, Sink sink, byte[] body, List<Map.Entry<String, String>> h) {
    List<Map.Entry<String, String>> all = new ArrayList<>(h);
    all.add(0, new AbstractMap.SimpleEntry<>("User-Agent", "git-sync/" + version()));
    return new OutboundRequest(method, uri, all, body, sink.timeout());
  }

  static String version() {
    String v = Providers.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static URI withQuery(URI u, String extra) {
    String q = u.getRawQuery();
    return URI.create(
        u.toString().replaceFirst("\\?.*$", "") + "?" + (q == null ? "" : q + "&") + extra);
  }

  static String color(Message.Severity s) {
    switch (s) {
      case GOOD:
        return "#2eb886";
      case BAD:
        return "#d50200";
      case WARN:
        return "#daa038";
      default:
        return "#439fe0";
    }
  }
}
