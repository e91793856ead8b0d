package dev.gitsync.notify.provider;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Any HTTP endpoint: the documented JSON event ({@link NotifyEvent#toJson()}), with headers {@code
 * Gitsync-Hash} and {@code Idempotency-Key} (stable across retries and restarts). Optional signing
 * ({@code secret_file=}): Standard Webhooks ({@code webhook-id}, {@code webhook-timestamp}, {@code
 * webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>}; a {@code whsec_} secret is
 * base64-decoded) and/or GitHub style ({@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of
 * body>} with the secret as written). Optional CloudEvents 1.0 in binary or structured mode.
 * Signatures cover the exact bytes sent.
 */
final class GenericWebhook implements Provider {
  private static final java.util.regex.Pattern SCP =
      java.util.regex.Pattern.compile("^(?:([^@/]+)@)?([^:/]+):(?!//)(.*)$");

  /**
   * The repo as a URI-reference for CloudEvents' {@code source}: an scp-like {@code
   * git@host:org/repo.git} is not one (its first segment holds a colon), so it becomes {@code
   * ssh://git@host/org/repo.git}.
   */
  static String source(String repo) {
    if (!repo.contains("://")) {
      java.util.regex.Matcher m = SCP.matcher(repo);
      if (m.matches()) {
        String user = m.group(1) == null ? "" : m.group(1) + "@";
        String path = m.group(3).startsWith("/") ? m.group(3) : "/" + m.group(3);
        return "ssh://" + user + m.group(2) + path;
      }
    }
    return repo;
  }

  /**
   * A header value as the CloudEvents HTTP binding (3.1.3.2) requires: space, {@code "}, {@code %}
   * and everything outside printable ASCII percent-encoded as UTF-8.
   */
  static String percentEncode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '%') {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) throws IOException {
    Map<String, Object> event = e.toJson();
    Providers.userText(new Message(e), sink, Markup.PLAIN, 40_000, d.warn())
        .ifPresent(t -> event.put("text", t));
    List<Map.Entry<String, String>> h = new ArrayList<>();
    Object bodyValue = event;
    String contentType = "application/json";
    if (sink.cloudEvents().equals("structured")) {
      contentType = "application/cloudevents+json";
      bodyValue =
          Providers.map(
              "specversion",
              "1.0",
              "id",
              d.key(),
              "source",
              source(e.repo()),
              "type",
              "io.k8s.git-sync." + e.type().wire(),
              "subject",
              e.ref(),
              "time",
              e.time().toString(),
              "datacontenttype",
              "application/json",
              "data",
              event.get("data"));
    } else if (sink.cloudEvents().equals("binary")) {
      bodyValue = event.get("data");
      add(h, "ce-specversion", "1.0");
      add(h, "ce-id", percentEncode(d.key()));
      add(h, "ce-source", percentEncode(source(e.repo())));
      add(h, "ce-type", "io.k8s.git-sync." + e.type().wire());
      add(h, "ce-subject", percentEncode(e.ref()));
      add(h, "ce-time", e.time().toString());
    }
    byte[] body = Providers.json(bodyValue);
    add(h, "Content-Type", contentType);
    add(h, "Gitsync-Hash", e.hash());
    add(h, "Idempotency-Key", d.key());
    if (sink.secretFile().isPresent()) {
      String secret = BoundedFiles.readString(sink.secretFile().get(), BoundedFiles.SMALL).strip();
      if (sink.signature().equals("standard") || sink.signature().equals("both")) {
        long ts = Instant.now().getEpochSecond();
        byte[] key =
            secret.startsWith("whsec_")
                ? Base64.getDecoder().decode(secret.substring(6))
                : secret.getBytes(StandardCharsets.UTF_8);
        byte[] signed = concat((d.key() + "." + ts + ".").getBytes(StandardCharsets.UTF_8), body);
        add(h, "webhook-id", d.key());
        add(h, "webhook-timestamp", Long.toString(ts));
        add(
            h,
            "webhook-signature",
            "v1," + Base64.getEncoder().encodeToString(dev.gitsync.http.Hmac.sha256(key, signed)));
      }
      if (sink.signature().equals("github") || sink.signature().equals("both")) {
        add(
            h,
            "X-Hub-Signature-256",
            "sha256="
                + HexFormat.of()
                    .formatHex(
                        dev.gitsync.http.Hmac.sha256(
                            secret.getBytes(StandardCharsets.UTF_8), body)));
      }
    }
    return Providers.post(sink.uri(), sink, body, h);
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    return Verdict.byStatus(r).orElse(Verdict.delivered());
  }

  private static void add(List<Map.Entry<String, String>> h, String k, String v) {
    h.add(new AbstractMap.SimpleEntry<>(k, v));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
