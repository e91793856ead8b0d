package dev.gitsync.e2e;

import dev.gitsync.json.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A {@link Receiver} validator that answers as one chat service is documented to answer, errors
 * included, and checks every payload against what that service accepts and how it renders.
 *
 * <p>{@link #faults} scripts the next answers by the service's own error names (Slack's {@code
 * rollup_error}, Discord's {@code unknown_webhook}, …), answered with the documented status, body
 * and headers. {@link #rejections} collects what the real service would refuse (a Block Kit section
 * over 3,000 characters, an empty text, a Discord embed over 6,000 characters, a Teams card over 28
 * KB, …); {@link #fidelity} what it would accept but render wrongly or dangerously (a raw {@code
 * <!channel>}, {@code @here} in Mattermost, {@code &amp;} in Google Chat, backticks in an Adaptive
 * Card TextBlock). A test that sends through a fake asserts both are empty.
 */
final class ServiceFake implements Function<Receiver.Request, Receiver.Answer> {
  /** The services. */
  enum Kind {
    SLACK_WEBHOOK,
    SLACK_API,
    TEAMS_WORKFLOWS,
    TEAMS_LEGACY,
    DISCORD,
    GCHAT,
    MATTERMOST,
    GENERIC
  }

  final Kind kind;
  final ConcurrentLinkedDeque<String> faults = new ConcurrentLinkedDeque<>();
  final List<String> rejections = new CopyOnWriteArrayList<>();
  final List<String> fidelity = new CopyOnWriteArrayList<>();
  final List<Map<String, Object>> accepted = new CopyOnWriteArrayList<>();
  final List<String> answers = new CopyOnWriteArrayList<>();

  /** Slack API: the token that works, revoked tokens, channels, posted messages (ts → channel). */
  volatile String token = "xoxb-good";

  final Set<String> revoked = ConcurrentHashMap.newKeySet();
  final Set<String> archived = ConcurrentHashMap.newKeySet();
  final Set<String> channels = new java.util.concurrent.CopyOnWriteArraySet<>(List.of("C0123"));
  final Map<String, String> messages = new ConcurrentHashMap<>();
  private final AtomicInteger ts = new AtomicInteger(1000);

  /** Generic: the signing secret; ids seen (replays are answered 200 and not counted). */
  volatile String secret = "";

  final Set<String> seenIds = ConcurrentHashMap.newKeySet();
  final AtomicInteger replays = new AtomicInteger();

  ServiceFake(Kind kind) {
    this.kind = kind;
  }

  @Override
  public Receiver.Answer apply(Receiver.Request r) {
    String fault = faults.poll();
    Receiver.Answer a = fault != null ? fault(fault, r) : normal(r);
    answers.add(a.status() + (fault == null ? "" : " " + fault));
    return a;
  }

  // --- the documented errors ------------------------------------------------------------------

