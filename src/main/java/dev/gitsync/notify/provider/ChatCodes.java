package dev.gitsync.notify.provider;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.Hmac;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.json.JsonParser;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the Chinese chat services share: they answer HTTP 200 for most errors and put the outcome in
 * a JSON code ({@code errcode} for DingTalk and WeCom, {@code code} for Feishu and Lark, 0 meaning
 * sent), their signing secrets are read from {@code secret_file} on every send, and each says which
 * codes mean "this webhook will never work" (disable), "too fast" (back off) or "this message is
 * wrong" (drop).
 */
final class ChatCodes {
  private ChatCodes() {}

  /**
   * The verdict for a code-in-body answer.
   *
   * @param field the JSON field holding the code
   * @param disable codes that mean the sink cannot work until someone fixes it
   * @param rateLimited codes that mean "too fast", with how long the service blocks
   */
  static Verdict judge(
      InboundResponse r,
      String service,
      String field,
      Set<Integer> disable,
      Map<Integer, Duration> rateLimited) {
    Optional<Verdict> byStatus = Verdict.byStatus(r);
    if (byStatus.isPresent()) {
      return byStatus.get();
    }
    Map<String, Object> body = JsonParser.objectOrEmpty(r.body());
    Object c = body.containsKey(field) ? body.get(field) : body.get("StatusCode");
    if (!(c instanceof Number)) {
      return Verdict.drop(
          service + " answered without a " + field + ": " + Text.cut(r.body().strip(), 200));
    }
    int code = ((Number) c).intValue();
    if (code == 0) {
      return Verdict.delivered();
    }
    Object msg = body.getOrDefault("errmsg", body.getOrDefault("msg", ""));
    String why = service + " error " + code + ": " + Text.cut(String.valueOf(msg), 160);
    if (rateLimited.containsKey(code)) {
      return Verdict.retry(why, Optional.of(rateLimited.get(code)));
    }
    if (disable.contains(code)) {
      return Verdict.disable(why);
    }
    return Verdict.drop(why);
  }

  /** The signing secret of {@code secret_file}, if the sink has one. */
  static Optional<String> secret(Sink sink) throws IOException {
    if (sink.secretFile().isEmpty()) {
      return Optional.empty();
    }
    String s = BoundedFiles.readString(sink.secretFile().get(), BoundedFiles.SMALL).strip();
    if (s.isEmpty()) {
      throw new IOException("secret_file is empty");
    }
    return Optional.of(s);
  }

  /** Base64 of HMAC-SHA256(key, message). */
  static String hmac(String key, String message) {
    return Base64.getEncoder()
        .encodeToString(
            Hmac.sha256(
                key.getBytes(StandardCharsets.UTF_8), message.getBytes(StandardCharsets.UTF_8)));
  }

  /** The plain message: the title, then the body in {@code m}, within {@code max} characters. */
  static String markdown(Message msg, Sink sink, Markup m, int max, Provider.DeliveryInfo d) {
    return Providers.userText(msg, sink, m, max, d.warn())
        .orElseGet(
            () -> {
              String title = "### " + m.esc(msg.title());
              return title + "\n\n" + msg.body(m, max - title.length() - 2);
            });
  }

  /** Cuts {@code s} so that its UTF-8 form is at most {@code maxBytes}. */
  static String bytes(String s, int maxBytes) {
    if (Text.utf8(s) <= maxBytes) {
      return s;
    }
    int lo = 0;
    int hi = s.length();
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (Text.utf8(s.substring(0, mid)) + 3 <= maxBytes) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return Text.cutMarkup(s, lo);
  }
}
