package dev.gitsync.e2e;

import dev.gitsync.json.JsonParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A {@link Receiver} validator answering as DingTalk, Feishu/Lark, WeCom, Telegram, Matrix or Webex
 * are documented to answer, errors and limits included, and checking what each would refuse:
 *
 * <ul>
 *   <li>DingTalk custom robot (open.dingtalk.com, "自定义机器人发送群消息" and "安全设置"): HTTP 200 with {@code
 *       {"errcode":0,"errmsg":"ok"}}; a robot with 加签 checks {@code timestamp} (ms, within an hour)
 *       and {@code sign} = base64(HMAC-SHA256(secret, ts + "\n" + secret)), else {@code 310000}
 *       "sign not match"; more than 20 a minute: {@code 130101} "send too fast".
 *   <li>Feishu/Lark custom bot (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot): {@code
 *       {"code":0,"msg":"success","data":{}}}; a bad signature {@code 19021} "sign match fail or
 *       timestamp is not within one hour from current time"; {@code 11232} frequency limited;
 *       {@code 9499} bad request; a body over 20 KB is refused.
 *   <li>WeCom group robot (developer.work.weixin.qq.com/document/path/91770): {@code
 *       {"errcode":0,"errmsg":"ok"}}; markdown content over 4,096 bytes is refused ({@code 40058});
 *       {@code 45009} over 20 a minute; {@code 93000} invalid webhook URL.
 *   <li>Telegram Bot API (core.telegram.org/bots/api#making-requests, #sendmessage): {@code
 *       {"ok":true,"result":{…}}}; {@code {"ok":false,"error_code":401,"description":
 *       "Unauthorized"}} for a bad token; 400 "Bad Request: chat not found"; 429 with {@code
 *       parameters.retry_after}; a text over 4,096 characters is refused ("message is too long");
 *       HTML text is checked to be well formed with only the allowed tags.
 *   <li>Matrix
 *       (spec.matrix.org/latest/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid):
 *       200 {@code {"event_id":…}}; the same transaction id answers the same event id (no second
 *       message); 401 {@code M_UNKNOWN_TOKEN}; 403 {@code M_FORBIDDEN}; 429 {@code
 *       M_LIMIT_EXCEEDED} with {@code retry_after_ms}.
 *   <li>Webex (developer.webex.com/docs/api/v1/messages/create-a-message): 200 with the message;
 *       401 for a bad token; 404 for an unknown room; markdown over 7,439 bytes is refused (400).
 * </ul>
 *
 * {@link #faults} scripts the next answers by name; {@link #rejections} and {@link #fidelity}
 * collect what the service would refuse or render wrongly. Accepted messages are in {@link
 * #accepted} (the text as the service would show it).
 */
final class ChatFake implements Function<Receiver.Request, Receiver.Answer> {
  enum Kind {
    DINGTALK,
    FEISHU,
    WECOM,
    TELEGRAM,
    MATRIX,
    WEBEX
  }

  final Kind kind;
  final ConcurrentLinkedDeque<String> faults = new ConcurrentLinkedDeque<>();
  final List<String> rejections = new CopyOnWriteArrayList<>();
  final List<String> fidelity = new CopyOnWriteArrayList<>();
  final List<String> accepted = new CopyOnWriteArrayList<>();
  final List<String> answers = new CopyOnWriteArrayList<>();
  final Map<String, String> transactions = new ConcurrentHashMap<>();
  final Set<String> rooms = ConcurrentHashMap.newKeySet();

  /** The signing secret (DingTalk, Feishu) or the token (Telegram, Matrix, Webex). */
  volatile String secret = "";

  ChatFake(Kind kind) {
    this.kind = kind;
  }

  @Override
  public Receiver.Answer apply(Receiver.Request r) {
    String fault = faults.poll();
    Receiver.Answer a = fault != null ? fault(fault) : normal(r);
    answers.add(a.status() + " " + (fault == null ? "" : fault) + " " + a.body());
    return a;
  }

  private Receiver.Answer fault(String name) {
    switch (kind) {
      case DINGTALK:
        return name.equals("too_fast")
            ? code("errcode", 130101, "send too fast, exceed 20 times per minute")
            : code("errcode", 310000, "keywords not in content");
      case FEISHU:
        return name.equals("too_fast")
            ? code("code", 11232, "frequency limited psm[lark.oapi.app_platform_runtime]")
            : code("code", 19024, "Key Words Not Found");
      case WECOM:
        return name.equals("too_fast")
            ? code("errcode", 45009, "api freq out of limit")
            : code("errcode", 93000, "invalid webhook url");
      case TELEGRAM:
        return name.equals("too_fast")
            ? new Receiver.Answer(
                429,
                "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after"
                    + " 1\",\"parameters\":{\"retry_after\":1}}")
            : telegramError(403, "Forbidden: bot was kicked from the group chat");
      case MATRIX:
        return name.equals("too_fast")
            ? new Receiver.Answer(
                429,
                "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"error\":\"Too many requests\","
                    + "\"retry_after_ms\":1200}")
            : new Receiver.Answer(
                403, "{\"errcode\":\"M_FORBIDDEN\",\"error\":\"User not in room\"}");
      default:
        return name.equals("too_fast")
            ? new Receiver.Answer(
                429, "{\"message\":\"Too Many Requests\"}", Map.of("Retry-After", "1"))
            : new Receiver.Answer(404, "{\"message\":\"Could not find a room with provided ID.\"}");
    }
  }

  private static Receiver.Answer code(String field, int code, String msg) {
    String m = field.equals("code") ? "msg" : "errmsg";
    return new Receiver.Answer(
        200, "{\"" + field + "\":" + code + ",\"" + m + "\":\"" + msg + "\"}");
  }

  private Receiver.Answer normal(Receiver.Request r) {
    Object parsed;
    try {
      parsed = JsonParser.parse(r.body());
    } catch (IllegalArgumentException e) {
      rejections.add("not JSON");
      return new Receiver.Answer(400, "bad json");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) parsed;
    switch (kind) {
      case DINGTALK:
        return dingTalk(r, p);
      case FEISHU:
        return feishu(r, p);
      case WECOM:
        return weCom(p);
      case TELEGRAM:
        return telegram(r, p);
      case MATRIX:
        return matrix(r, p);
      default:
        return webex(r, p);
    }
  }

  @SuppressWarnings("unchecked")
  private Receiver.Answer dingTalk(Receiver.Request r, Map<String, Object> p) {
    if (!secret.isEmpty()) {
      Map<String, String> q = query(r.path());
      String ts = q.getOrDefault("timestamp", "");
      String want = hmac(secret.getBytes(StandardCharsets.UTF_8), ts + "\n" + secret);
      if (!want.equals(q.get("sign")) || !fresh(ts, 1000)) {
        return code("errcode", 310000, "sign not match");
      }
    }
    if (!"markdown".equals(p.get("msgtype")) || !(p.get("markdown") instanceof Map)) {
      rejections.add("not a markdown message");
      return code("errcode", 40035, "缺少参数 json");
    }
    Map<String, Object> md = (Map<String, Object>) p.get("markdown");
    String text = String.valueOf(md.get("text"));
    if (String.valueOf(md.get("title")).isBlank() || text.isBlank()) {
      rejections.add("markdown needs title and text");
    }
    mentions(text);
    accepted.add(text);
    return code("errcode", 0, "ok");
  }

  @SuppressWarnings("unchecked")
  private Receiver.Answer feishu(Receiver.Request r, Map<String, Object> p) {
    if (r.body().getBytes(StandardCharsets.UTF_8).length > 20 * 1024) {
      rejections.add("body over 20 KB");
      return code("code", 9499, "Bad Request");
    }
    if (!secret.isEmpty()) {
      String ts = String.valueOf(p.get("timestamp"));
      String want = hmac((ts + "\n" + secret).getBytes(StandardCharsets.UTF_8), "");
      if (!want.equals(p.get("sign")) || !fresh(ts, 1)) {
        return code(
            "code", 19021, "sign match fail or timestamp is not within one hour from current time");
      }
    }
    if (!"post".equals(p.get("msg_type")) || !(p.get("content") instanceof Map)) {
      rejections.add("not a post");
      return code("code", 9499, "Bad Request");
    }
    Map<String, Object> post =
        (Map<String, Object>) ((Map<String, Object>) p.get("content")).get("post");
    Map<String, Object> zh = (Map<String, Object>) post.get("zh_cn");
    StringBuilder shown = new StringBuilder(String.valueOf(zh.get("title"))).append('\n');
    for (Object line : (List<Object>) zh.get("content")) {
      for (Object el : (List<Object>) line) {
        Map<String, Object> e = (Map<String, Object>) el;
        if (!List.of("text", "a").contains(e.get("tag"))) {
          fidelity.add("element " + e.get("tag") + " (only text and a are sent)");
        }
        shown.append(e.get("text"));
      }
      shown.append('\n');
    }
    accepted.add(shown.toString());
    return new Receiver.Answer(200, "{\"code\":0,\"data\":{},\"msg\":\"success\"}");
  }

  @SuppressWarnings("unchecked")
  private Receiver.Answer weCom(Map<String, Object> p) {
    if (!"markdown".equals(p.get("msgtype")) || !(p.get("markdown") instanceof Map)) {
      rejections.add("not a markdown message");
      return code("errcode", 40008, "invalid message type");
    }
    String content = String.valueOf(((Map<String, Object>) p.get("markdown")).get("content"));
    if (content.getBytes(StandardCharsets.UTF_8).length > 4096) {
      rejections.add("markdown content over 4096 bytes");
      return code("errcode", 40058, "markdown.content exceed max length 4096");
    }
    if (content.contains("\uFFFD")) {
      fidelity.add("a character was split");
    }
    mentions(content);
    accepted.add(content);
    return code("errcode", 0, "ok");
  }

  private Receiver.Answer telegram(Receiver.Request r, Map<String, Object> p) {
    String path = r.path();
    if (!path.equals("/bot" + secret + "/sendMessage")) {
      return telegramError(401, "Unauthorized");
    }
    if (!rooms.contains(String.valueOf(p.get("chat_id")))) {
      return telegramError(400, "Bad Request: chat not found");
    }
    String text = String.valueOf(p.get("text"));
    if (!"HTML".equals(p.get("parse_mode"))) {
      fidelity.add("parse_mode is not HTML");
    }
    String shown = html(text);
    if (shown == null) {
      rejections.add("can't parse entities: " + text);
      return telegramError(400, "Bad Request: can't parse entities");
    }
    if (shown.codePointCount(0, shown.length()) > 4096) {
      rejections.add("message is too long");
      return telegramError(400, "Bad Request: message is too long");
    }
    accepted.add(shown);
    return new Receiver.Answer(
        200, "{\"ok\":true,\"result\":{\"message_id\":" + accepted.size() + "}}");
  }

  private static Receiver.Answer telegramError(int status, String description) {
    return new Receiver.Answer(
        status,
        "{\"ok\":false,\"error_code\":" + status + ",\"description\":\"" + description + "\"}");
  }

  private Receiver.Answer matrix(Receiver.Request r, Map<String, Object> p) {
    if (!"PUT".equals(r.method())) {
      return new Receiver.Answer(
          405, "{\"errcode\":\"M_UNRECOGNIZED\",\"error\":\"Unrecognized request\"}");
    }
    if (!("Bearer " + secret).equals(r.header("Authorization"))) {
      return new Receiver.Answer(
          401, "{\"errcode\":\"M_UNKNOWN_TOKEN\",\"error\":\"Invalid access token passed.\"}");
    }
    String prefix = "/_matrix/client/v3/rooms/";
    String rest = r.path().startsWith(prefix) ? r.path().substring(prefix.length()) : "";
    String[] parts = rest.split("/");
    if (parts.length != 4 || !parts[1].equals("send") || !parts[2].equals("m.room.message")) {
      return new Receiver.Answer(404, "{\"errcode\":\"M_UNRECOGNIZED\",\"error\":\"Not found\"}");
    }
    String room = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
    if (!rooms.contains(room)) {
      return new Receiver.Answer(
          403, "{\"errcode\":\"M_FORBIDDEN\",\"error\":\"User not in room " + room + "\"}");
    }
    String txn = parts[3];
    String known = transactions.get(txn);
    if (known != null) {
      return new Receiver.Answer(200, "{\"event_id\":\"" + known + "\"}");
    }
    if (!"m.text".equals(p.get("msgtype")) || !(p.get("body") instanceof String)) {
      rejections.add("not an m.text with a body");
      return new Receiver.Answer(400, "{\"errcode\":\"M_BAD_JSON\",\"error\":\"bad\"}");
    }
    if (!(p.get("m.mentions") instanceof Map)) {
      fidelity.add("no m.mentions: @room in the body would ping the room");
    }
    String body = (String) p.get("body");
    if (body.contains("@room")) {
      fidelity.add("@room in body: " + body);
    }
    if (html(String.valueOf(p.get("formatted_body")).replace("<br>", "\n")) == null) {
      fidelity.add("formatted_body is not well formed: " + p.get("formatted_body"));
    }
    String id = "$event" + transactions.size();
    transactions.put(txn, id);
    accepted.add(body);
    return new Receiver.Answer(200, "{\"event_id\":\"" + id + "\"}");
  }

  private Receiver.Answer webex(Receiver.Request r, Map<String, Object> p) {
    if (!("Bearer " + secret).equals(r.header("Authorization"))) {
      return new Receiver.Answer(
          401,
          "{\"message\":\"The request requires a valid access token set in the Authorization"
              + " request header.\"}");
    }
    if (!rooms.contains(String.valueOf(p.get("roomId")))) {
      return new Receiver.Answer(404, "{\"message\":\"Could not find a room with provided ID.\"}");
    }
    String md = String.valueOf(p.get("markdown"));
    if (md.getBytes(StandardCharsets.UTF_8).length > 7439) {
      rejections.add("markdown over 7439 bytes");
      return new Receiver.Answer(400, "{\"message\":\"Message too long\"}");
    }
    if (md.contains("<@")) {
      fidelity.add("a mention: " + md);
    }
    accepted.add(md);
    return new Receiver.Answer(200, "{\"id\":\"m" + accepted.size() + "\"}");
  }

  /** A WeCom {@code <@id>} or a bare {@code @all}: what would notify people. */
  private void mentions(String text) {
    if (text.contains("<@") || text.matches("(?s).*(?<![\\\\\u200B])@all.*")) {
      fidelity.add("a mention in: " + text);
    }
  }

  /**
   * Telegram's HTML: only b, i, u, s, code, pre, a (with href) and the entities lt, gt, amp, quot;
   * returns the text as shown, or null when it would not parse.
   */
  static String html(String text) {
    StringBuilder shown = new StringBuilder();
    java.util.Deque<String> open = new java.util.ArrayDeque<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '<') {
        int end = text.indexOf('>', i);
        if (end < 0) {
          return null;
        }
        String tag = text.substring(i + 1, end);
        if (tag.startsWith("/")) {
          if (open.isEmpty() || !open.pop().equals(tag.substring(1))) {
            return null;
          }
        } else {
          String name = tag.split(" ", 2)[0];
          if (!Set.of("b", "i", "u", "s", "code", "pre", "a").contains(name)
              || name.equals("a") && !tag.startsWith("a href=\"")) {
            return null;
          }
          open.push(name);
        }
        i = end + 1;
      } else if (c == '&') {
        int end = text.indexOf(';', i);
        String ent = end < 0 ? "" : text.substring(i, end + 1);
        String ch = Map.of("&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", "\"").get(ent);
        if (ch == null) {
          return null;
        }
        shown.append(ch);
        i = end + 1;
      } else if (c == '>') {
        return null;
      } else {
        shown.append(c);
        i++;
      }
    }
    return open.isEmpty() ? shown.toString() : null;
  }

  private static Map<String, String> query(String path) {
    Map<String, String> q = new java.util.HashMap<>();
    int at = path.indexOf('?');
    if (at < 0) {
      return q;
    }
    for (String kv : path.substring(at + 1).split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  /** Whether a timestamp in {@code perSecond} units per second is within an hour of now. */
  private static boolean fresh(String ts, long perSecond) {
    try {
      long now = System.currentTimeMillis() / 1000;
      return Math.abs(Long.parseLong(ts) / perSecond - now) < 3600;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