  private Receiver.Answer fault(String name, Receiver.Request r) {
    switch (kind) {
      case SLACK_WEBHOOK:
        switch (name) {
          case "invalid_payload":
            return new Receiver.Answer(400, "invalid_payload");
          case "action_prohibited":
            return new Receiver.Answer(403, "action_prohibited");
          case "no_service":
          case "channel_not_found":
            return new Receiver.Answer(404, name);
          case "channel_is_archived":
            return new Receiver.Answer(410, "channel_is_archived");
          case "rate_limited":
            return new Receiver.Answer(429, "rate_limited", Map.of("Retry-After", "1"));
          default:
            return new Receiver.Answer(500, "rollup_error");
        }
      case SLACK_API:
        if (name.equals("ratelimited")) {
          return new Receiver.Answer(
              429, "{\"ok\":false,\"error\":\"ratelimited\"}", Map.of("Retry-After", "1"));
        }
        return new Receiver.Answer(200, "{\"ok\":false,\"error\":\"" + name + "\"}");
      case TEAMS_WORKFLOWS:
        switch (name) {
          case "rate_limited":
            return new Receiver.Answer(
                429,
                "{\"error\":{\"code\":\"WorkflowTriggerIsThrottled\",\"message\":\"Rate limit\"}}",
                Map.of("Retry-After", "1"));
          case "not_found":
            return new Receiver.Answer(
                404, "{\"error\":{\"code\":\"WorkflowNotFound\",\"message\":\"gone\"}}");
          default:
            return new Receiver.Answer(
                400, "{\"error\":{\"code\":\"InvalidRequestContent\",\"message\":\"bad\"}}");
        }
      case TEAMS_LEGACY:
        String status =
            name.equals("rate_limited") ? "429" : name.equals("too_large") ? "413" : "400";
        return new Receiver.Answer(
            200,
            "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP"
                + " error "
                + status
                + " with ContextId tcid=0,server=msgapi-production-eus-azsc1-4-170,cv=deadbeef");
      case DISCORD:
        switch (name) {
          case "unknown_webhook":
            return new Receiver.Answer(404, "{\"message\": \"Unknown Webhook\", \"code\": 10015}");
          case "rate_limited":
            // Discord puts the wait in the body (seconds, fractional), not only in a header.
            return new Receiver.Answer(
                429,
                "{\"message\": \"You are being rate limited.\", \"retry_after\": 0.4,"
                    + " \"global\": false}");
          default:
            return new Receiver.Answer(
                400, "{\"code\": 50035, \"errors\": {}, \"message\": \"Invalid Form Body\"}");
        }
      case GCHAT:
        switch (name) {
          case "RESOURCE_EXHAUSTED":
            return gchatError(429, name, "Resource has been exhausted (e.g. check quota).");
          case "NOT_FOUND":
            return gchatError(404, name, "Requested entity was not found.");
          default:
            return gchatError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        }
      case MATTERMOST:
        if (name.equals("disabled")) {
          return new Receiver.Answer(
              501,
              "{\"id\":\"web.incoming_webhook.disabled.app_error\",\"message\":\"Incoming"
                  + " webhooks have been disabled by the system admin.\",\"status_code\":501}");
        }
        return new Receiver.Answer(
            400,
            "{\"id\":\"web.incoming_webhook.text.app_error\",\"message\":\"No text"
                + " specified.\",\"status_code\":400}");
      default:
        return new Receiver.Answer(Integer.parseInt(name), "fault " + name);
    }
  }

  private static Receiver.Answer gchatError(int code, String status, String message) {
    return new Receiver.Answer(
        code,
        "{\"error\":{\"code\":"
            + code
            + ",\"message\":\""
            + message
            + "\",\"status\":\""
            + status
            + "\"}}");
  }

  // --- normal answers, with validation ---------------------------------------------------------

  @SuppressWarnings("unchecked")
  private Receiver.Answer normal(Receiver.Request r) {
    Map<String, Object> p;
    if (kind != Kind.GENERIC) {
      String ct = r.header("Content-Type");
      if (ct == null || !ct.startsWith("application/json")) {
        rejections.add(kind + ": Content-Type " + ct);
        return badRequest();
      }
    }
    try {
      Object o = JsonParser.parse(r.body());
      p = o instanceof Map ? (Map<String, Object>) o : Map.of("data", o);
    } catch (IllegalArgumentException e) {
      rejections.add(kind + ": not JSON: " + e.getMessage());
      return badRequest();
    }
    int before = rejections.size();
    switch (kind) {
      case SLACK_WEBHOOK:
        slack(p);
        if (rejections.size() > before) {
          return new Receiver.Answer(400, "invalid_blocks");
        }
        accepted.add(p);
        return new Receiver.Answer(200, "ok");
      case SLACK_API:
        return slackApi(r, p, before);
      case TEAMS_WORKFLOWS:
      case TEAMS_LEGACY:
        teams(r, p);
        if (rejections.size() > before) {
          return kind == Kind.TEAMS_LEGACY
              ? new Receiver.Answer(
                  200, "Webhook message delivery failed with error: HTTP error 400")
              : badRequest();
        }
        accepted.add(p);
        return kind == Kind.TEAMS_LEGACY
            ? new Receiver.Answer(200, "1")
            : new Receiver.Answer(202, "");
      case DISCORD:
        discord(p);
        if (rejections.size() > before) {
          return new Receiver.Answer(
              400, "{\"code\": 50035, \"errors\": {}, \"message\": \"Invalid Form Body\"}");
        }
        accepted.add(p);
        return r.path().contains("wait=true")
            ? new Receiver.Answer(200, "{\"id\":\"1\",\"type\":0,\"content\":\"\"}")
            : new Receiver.Answer(204, "");
      case GCHAT:
        gchat(r, p);
        if (rejections.size() > before) {
          return gchatError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        }
        accepted.add(p);
        return new Receiver.Answer(200, "{\"name\":\"spaces/S/messages/1\"}");
      case MATTERMOST:
        mattermost(p);
        if (rejections.size() > before) {
          return new Receiver.Answer(
              400, "{\"id\":\"web.incoming_webhook.text.app_error\",\"status_code\":400}");
        }
        accepted.add(p);
        return new Receiver.Answer(200, "ok");
      default:
        return generic(r, p);
    }
  }

