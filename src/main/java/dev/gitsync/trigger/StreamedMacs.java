package dev.gitsync.trigger;

import dev.gitsync.http.Hmac;
import dev.gitsync.http.NioHttpServer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.crypto.Mac;

/**
 * The signatures a delivery too large to hold (GitHub sends up to 25 MB; the heap is 32 MiB) is
 * checked against, computed while its body streams through the listener: HMAC-SHA256 of the body
 * under the secret (GitHub, Gitea, Forgejo, Bitbucket) and, when the head carries Standard Webhooks
 * headers, of {@code id.timestamp.body} under its key. The body itself is not kept beyond its first
 * MiB, which is what the delivery's fields are read from.
 */
final class StreamedMacs implements NioHttpServer.BodyStream {
  private final byte[] secret;
  private final Mac raw;
  private final Optional<Mac> standard;
  private final Optional<String> standardPrefix;
  private byte[] rawDone;
  private byte[] standardDone;

  private StreamedMacs(byte[] secret, Mac raw, Optional<Mac> standard, Optional<String> prefix) {
    this.secret = secret.clone();
    this.raw = raw;
    this.standard = standard;
    this.standardPrefix = prefix;
  }

  /** The MACs for a delivery whose head is {@code head}, under {@code secret}. */
  static StreamedMacs start(NioHttpServer.Request head, byte[] secret) {
    Mac raw = Hmac.start(secret);
    Optional<Mac> standard = Optional.empty();
    Optional<String> prefix = Optional.empty();
    Optional<String> id = head.header("webhook-id");
    Optional<String> ts = head.header("webhook-timestamp");
    if (id.isPresent() && ts.isPresent()) {
      Optional<byte[]> key = Deliveries.standardKey(secret);
      if (key.isPresent()) {
        Mac m = Hmac.start(key.get());
        String p = id.get() + "." + ts.get().strip() + ".";
        m.update(p.getBytes(StandardCharsets.UTF_8));
        standard = Optional.of(m);
        prefix = Optional.of(p);
      }
    }
    return new StreamedMacs(secret, raw, standard, prefix);
  }

  @Override
  public void update(byte[] b, int off, int len) {
    raw.update(b, off, len);
    standard.ifPresent(m -> m.update(b, off, len));
  }

  /** HMAC-SHA256(body) under {@code secret}, if that is the secret it was computed under. */
  Optional<byte[]> raw(byte[] secret) {
    if (!java.security.MessageDigest.isEqual(secret, this.secret)) {
      return Optional.empty();
    }
    if (rawDone == null) {
      rawDone = raw.doFinal();
    }
    return Optional.of(rawDone);
  }

  /** HMAC-SHA256("id.timestamp.body") under the key, when the head had those headers. */
  Optional<byte[]> standard(String id, String ts, byte[] secret) {
    if (standard.isEmpty()
        || !standardPrefix.get().equals(id + "." + ts + ".")
        || !java.security.MessageDigest.isEqual(secret, this.secret)) {
      return Optional.empty();
    }
    if (standardDone == null) {
      standardDone = standard.get().doFinal();
    }
    return Optional.of(standardDone);
  }

  /** For logs: never the secret. */
  @Override
  public String toString() {
    return "StreamedMacs" + (standard.isPresent() ? "(raw, standard)" : "(raw)");
  }
}
