package dev.gitsync.trigger;

import dev.gitsync.http.NioHttpServer;
import dev.gitsync.json.JsonParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How each sender proves it knows the secret, names its delivery, and describes a push, as each
 * forge documents it (shared/reference/forge-webhooks.md): GitHub signs the raw body ({@code
 * X-Hub-Signature-256: sha256=<hex>}); GitLab sends the secret as {@code X-Gitlab-Token} (or signs
 * with Standard Webhooks); Gitea and Forgejo send a bare hex HMAC ({@code X-Gitea-Signature},
 * {@code X-Forgejo-Signature}); Bitbucket sends {@code X-Hub-Signature: sha256=<hex>}; scripts use
 * {@code Authorization: Bearer <secret>} or Standard Webhooks. Every comparison is constant-time
 * and every signature is checked over the exact bytes received, before anything is parsed.
 *
 * <p>No signature made for one scheme verifies under another, though all of them are HMAC-SHA256
 * with the same secret: the texts the schemes sign are kept apart. A raw-body scheme (GitHub,
 * Gitea, Forgejo, Bitbucket) signs a JSON object or a form ({@code payload=…}), so its body must
 * start with {@code {} or {@code payload=}; Standard Webhooks signs {@code id.timestamp.body}
 * with an id of letters, digits, {@code _} and {@code -}, which can start neither. Otherwise a
 * captured Standard Webhooks delivery, re-sent as GitHub's, would verify forever, outside the
 * five-minute tolerance.
 */
final class Deliveries {
  static final Duration TOLERANCE = Duration.ofMinutes(5);
  private static final int MAX_ID = 256;

  private Deliveries() {}

  /** The sender, from its headers (Gitea and Forgejo before GitHub: they send GitHub's too). */
  static Optional<String> source(NioHttpServer.Request r) {
    if (r.header("X-Forgejo-Event").isPresent()) {
      return Optional.of("forgejo");
    }
    if (r.header("X-Gitea-Event").isPresent()) {
      return Optional.of("gitea");
    }
    if (r.header("X-GitHub-Event").isPresent()) {
      return Optional.of("github");
    }
    if (r.header("X-Gitlab-Event").isPresent()) {
      return Optional.of("gitlab");
    }
    if (r.header("X-Event-Key").isPresent()) {
      return Optional.of("bitbucket");
    }
    if (r.header("webhook-signature").isPresent()) {
      return Optional.of("standard");
    }
    if (r.header("Authorization").map(Deliveries::isBearer).orElse(false)) {
      return Optional.of("bearer");
    }
    return Optional.empty();
  }

  /** {@code Bearer <token>}, the scheme's name in any case (RFC 9110 §11.1). */
  private static boolean isBearer(String authorization) {
    return authorization.regionMatches(true, 0, "Bearer ", 0, 7);
  }

  /**
   * What verifying a delivery found.
   *
   * @param refusal why it does not prove it knows the secret, or empty
   * @param id the delivery's id for spotting replays, from a header its proof covers when the
   *     scheme signs one (Standard Webhooks' {@code webhook-id}), or empty
   */
  record Check(Optional<String> refusal, String id) {
    static Check refused(String why) {
      return new Check(Optional.of(why), "");
    }
  }

  /**
   * Verifies the delivery and names it.
   *
   * @return the refusal (never the secret), or the delivery's id
   */
  static Check check(String source, NioHttpServer.Request r, byte[] secret, Instant now) {
    Optional<String> wrong = verify(source, r, secret, now);
    if (wrong.isPresent()) {
      return Check.refused(wrong.get());
    }
    if (r.header("webhook-signature").isPresent()
        && (source.equals("standard") || source.equals("gitlab"))
        && standard(r, secret, now).isEmpty()) {
      // The signed id decides replays, never an unsigned header beside it.
      return new Check(Optional.empty(), source + ":" + r.header("webhook-id").orElse("").strip());
    }
    return new Check(Optional.empty(), deliveryId(source, r));
  }

  /** Empty when the request proves it knows {@code secret}, else why not (never the secret). */
  static Optional<String> verify(
      String source, NioHttpServer.Request r, byte[] secret, Instant now) {
    if (secret.length == 0) {
      return Optional.of("no secret is configured (the secret file cannot be read)");
    }
    switch (source) {
      case "github":
        return hexHmac(r.header("X-Hub-Signature-256"), "sha256=", r, secret);
      case "gitea":
      case "forgejo":
        Optional<String> own =
            r.header(source.equals("gitea") ? "X-Gitea-Signature" : "X-Forgejo-Signature")
                .filter(v -> !v.isBlank());
        return own.isPresent()
            ? hexHmac(own, "", r, secret)
            : hexHmac(r.header("X-Hub-Signature-256"), "sha256=", r, secret);
      case "gitlab":
        // A hook may carry a secret token and a signing token; either proves the sender (GitLab).
        if (r.header("webhook-signature").isPresent() && standard(r, secret, now).isEmpty()) {
          return Optional.empty();
        }
        if (r.header("X-Gitlab-Token").isPresent()) {
          return equal(r.header("X-Gitlab-Token").get(), secret)
              ? Optional.empty()
              : Optional.of("X-Gitlab-Token is wrong");
        }
        return r.header("webhook-signature").isPresent()
            ? standard(r, secret, now)
            : Optional.of("X-Gitlab-Token is missing");
      case "bitbucket":
        return hexHmac(r.header("X-Hub-Signature"), "sha256=", r, secret);
      case "standard":
        return standard(r, secret, now);
      case "bearer":
        String auth = r.header("Authorization").orElse("");
        String token = isBearer(auth) ? auth.substring("Bearer ".length()).strip() : "";
        return equal(token, secret) ? Optional.empty() : Optional.of("wrong bearer token");
      default:
        return Optional.of("unknown sender");
    }
  }

  /** {@code prefix + hex(HMAC-SHA256(body))} in {@code header}. */
  private static Optional<String> hexHmac(
      Optional<String> header, String prefix, NioHttpServer.Request r, byte[] secret) {
    byte[] body = r.body();
    if (header.isEmpty() || !header.get().startsWith(prefix)) {
      return Optional.of("the signature header is missing");
    }
    if (!isRawBody(body)) {
      return Optional.of("the body is neither a JSON object nor a form, so it is not a delivery");
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.get().substring(prefix.length()).strip());
    } catch (IllegalArgumentException e) {
      return Optional.of("the signature is not hex");
    }
    Optional<byte[]> mac =
        r.stream() instanceof StreamedMacs streamed
            ? streamed.raw(secret)
            : Optional.of(dev.gitsync.http.Hmac.sha256(secret, body));
    return mac.isPresent() && MessageDigest.isEqual(given, mac.get())
        ? Optional.empty()
        : Optional.of("the signature does not match");
  }

  /** A body a raw-body scheme signs: a JSON object, or a form ({@code payload=…}). */
  private static boolean isRawBody(byte[] body) {
    int i = 0;
    while (i < body.length
        && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
      i++;
    }
    if (i < body.length && body[i] == '{') {
      return true;
    }
    byte[] form = "payload=".getBytes(StandardCharsets.US_ASCII);
    return body.length >= form.length
        && java.util.Arrays.equals(body, 0, form.length, form, 0, form.length);
  }

  /** A Standard Webhooks id: letters, digits, {@code _} and {@code -}, at most 256. */
  private static boolean isMessageId(String id) {
    if (id.isEmpty() || id.length() > MAX_ID) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '_'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Standard Webhooks: {@code v1,<base64 HMAC-SHA256("id.timestamp.body")>} among the
   * space-separated signatures, the timestamp within ±5 minutes; a {@code whsec_} secret is the
   * base64 of the key.
   */
  private static Optional<String> standard(NioHttpServer.Request r, byte[] secret, Instant now) {
    Optional<String> id = r.header("webhook-id");
    Optional<String> ts = r.header("webhook-timestamp");
    if (id.isEmpty() || ts.isEmpty()) {
      return Optional.of("webhook-id or webhook-timestamp is missing");
    }
    if (!isMessageId(id.get())) {
      return Optional.of("webhook-id is not letters, digits, '_' and '-'");
    }
    long when;
    try {
      when = Long.parseLong(ts.get().strip());
    } catch (NumberFormatException e) {
      return Optional.of("webhook-timestamp is not a number");
    }
    if (Math.abs(now.getEpochSecond() - when) > TOLERANCE.toSeconds()) {
      return Optional.of("webhook-timestamp is outside the 5-minute tolerance");
    }
    Optional<byte[]> key = standardKey(secret);
    if (key.isEmpty()) {
      return Optional.of("the whsec_ secret is not base64");
    }
    Optional<byte[]> mac;
    if (r.stream() instanceof StreamedMacs streamed) {
      mac = streamed.standard(id.get(), ts.get().strip(), secret);
    } else {
      byte[] signed = (id.get() + "." + ts.get().strip() + ".").getBytes(StandardCharsets.UTF_8);
      byte[] content = new byte[signed.length + r.body().length];
      System.arraycopy(signed, 0, content, 0, signed.length);
      System.arraycopy(r.body(), 0, content, signed.length, r.body().length);
      mac = Optional.of(dev.gitsync.http.Hmac.sha256(key.get(), content));
    }
    if (mac.isEmpty()) {
      return Optional.of("no webhook-signature matches");
    }
    byte[] want = mac.get();
    for (String sig : r.header("webhook-signature").orElse("").split(" ")) {
      if (sig.startsWith("v1,")) {
        try {
          if (MessageDigest.isEqual(Base64.getDecoder().decode(sig.substring(3)), want)) {
            return Optional.empty();
          }
        } catch (IllegalArgumentException e) {
          // Not base64: not a match.
        }
      }
    }
    return Optional.of("no webhook-signature matches");
  }

  /** The Standard Webhooks key: the base64 after {@code whsec_}, or the secret as it is. */
  static Optional<byte[]> standardKey(byte[] secret) {
    String text = new String(secret, StandardCharsets.UTF_8);
    if (!text.startsWith("whsec_")) {
      return Optional.of(secret);
    }
    try {
      return Optional.of(Base64.getDecoder().decode(text.substring(6)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean equal(String given, byte[] secret) {
    return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), secret);
  }

  /** The sender's id for this delivery (the same on a redelivery), or empty. */
  static String deliveryId(String source, NioHttpServer.Request r) {
    List<String> names;
    switch (source) {
      case "github":
        names = List.of("X-GitHub-Delivery");
        break;
      case "gitlab":
        names = List.of("Idempotency-Key", "X-Gitlab-Event-UUID", "webhook-id");
        break;
      case "gitea":
        names = List.of("X-Gitea-Delivery");
        break;
      case "forgejo":
        names = List.of("X-Forgejo-Delivery", "X-Gitea-Delivery");
        break;
      case "bitbucket":
        names = List.of("X-Request-UUID", "X-Request-Id");
        break;
      case "standard":
        names = List.of("webhook-id");
        break;
      default:
        names = List.of("Idempotency-Key");
    }
    for (String n : names) {
      Optional<String> v = r.header(n);
      if (v.isPresent() && !v.get().isBlank()) {
        return source + ":" + v.get().strip();
      }
    }
    return "";
  }

  /**
   * What the body says.
   *
   * @throws IllegalArgumentException when it is not what the headers announce (answered 400)
   */
  static Push parse(String source, NioHttpServer.Request r) {
    String event = event(source, r);
    Push.Kind kind = kind(source, event);
    if (kind != Push.Kind.PUSH || source.equals("bearer") && r.body().length == 0) {
      return new Push(source, event, kind, List.of(), List.of(), "");
    }
    Map<String, Object> body = json(r);
    switch (source) {
      case "github":
      case "gitea":
      case "forgejo":
        return github(source, event, body);
      case "gitlab":
        return gitlab(event, body);
      case "bitbucket":
        return r.header("X-Hook-UUID").isPresent() || body.get("push") instanceof Map
            ? bitbucketCloud(event, body)
            : bitbucketServer(event, body);
      default:
        return generic(source, event, body);
    }
  }

  private static String event(String source, NioHttpServer.Request r) {
    switch (source) {
      case "github":
        return r.header("X-GitHub-Event").orElse("");
      case "gitea":
        return r.header("X-Gitea-Event").orElse("");
      case "forgejo":
        return r.header("X-Forgejo-Event").orElse("");
      case "gitlab":
        return r.header("X-Gitlab-Event").orElse("");
      case "bitbucket":
        return r.header("X-Event-Key").orElse("");
      default:
        return "push";
    }
  }

  private static Push.Kind kind(String source, String event) {
    switch (event.toLowerCase(Locale.ROOT)) {
      case "push":
      case "push hook":
      case "tag push hook":
      case "repo:push":
      case "repo:refs_changed":
        return Push.Kind.PUSH;
      case "ping":
      case "diagnostics:ping":
        return Push.Kind.PING;
      default:
        return Push.Kind.OTHER;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(NioHttpServer.Request r) {
    String text = new String(r.body(), StandardCharsets.UTF_8);
    String type = r.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (type.startsWith("application/x-www-form-urlencoded")) {
      text = "";
      for (String kv : new String(r.body(), StandardCharsets.US_ASCII).split("&")) {
        if (kv.startsWith("payload=")) {
          String v = kv.substring(8);
          if (r.streamed()) {
            // The first MiB may end inside an escape.
            int pct = v.lastIndexOf('%');
            if (pct >= 0 && pct > v.length() - 3) {
              v = v.substring(0, pct);
            }
          }
          text = URLDecoder.decode(v, StandardCharsets.UTF_8);
        }
      }
    }
    // A streamed delivery's first MiB is read as far as it goes; fields past it are not known,
    // and a delivery that does not say which ref it is about syncs.
    Object o = r.streamed() ? JsonParser.parsePrefix(text) : JsonParser.parse(text);
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    return (Map<String, Object>) o;
  }

  private static Push github(String source, String event, Map<String, Object> b) {
    String ref = str(b.get("ref"));
    boolean deleted = Boolean.TRUE.equals(b.get("deleted")) || isZero(str(b.get("after")));
    Map<?, ?> repo = map(b.get("repository"));
    List<String> urls = strings(repo, "clone_url", "ssh_url", "html_url", "git_url");
    return new Push(
        source,
        event,
        Push.Kind.PUSH,
        ref.isEmpty() ? List.of() : List.of(new Push.Change(ref, deleted)),
        urls,
        str(repo.get("default_branch")));
  }

  private static Push gitlab(String event, Map<String, Object> b) {
    String ref = str(b.get("ref"));
    boolean deleted = isZero(str(b.get("after")));
    Map<?, ?> project = map(b.get("project"));
    return new Push(
        "gitlab",
        event,
        Push.Kind.PUSH,
        ref.isEmpty() ? List.of() : List.of(new Push.Change(ref, deleted)),
        strings(project, "git_http_url", "git_ssh_url", "web_url"),
        str(project.get("default_branch")));
  }

  private static Push bitbucketCloud(String event, Map<String, Object> b) {
    List<Push.Change> changes = new ArrayList<>();
    for (Object o : list(map(b.get("push")).get("changes"))) {
      Map<?, ?> c = map(o);
      Map<?, ?> now = map(c.get("new"));
      Map<?, ?> ref = now.isEmpty() ? map(c.get("old")) : now;
      String name = str(ref.get("name"));
      if (!name.isEmpty()) {
        String prefix = "tag".equals(str(ref.get("type"))) ? "refs/tags/" : "refs/heads/";
        changes.add(new Push.Change(prefix + name, now.isEmpty()));
      }
    }
    Map<?, ?> repo = map(b.get("repository"));
    List<String> urls = new ArrayList<>();
    String html = str(map(map(repo.get("links")).get("html")).get("href"));
    if (!html.isEmpty()) {
      urls.add(html);
    }
    return new Push("bitbucket", event, Push.Kind.PUSH, changes, urls, "");
  }

  private static Push bitbucketServer(String event, Map<String, Object> b) {
    List<Push.Change> changes = new ArrayList<>();
    for (Object o : list(b.get("changes"))) {
      Map<?, ?> c = map(o);
      String ref = str(map(c.get("ref")).get("id"));
      if (!ref.isEmpty()) {
        changes.add(new Push.Change(ref, "DELETE".equals(str(c.get("type")))));
      }
    }
    List<String> urls = new ArrayList<>();
    for (Object o : list(map(map(b.get("repository")).get("links")).get("clone"))) {
      String href = str(map(o).get("href"));
      if (!href.isEmpty()) {
        urls.add(href);
      }
    }
    return new Push("bitbucket", event, Push.Kind.PUSH, changes, urls, "");
  }

  /** Scripts may say {@code {"ref": "refs/heads/main", "repository": "https://…"}}, or nothing. */
  private static Push generic(String source, String event, Map<String, Object> b) {
    String ref = str(b.get("ref"));
    Object repo = b.get("repository");
    List<String> urls = repo instanceof String ? List.of((String) repo) : List.of();
    return new Push(
        source,
        event,
        Push.Kind.PUSH,
        ref.isEmpty() ? List.of() : List.of(new Push.Change(ref, false)),
        urls,
        "");
  }

  /** The all-zero object name git sends for a deleted ref: 40 zeros, or 64 in SHA-256 repos. */
  private static boolean isZero(String hash) {
    return (hash.length() == 40 || hash.length() == 64) && hash.chars().allMatch(c -> c == '0');
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map ? (Map<?, ?>) o : Map.of();
  }

  private static List<?> list(Object o) {
    return o instanceof List ? (List<?>) o : List.of();
  }

  private static String str(Object o) {
    return o instanceof String ? (String) o : "";
  }

  private static List<String> strings(Map<?, ?> m, String... keys) {
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      String v = str(m.get(k));
      if (!v.isEmpty()) {
        out.add(v);
      }
    }
    return out;
  }
}