  private Receiver.Answer badRequest() {
    return new Receiver.Answer(400, "bad request");
  }

  private static final Pattern SLACK_ANGLE = Pattern.compile("<([^>]*)>");
  private static final Pattern SLACK_AMP = Pattern.compile("&(?!amp;|lt;|gt;)");

  /** Every mrkdwn field: escaped, links only where we put them, no mentions, within limits. */
  private void slackText(String where, Object text, int max, boolean required) {
    if (!(text instanceof String) || ((String) text).isEmpty()) {
      if (required) {
        rejections.add("Slack " + where + ": text is empty or missing");
      }
      return;
    }
    String t = (String) text;
    if (t.length() > max) {
      rejections.add("Slack " + where + ": " + t.length() + " characters, over " + max);
    }
    Matcher m = SLACK_ANGLE.matcher(t);
    while (m.find()) {
      String inside = m.group(1);
      if (inside.startsWith("!") || inside.startsWith("@") || inside.startsWith("#")) {
        fidelity.add("Slack " + where + ": raw mention <" + inside + ">");
      } else if (!inside.matches("https?://[^|\\s]+\\|[^|]*")) {
        fidelity.add("Slack " + where + ": unescaped <" + inside + ">");
      }
    }
    if (SLACK_AMP.matcher(t).find()) {
      fidelity.add("Slack " + where + ": unescaped &");
    }
  }

  @SuppressWarnings("unchecked")
  private void slack(Map<String, Object> p) {
    slackText("text", p.get("text"), 40_000, !(p.get("blocks") instanceof List));
    if (!(p.get("blocks") instanceof List)) {
      return;
    }
    List<Object> blocks = (List<Object>) p.get("blocks");
    if (blocks.size() > 50) {
      rejections.add("Slack: " + blocks.size() + " blocks, over 50");
    }
    for (Object o : blocks) {
      Map<String, Object> b = (Map<String, Object>) o;
      Object type = b.get("type");
      if ("header".equals(type)) {
        Map<String, Object> t = (Map<String, Object>) b.get("text");
        if (!"plain_text".equals(t.get("type"))) {
          rejections.add("Slack header: text must be plain_text");
        }
        slackText("header", t.get("text"), 150, true);
      } else if ("section".equals(type)) {
        slackText("section", ((Map<String, Object>) b.get("text")).get("text"), 3000, true);
      } else if ("context".equals(type)) {
        List<Object> els = (List<Object>) b.get("elements");
        if (els.size() > 10) {
          rejections.add("Slack context: over 10 elements");
        }
        for (Object e : els) {
          slackText("context", ((Map<String, Object>) e).get("text"), 3000, true);
        }
      } else {
        rejections.add("Slack: unexpected block type " + type);
      }
    }
  }

