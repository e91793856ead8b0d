package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.Commit;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Teams: an Adaptive Card 1.4 in a message envelope, for Workflows (Power Automate) and
 * the legacy Office 365 connectors alike, kept under the 28 KB limit.
 *
 * <p>Design: Adaptive Cards render a small Markdown subset in {@code TextBlock}s, where a single
 * newline is only a soft break and backticks and backslash escapes show literally. So every piece
 * of text is a {@code TextRun} in a {@code RichTextBlock} (which renders no Markdown at all), one
 * block per line: one per commit (hash in monospace, subject, author subdued), one per line of an
 * error; links are buttons. Workflows accept asynchronously (202). Legacy connectors ({@code
 * *.webhook.office.com}) answer 200 even when delivery failed, with a text such as "Webhook message
 * delivery failed with error: … HTTP error 429": only the body {@code 1} means delivered, and the
 * status in that text is judged as if it were the answer's.
 */
final class Teams implements Provider {
  static final int MAX_BYTES = 27 * 1024;
  private static final int MAX_ERROR_LINES = 30;
  private static final Pattern LEGACY_STATUS = Pattern.compile("HTTP error (\\d{3})");

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
    int commits = e.commits().size();
    int errorMax = Message.MAX_ERROR;
    byte[] payload;
    do {
      payload = Providers.json(envelope(card(e, sink, d, commits, errorMax)));
      if (commits > 0) {
        commits--;
      } else {
        errorMax /= 2;
      }
    } while (payload.length > MAX_BYTES && errorMax > 50);
    return Providers.post(
        sink.uri(), sink, payload, Providers.headers("Content-Type", "application/json"));
  }

  private static Map<String, Object> run(String text, Object... style) {
    Map<String, Object> r = map("type", "TextRun", "text", text);
    r.putAll(map(style));
    return r;
  }

  private static Map<String, Object> line(Object... runs) {
    return map("type", "RichTextBlock", "spacing", "None", "inlines", List.of(runs));
  }

  private static Map<String, Object> card(
      NotifyEvent e, Sink sink, DeliveryInfo d, int commits, int errorMax) {
    Message msg = new Message(e);
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
            "RichTextBlock",
            "inlines",
            List.of(
                run(
                    Text.cut(msg.title(), 300),
                    "size",
                    "Large",
                    "weight",
                    "Bolder",
                    "color",
                    color))));
    Optional<String> user = Providers.userText(msg, sink, Markup.PLAIN, 20_000, d.warn());
    if (user.isPresent()) {
      for (String l : user.get().split("\n")) {
        body.add(line(run(l)));
      }
    } else {
      body.addAll(content(e, msg, commits, errorMax));
    }
    List<Object> facts = new ArrayList<>();
    for (Message.Fact f : msg.facts()) {
      facts.add(map("title", f.name(), "value", f.value()));
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
    return content;
  }

  private static List<Object> content(NotifyEvent e, Message msg, int commits, int errorMax) {
    List<Object> out = new ArrayList<>();
    if (e.type() == EventType.SYNC_SUCCEEDED || e.type() == EventType.VERIFICATION_FAILED) {
      List<Commit> shown = e.commits().subList(0, Math.min(commits, e.commits().size()));
      for (Commit c : shown) {
        out.add(
            line(
                run(c.shortHash(), "fontType", "Monospace"),
                run("  " + Text.cut(c.subject(), Message.MAX_SUBJECT)),
                run("  — " + Text.cut(c.author(), Message.MAX_AUTHOR), "isSubtle", true)));
      }
      int more = e.moreCommits() + e.commits().size() - shown.size();
      if (e.moreCommits() < 0) {
        out.add(line(run("… older commits not fetched (shallow clone, see --depth)")));
      } else if (more > 0) {
        out.add(line(run("… and " + more + " more")));
      }
      if (!e.diffSummary().isEmpty()) {
        out.add(line(run(Text.cut(e.diffSummary(), 200), "isSubtle", true)));
      }
    }
    if (e.type() == EventType.SYNC_RECOVERED && !e.hash().isEmpty()) {
      out.add(line(run("Now at "), run(e.shortHash(), "fontType", "Monospace"), run(".")));
    }
    if (!e.error().isEmpty()) {
      String[] lines = Text.cut(e.error(), errorMax).split("\n");
      for (int i = 0; i < Math.min(lines.length, MAX_ERROR_LINES); i++) {
        out.add(line(run(lines[i].isEmpty() ? " " : lines[i], "fontType", "Monospace")));
      }
      if (lines.length > MAX_ERROR_LINES) {
        out.add(
            line(run("… " + (lines.length - MAX_ERROR_LINES) + " more lines", "isSubtle", true)));
      }
    }
    if (e.type() == EventType.GIVING_UP) {
      out.add(line(run("The process exits now; Kubernetes will restart it.")));
    }
    if (e.type() == EventType.VERIFICATION_FAILED) {
      out.add(
          line(
              run(
                  "Signer: "
                      + (e.signer().isEmpty() ? "none (unsigned)" : Text.cut(e.signer(), 200))
                      + ". The published tree stays where it was.")));
    }
    return out;
  }

  private static Map<String, Object> envelope(Map<String, Object> card) {
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
                card)));
  }

  static boolean legacy(Sink sink) {
    String host = sink.uri().getHost();
    return host != null && host.toLowerCase(Locale.ROOT).endsWith(".webhook.office.com");
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    if (r.status() == 404 || r.status() == 401 || r.status() == 403) {
      return Verdict.disable("HTTP " + r.status() + ": the webhook or its signature is not valid");
    }
    Optional<Verdict> v = Verdict.byStatus(r);
    if (v.isPresent()) {
      return v.get();
    }
    String body = r.body().strip();
    if (body.equals("1") || body.isEmpty() && !legacy(sink)) {
      return Verdict.delivered();
    }
    Matcher m = LEGACY_STATUS.matcher(body);
    if (m.find()) {
      InboundResponse inner = new InboundResponse(Integer.parseInt(m.group(1)), body, r.headers());
      Optional<Verdict> iv = Verdict.byStatus(inner);
      if (iv.isPresent()) {
        return iv.get();
      }
    }
    if (legacy(sink) || body.contains("delivery failed") || body.contains("is required")) {
      return Verdict.drop("the connector answered 200 without delivering: " + Text.cut(body, 200));
    }
    return Verdict.delivered();
  }
}
