package dev.gitsync.notify;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.log.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chat services' renderers and judges. Each renders natively and stays within the service's
 * documented limits (truncating rather than being rejected), and confirms success the way the
 * service reports it.
 */
final class Providers {
  private Providers() {}

  static Provider forKind(SinkKind kind) {
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
      default:
        return new GenericWebhook();
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

  /** The message text: the user's template when the sink has one, else title and body. */
  static String text(Message msg, Sink sink, Markup m, int max) {
    String t =
        sink.template().isPresent()
            ? sink.template().get().render(msg.templateValues(), m::esc)
            : m.bold(m.esc(msg.title())) + "\n" + msg.body(m);
    return Message.truncate(t.strip(), max);
  }

  static OutboundRequest post(URI uri, Sink sink, byte[] body, List<Map.Entry<String, String>> h) {
    List<Map.Entry<String, String>> all = new ArrayList<>(h);
    all.add(0, new AbstractMap.SimpleEntry<>("User-Agent", "git-sync/" + version()));
    return new OutboundRequest("POST", uri, all, body, sink.timeout());
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

  /** Slack incoming webhook: Block Kit with a text fallback; success is 200 with body "ok". */
  static final class SlackWebhook implements Provider {
    @Override
    public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
      return post(
          sink.uri(),
          sink,
          json(slackPayload(e, sink)),
          headers("Content-Type", "application/json"));
    }

    static Map<String, Object> slackPayload(NotifyEvent e, Sink sink) {
      Message msg = new Message(e);
      Markup m = Markup.SLACK;
      String fallback = Message.truncate(msg.title(), 3000);
      List<Object> blocks = new ArrayList<>();
      if (sink.template().isPresent()) {
        blocks.add(section(text(msg, sink, m, 3000)));
      } else {
        blocks.add(
            map(
                "type",
                "header",
                "text",
                map(
                    "type",
                    "plain_text",
                    "text",
                    Message.truncate(msg.title(), 150),
                    "emoji",
                    true)));
        String body = msg.body(m);
        if (!body.isEmpty()) {
          blocks.add(section(Message.truncate(body, 3000)));
        }
        blocks.add(
            map(
                "type",
                "context",
                "elements",
                List.of(map("type", "mrkdwn", "text", Message.truncate(msg.context(m), 3000)))));
      }
      return map("text", fallback, "blocks", blocks);
    }

    private static Map<String, Object> section(String mrkdwn) {
      return map("type", "section", "text", map("type", "mrkdwn", "text", mrkdwn));
    }

    @Override
    public Verdict judge(InboundResponse r, Sink sink) {
      Optional<Verdict> v = Verdict.byStatus(r);
      if (v.isPresent()) {
        return v.get();
      }
      return r.body().strip().equals("ok")
          ? Verdict.delivered()
          : Verdict.drop("unexpected answer: " + Message.truncate(r.body().strip(), 100));
    }
  }

  /**
   * Slack Web API chat.postMessage with a bot token read from a file on every send (so a rotated
   * Secret is picked up). Messages about one repo and ref form a thread: the first message's {@code
   * ts} is kept and later ones reply to it. Slack answers 200 even for errors, with {@code
   * ok:false}.
   */
  static final class SlackBot implements Provider {
    @Override
    public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
      String token =
          BoundedFiles.readString(sink.tokenFile().orElseThrow(), BoundedFiles.SMALL).strip();
      Map<String, Object> p = SlackWebhook.slackPayload(e, sink);
      p.put("channel", sink.channel());
      p.put("unfurl_links", false);
      if (!d.threadId().isEmpty()) {
        p.put("thread_ts", d.threadId());
      }
      return post(
          sink.uri(),
          sink,
          json(p),
          headers(
              "Content-Type",
              "application/json; charset=utf-8",
              "Authorization",
              "Bearer " + token));
    }

    @Override
    public Verdict judge(InboundResponse r, Sink sink) {
      Optional<Verdict> v = Verdict.byStatus(r);
      if (v.isPresent()) {
        return v.get();
      }
      Map<String, Object> m = JsonParser.objectOrEmpty(r.body());
      if (Boolean.TRUE.equals(m.get("ok"))) {
        return new Verdict(
            Verdict.Outcome.DELIVERED,
            Optional.empty(),
            "",
            String.valueOf(m.getOrDefault("ts", "")));
      }
      String error = String.valueOf(m.getOrDefault("error", "unexpected answer"));
      switch (error) {
        case "ratelimited":
        case "internal_error":
        case "service_unavailable":
        case "fatal_error":
        case "request_timeout":
          return Verdict.retry("Slack API error " + error, Verdict.retryAfter(r));
        case "is_archived":
        case "channel_not_found":
        case "account_inactive":
        case "token_revoked":
          return new Verdict(
              Verdict.Outcome.DISABLE, Optional.empty(), "Slack API error " + error, "");
        default:
          return Verdict.drop("Slack API error " + error);
      }
    }
  }