  private Receiver.Answer slackApi(Receiver.Request r, Map<String, Object> p, int before) {
    String auth = r.header("Authorization");
    String given = auth == null ? "" : auth.replaceFirst("^Bearer ", "").strip();
    if (given.isEmpty()) {
      return new Receiver.Answer(200, "{\"ok\":false,\"error\":\"not_authed\"}");
    }
    if (revoked.contains(given)) {
      return new Receiver.Answer(200, "{\"ok\":false,\"error\":\"token_revoked\"}");
    }
    if (!given.equals(token)) {
      return new Receiver.Answer(200, "{\"ok\":false,\"error\":\"invalid_auth\"}");
    }
    String channel = String.valueOf(p.get("channel"));
    if (!channels.contains(channel)) {
      return new Receiver.Answer(200, "{\"ok\":false,\"error\":\"channel_not_found\"}");
    }
    if (archived.contains(channel)) {
      return new Receiver.Answer(200, "{\"ok\":false,\"error\":\"is_archived\"}");
    }
    Object thread = p.get("thread_ts");
    if (thread != null && !messages.containsKey(String.valueOf(thread))) {
      return new Receiver.Answer(200, "{\"ok\":false,\"error\":\"thread_not_found\"}");
    }
    slack(p);
    if (rejections.size() > before) {
      return new Receiver.Answer(200, "{\"ok\":false,\"error\":\"invalid_blocks\"}");
    }
    String id = "1700000000." + ts.incrementAndGet();
    messages.put(id, channel);
    accepted.add(p);
    return new Receiver.Answer(
        200, "{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\"" + id + "\",\"message\":{}}");
  }

  /** Deletes a posted message (a thread parent). */
  void delete(String ts) {
    messages.remove(ts);
  }

  private static final Set<String> CARD_ELEMENTS =
      Set.of(
          "TextBlock", "RichTextBlock", "FactSet", "Container", "ColumnSet", "Image", "ActionSet");

