package dev.gitsync.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Push webhooks shaped as each forge documents them (shared/reference/forge-webhooks.md), with the
 * headers and signatures each one sends.
 */
public final class Forges {
  private Forges() {}

  /**
   * One delivery.
   *
   * @param headers the headers to send
   * @param body the body
   */
  public record Delivery(Map<String, String> headers, String body) {
    /** The same delivery with one header replaced (or added). */
    public Delivery with(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Delivery(h, body);
    }
  }

  /** Hex HMAC-SHA256. */
  public static String hex(String secret, String body) {
    return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
  }

  private static byte[] hmac(byte[] key, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String zeros() {
    return "0".repeat(40);
  }

  /** A GitHub push (event "push" or "ping"), signed with {@code X-Hub-Signature-256}. */
  public static Delivery github(
      String secret, String event, String ref, String cloneUrl, boolean deleted, String id) {
    String body =
        event.equals("ping")
            ? "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}"
            : "{\"ref\":\""
                + ref
                + "\",\"before\":\""
                + "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
                + "\",\"after\":\""
                + (deleted ? zeros() : "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c")
                + "\",\"created\":false,\"deleted\":"
                + deleted
                + ",\"forced\":false,\"head_commit\":"
                + (deleted ? "null" : "{\"id\":\"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c\"}")
                + ",\"repository\":{\"full_name\":\"o/r\",\"clone_url\":\""
                + cloneUrl
                + "\",\"default_branch\":\"main\"}}";
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    h.put("User-Agent", "GitHub-Hookshot/044aadd");
    h.put("X-GitHub-Event", event);
    h.put("X-GitHub-Delivery", id);
    h.put("X-Hub-Signature-256", "sha256=" + hex(secret, body));
    return new Delivery(h, body);
  }

  /** A GitLab "Push Hook" or "Tag Push Hook" with the secret as {@code X-Gitlab-Token}. */
  public static Delivery gitlab(String token, String event, String ref, String httpUrl, String id) {
    String body =
        "{\"object_kind\":\""
            + (event.startsWith("Tag") ? "tag_push" : "push")
            + "\",\"ref\":\""
            + ref
            + "\",\"before\":\"95790bf891e76fee5e1747ab589903a6a1f80f22\",\"after\":"
            + "\"da1560886d4f094c3e6c9ef40349f7d38b5d27d7\",\"project\":{\"path_with_namespace\":"
            + "\"o/r\",\"git_http_url\":\""
            + httpUrl
            + "\",\"default_branch\":\"main\"},\"total_commits_count\":1}";
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    h.put("X-Gitlab-Event", event);
    h.put("X-Gitlab-Token", token);
    h.put("Idempotency-Key", id);
    h.put("X-Gitlab-Event-UUID", "Push Hook-" + id);
    return new Delivery(h, body);
  }

  /** A Gitea (or Forgejo) push: a bare hex signature and GitHub's headers too. */
  public static Delivery gitea(
      String secret, boolean forgejo, String ref, String cloneUrl, String id) {
    String body =
        "{\"ref\":\""
            + ref
            + "\",\"before\":\"4f0c0d1c1b0f5d2a9c3e8b7a6f5e4d3c2b1a0f9e\",\"after\":"
            + "\"a1b2c3d4e5f60718293a4b5c6d7e8f9012345678\",\"repository\":{\"full_name\":\"o/r\","
            + "\"clone_url\":\""
            + cloneUrl
            + "\",\"default_branch\":\"main\"}}";
    String sig = hex(secret, body);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    if (forgejo) {
      h.put("X-Forgejo-Event", "push");
      h.put("X-Forgejo-Delivery", id);
      h.put("X-Forgejo-Signature", sig);
    }
    h.put("X-Gitea-Event", "push");
    h.put("X-Gitea-Delivery", id);
    h.put("X-Gitea-Signature", sig);
    h.put("X-GitHub-Event", "push");
    h.put("X-GitHub-Delivery", id);
    h.put("X-Hub-Signature-256", "sha256=" + sig);
    return new Delivery(h, body);
  }

  /** A Bitbucket Cloud {@code repo:push} of a branch (or its deletion) or a tag. */
  public static Delivery bitbucket(
      String secret, String type, String name, String htmlUrl, boolean deleted, String id) {
    String state =
        "{\"type\":\""
            + type
            + "\",\"name\":\""
            + name
            + "\",\"target\":{\"hash\":\"22671f0349857934857983457983475ec39f196b\"}}";
    String body =
        "{\"push\":{\"changes\":[{\"new\":"
            + (deleted ? "null" : state)
            + ",\"old\":"
            + state
            + ",\"created\":false,\"closed\":"
            + deleted
            + ",\"forced\":false}]},\"repository\":{\"full_name\":\"team/repo\",\"links\":"
            + "{\"html\":{\"href\":\""
            + htmlUrl
            + "\"}}}}";
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    h.put("X-Event-Key", "repo:push");
    h.put("X-Hook-UUID", "hook-1");
    h.put("X-Request-UUID", id);
    h.put("X-Hub-Signature", "sha256=" + hex(secret, body));
    return new Delivery(h, body);
  }

  /** A Standard Webhooks request (a script or CI job) signed at {@code epochSeconds}. */
  public static Delivery standard(String secret, String body, String id, long epochSeconds) {
    byte[] key =
        secret.startsWith("whsec_")
            ? Base64.getDecoder().decode(secret.substring(6))
            : secret.getBytes(StandardCharsets.UTF_8);
    String sig =
        "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + epochSeconds + "." + body));
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    h.put("webhook-id", id);
    h.put("webhook-timestamp", Long.toString(epochSeconds));
    h.put("webhook-signature", "v1,bm90IHRoaXMgb25l " + sig);
    return new Delivery(h, body);
  }
}