  /** Mattermost and Rocket.Chat: Slack-compatible attachments with Markdown. */
  static final class SlackCompatible implements Provider {
    @Override
    public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
      Message msg = new Message(e);
      Markup m = Markup.MARKDOWN;
      List<Object> fields = new ArrayList<>();
      for (Message.Fact f : msg.facts()) {
        fields.add(map("title", f.name(), "value", m.esc(f.value()), "short", true));
      }
      String body =
          sink.template().isPresent()
              ? text(msg, sink, m, 4000)
              : Message.truncate(msg.body(m), 4000);
      Map<String, Object> attachment =
          map(
              "fallback",
              msg.title(),
              "color",
              color(msg.severity()),
              "title",
              Message.truncate(msg.title(), 250),
              "text",
              body,
              "fields",
              fields);
      return post(
          sink.uri(),
          sink,
          json(
              map("text", Message.truncate(msg.title(), 4000), "attachments", List.of(attachment))),
          headers("Content-Type", "application/json"));
    }

    @Override
    public Verdict judge(InboundResponse r, Sink sink) {
      return Verdict.byStatus(r).orElse(Verdict.delivered());
    }
  }

  /**
   * Microsoft Teams Workflows: an Adaptive Card 1.4 in a message envelope, kept under the 28 KB
   * limit. Teams accepts asynchronously (202).
   */
  static final class Teams implements Provider {
    private static final int MAX_BYTES = 27 * 1024;

    @Override
    public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
      int bodyMax = 20_000;
      byte[] payload;
      do {
        payload = json(card(e, sink, bodyMax));
        bodyMax /= 2;
      } while (payload.length > MAX_BYTES && bodyMax > 100);
      return post(sink.uri(), sink, payload, headers("Content-Type", "application/json"));
    }

    private static Map<String, Object> card(NotifyEvent e, Sink sink, int bodyMax) {
      Message msg = new Message(e);
      Markup m = Markup.MARKDOWN;
      List<Object> body = new ArrayList<>();
      String color =
          msg.severity() == Message.Severity.BAD
              ? "Attention"
              : msg.severity() == Message.Severity.GOOD
                  ? "Good"
                  : msg.severity() == Message.Severity.WARN ? "Warning" : "Default";
      body.add(
          map(
              "type",
              "TextBlock",
              "text",
              Message.truncate(msg.title(), 500),
              "size",
              "Large",
              "weight",
              "Bolder",
              "wrap",
              true,
              "color",
              color));
      String text =
          sink.template().isPresent()
              ? text(msg, sink, m, bodyMax)
              : Message.truncate(msg.body(m), bodyMax);
      if (!text.isEmpty()) {
        body.add(map("type", "TextBlock", "text", text, "wrap", true));
      }
      List<Object> facts = new ArrayList<>();
      for (Message.Fact f : msg.facts()) {
        facts.add(map("title", f.name(), "value", Message.truncate(f.value(), 500)));
      }
      body.add(map("type", "FactSet", "facts", facts));
      List<Object> actions = new ArrayList<>();
      if (!e.compareUrl().isEmpty()) {
        actions.add(map("type", "Action.OpenUrl", "title", "Compare", "url", e.compareUrl()));
      }
      if (!e.commitUrl().isEmpty()) {
        actions.add(map("type", "Action.OpenUrl", "title", "Commit", "url", e.commitUrl()));
      }
      Map<String, Object> content =
          map(
              "$schema",
              "http://adaptivecards.io/schemas/adaptive-card.json",
              "type",
              "AdaptiveCard",
              "version",
              "1.4",
              "msteams",
              map("width", "Full"),
              "body",
              body);
      if (!actions.isEmpty()) {
        content.put("actions", actions);
      }
      return map(
          "type",
          "message",
          "attachments",
          List.of(
              map(
                  "contentType",
                  "application/vnd.microsoft.card.adaptive",
                  "contentUrl",
                  null,
                  "content",
                  content)));
    }

    @Override
    public Verdict judge(InboundResponse r, Sink sink) {
      return Verdict.byStatus(r).orElse(Verdict.delivered());
    }
  }

  /**
   * Discord: content plus an embed, mentions disabled, within Discord's limits; sent with {@code
   * ?wait=true} so that errors are reported; 429 answers carry {@code retry_after} in the body.
   */
  static final class Discord implements Provider {
    @Override
    public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
      Message msg = new Message(e);
      Markup m = Markup.MARKDOWN;
      List<Object> fields = new ArrayList<>();
      for (Message.Fact f : msg.facts()) {
        fields.add(
            map(
                "name",
                f.name(),
                "value",
                Message.truncate(m.esc(f.value()), 1024),
                "inline",
                true));
      }
      String desc =
          sink.template().isPresent()
              ? text(msg, sink, m, 4000)
              : Message.truncate(msg.body(m), 4000);
      Map<String, Object> embed =
          map(
              "title",
              Message.truncate(msg.title(), 256),
              "color",
              discordColor(msg.severity()),
              "fields",
              fields,
              "timestamp",
              e.time().toString());
      if (!desc.isEmpty()) {
        embed.put("description", desc);
      }
      String url = !e.compareUrl().isEmpty() ? e.compareUrl() : e.commitUrl();
      if (!url.isEmpty()) {
        embed.put("url", url);
      }
      Map<String, Object> p =
          map(
              "content",
              Message.truncate(m.esc(msg.title()), 2000),
              "embeds",
              List.of(embed),
              "allowed_mentions",
              map("parse", List.of()));
      URI u =
          sink.uri().getRawQuery() != null && sink.uri().getRawQuery().contains("wait=")
              ? sink.uri()
              : withQuery(sink.uri(), "wait=true");
      return post(u, sink, json(p), headers("Content-Type", "application/json"));
    }

    @Override
    public Verdict judge(InboundResponse r, Sink sink) {
      if (r.status() == 429) {
        Object after = JsonParser.objectOrEmpty(r.body()).get("retry_after");
        Optional<java.time.Duration> wait =
            after instanceof Number
                ? Optional.of(
                    java.time.Duration.ofMillis((long) (((Number) after).doubleValue() * 1000)))
                : Verdict.retryAfter(r);
        return Verdict.retry("HTTP 429 (rate limited)", wait);
      }
      return Verdict.byStatus(r).orElse(Verdict.delivered());
    }
  }

  /**
   * Google Chat: text plus a cardsV2 card; messages about one repo and ref share a thread ({@code
   * threadKey} with {@code REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD}).
   */
  static final class GoogleChat implements Provider {
    @Override
    public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
      Message msg = new Message(e);
      Markup m = Markup.SLACK;
      String text =
          sink.template().isPresent()
              ? text(msg, sink, m, 4000)
              : Message.truncate(
                  m.bold(m.esc(msg.title())) + "\n" + msg.body(m) + "\n" + msg.context(m), 4000);
      String threadKey = "git-sync-" + Integer.toHexString((e.repo() + "#" + e.ref()).hashCode());
      List<Object> widgets = new ArrayList<>();
      for (Message.Fact f : msg.facts()) {
        widgets.add(
            map(
                "decoratedText",
                map("topLabel", f.name(), "text", Message.truncate(htmlEscape(f.value()), 1000))));
      }
      if (!e.compareUrl().isEmpty() || !e.commitUrl().isEmpty()) {
        String url = e.compareUrl().isEmpty() ? e.commitUrl() : e.compareUrl();
        widgets.add(
            map(
                "buttonList",
                map(
                    "buttons",
                    List.of(
                        map(
                            "text",
                            e.compareUrl().isEmpty() ? "Commit" : "Compare",
                            "onClick",
                            map("openLink", map("url", url)))))));
      }
      Map<String, Object> card =
          map(
              "cardId",
              "git-sync-" + e.type().shortName(),
              "card",
              map(
                  "header",
                      map(
                          "title",
                          Message.truncate(msg.title(), 200),
                          "subtitle",
                          Message.truncate(e.repoName() + " " + e.ref(), 200)),
                  "sections", List.of(map("widgets", widgets))));
      Map<String, Object> p =
          map("text", text, "cardsV2", List.of(card), "thread", map("threadKey", threadKey));
      URI u = withQuery(sink.uri(), "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
      return post(u, sink, json(p), headers("Content-Type", "application/json; charset=UTF-8"));
    }

    @Override
    public Verdict judge(InboundResponse r, Sink sink) {
      return Verdict.byStatus(r).orElse(Verdict.delivered());
    }
  }

  static String htmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
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

  static int discordColor(Message.Severity s) {
    return Integer.parseInt(color(s).substring(1), 16);
  }
}