  @SuppressWarnings("unchecked")
  private void teams(Receiver.Request r, Map<String, Object> p) {
    int bytes = r.body().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > 28_672) {
      rejections.add("Teams: " + bytes + " bytes, over 28 KB");
    }
    if (!"message".equals(p.get("type")) || !(p.get("attachments") instanceof List)) {
      rejections.add("Teams: not a message with attachments");
      return;
    }
    Map<String, Object> att = (Map<String, Object>) ((List<Object>) p.get("attachments")).get(0);
    if (!"application/vnd.microsoft.card.adaptive".equals(att.get("contentType"))) {
      rejections.add("Teams: attachment is not an Adaptive Card");
      return;
    }
    Map<String, Object> card = (Map<String, Object>) att.get("content");
    if (!"AdaptiveCard".equals(card.get("type"))
        || Double.parseDouble(String.valueOf(card.get("version"))) > 1.5) {
      rejections.add("Teams: card type or version not supported");
    }
    for (Object o : (List<Object>) card.get("body")) {
      Map<String, Object> el = (Map<String, Object>) o;
      String type = String.valueOf(el.get("type"));
      if (!CARD_ELEMENTS.contains(type)) {
        rejections.add("Teams: unknown element " + type);
      }
      if (type.equals("TextBlock")) {
        String text = String.valueOf(el.get("text"));
        if (text.contains("`") || text.contains("\\")) {
          fidelity.add("Teams TextBlock shows backticks or backslashes literally: " + text);
        }
        if (text.matches("(?s).*[^\\n]\\n[^\\n].*")) {
          fidelity.add("Teams TextBlock: a single newline is a soft break: " + text);
        }
      }
      if (type.equals("RichTextBlock")) {
        for (Object in : (List<Object>) el.get("inlines")) {
          Map<String, Object> run = (Map<String, Object>) in;
          if (!"TextRun".equals(run.get("type")) || !(run.get("text") instanceof String)) {
            rejections.add("Teams: RichTextBlock inline without text");
          }
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void discord(Map<String, Object> p) {
    String content = p.get("content") instanceof String ? (String) p.get("content") : "";
    List<Object> embeds =
        p.get("embeds") instanceof List ? (List<Object>) p.get("embeds") : List.of();
    if (content.isEmpty() && embeds.isEmpty()) {
      rejections.add("Discord: neither content nor embeds");
    }
    if (content.length() > 2000) {
      rejections.add("Discord: content over 2000");
    }
    if (embeds.size() > 10) {
      rejections.add("Discord: over 10 embeds");
    }
    int total = 0;
    for (Object o : embeds) {
      Map<String, Object> e = (Map<String, Object>) o;
      total +=
          limit("embed title", e.get("title"), 256)
              + limit("embed description", e.get("description"), 4096);
      if (e.get("fields") instanceof List) {
        List<Object> fields = (List<Object>) e.get("fields");
        if (fields.size() > 25) {
          rejections.add("Discord: over 25 fields");
        }
        for (Object f : fields) {
          Map<String, Object> fm = (Map<String, Object>) f;
          total +=
              limit("field name", fm.get("name"), 256)
                  + limit("field value", fm.get("value"), 1024);
          if (String.valueOf(fm.get("value")).isEmpty()) {
            rejections.add("Discord: empty field value");
          }
        }
      }
    }
    if (total > 6000) {
      rejections.add("Discord: embeds hold " + total + " characters, over 6000");
    }
  }

  private int limit(String what, Object v, int max) {
    if (!(v instanceof String)) {
      return 0;
    }
    int n = ((String) v).length();
    if (n > max) {
      rejections.add("Discord: " + what + " " + n + " over " + max);
    }
    return n;
  }

  private void gchat(Receiver.Request r, Map<String, Object> p) {
    int bytes = r.body().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > 32_000) {
      rejections.add("Google Chat: " + bytes + " bytes, over 32,000");
    }
    Object text = p.get("text");
    if (!(text instanceof String) && !(p.get("cardsV2") instanceof List)) {
      rejections.add("Google Chat: neither text nor cards");
    }
    if (text instanceof String) {
      String t = (String) text;
      if (t.contains("&amp;") || t.contains("&lt;") || t.contains("&gt;")) {
        fidelity.add("Google Chat shows entities literally: " + t);
      }
      if (t.contains("<users/")) {
        fidelity.add("Google Chat: a mention in untrusted text: " + t);
      }
    }
  }

  private void mattermost(Map<String, Object> p) {
    String all = String.valueOf(p.get("text")) + " " + String.valueOf(p.get("attachments"));
    if (String.valueOf(p.get("text")).isBlank() && !(p.get("attachments") instanceof List)) {
      rejections.add("Mattermost: no text");
    }
    if (all.length() > 16_383) {
      rejections.add("Mattermost: over 16383 characters");
    }
    if (Pattern.compile("@(channel|here|all)\\b").matcher(all).find()) {
      fidelity.add("Mattermost would notify everyone: " + all);
    }
  }

  private Receiver.Answer generic(Receiver.Request r, Map<String, Object> p) {
    if (secret.isEmpty()) {
      accepted.add(p);
      return new Receiver.Answer(200, "ok");
    }
    String id = r.header("webhook-id");
    String ts = r.header("webhook-timestamp");
    String sig = r.header("webhook-signature");
    String gh = r.header("X-Hub-Signature-256");
    if (id == null || ts == null || sig == null || gh == null) {
      return new Receiver.Answer(401, "unsigned");
    }
    long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(ts));
    if (age > 300) {
      return new Receiver.Answer(401, "timestamp outside the tolerance");
    }
    byte[] key =
        secret.startsWith("whsec_")
            ? Base64.getDecoder().decode(secret.substring(6))
            : secret.getBytes(StandardCharsets.UTF_8);
    String want =
        "v1,"
            + Base64.getEncoder()
                .encodeToString(
                    hmac(key, (id + "." + ts + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
    String wantGh =
        "sha256="
            + HexFormat.of()
                .formatHex(
                    hmac(
                        secret.getBytes(StandardCharsets.UTF_8),
                        r.body().getBytes(StandardCharsets.UTF_8)));
    if (!List.of(sig.split(" ")).contains(want) || !gh.equals(wantGh)) {
      return new Receiver.Answer(401, "bad signature");
    }
    if (!seenIds.add(id)) {
      replays.incrementAndGet();
      return new Receiver.Answer(200, "already processed");
    }
    accepted.add(p);
    return new Receiver.Answer(200, "ok");
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The problems found, for assertion messages. */
  Map<String, List<String>> problems() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("rejections", new ArrayList<>(rejections));
    m.put("fidelity", new ArrayList<>(fidelity));
    return m;
  }
}
