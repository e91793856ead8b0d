package dev.gitsync.kube;

import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.HttpTransport;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link LeaseApi} over the API server's REST interface, as client-go's in-cluster config talks to
 * it: {@code Authorization: Bearer} with the service account's token, which is read again before
 * every call (bound tokens rotate; a call is made every 2 s at most) and once more after a 401. The
 * transport trusts only the service account's CA. Error answers are the API's {@code Status}
 * objects; their reason and message are kept, bounded, for the log.
 */
public final class RestLeaseApi implements LeaseApi {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_MESSAGE = 300;

  private final HttpTransport http;
  private final URI base;
  private final String namespace;
  private final Path tokenFile;

  /**
   * An API client.
   *
   * @param http trusts only the cluster's CA and follows no redirects
   * @param apiUrl the API server
   * @param namespace the Lease's namespace
   * @param tokenFile the bearer token's file
   */
  public RestLeaseApi(HttpTransport http, URI apiUrl, String namespace, Path tokenFile) {
    this.http = http;
    this.base =
        URI.create(
            apiUrl.toString().replaceAll("/+$", "")
                + "/apis/coordination.k8s.io/v1/namespaces/"
                + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
                + "/leases");
    this.namespace = namespace;
    this.tokenFile = tokenFile;
  }

  @Override
  public Answer get(String name) throws InterruptedException {
    return call("GET", one(name), null);
  }

  @Override
  public Answer create(Lease lease) throws InterruptedException {
    return call("POST", base, lease.toJson(namespace));
  }

  @Override
  public Answer update(Lease lease) throws InterruptedException {
    return call("PUT", one(lease.name()), lease.toJson(namespace));
  }

  private URI one(String name) {
    return URI.create(base + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
  }

  private Answer call(String method, URI uri, String body) throws InterruptedException {
    Answer a = once(method, uri, body);
    // A bound token may have been rotated since it was read: read it again and retry once.
    return a.status() == 401 ? once(method, uri, body) : a;
  }

  private Answer once(String method, URI uri, String body) throws InterruptedException {
    String token;
    try {
      token = BoundedFiles.readString(tokenFile, BoundedFiles.SMALL).strip();
    } catch (IOException e) {
      return new Answer(0, Optional.empty(), "TokenUnreadable", "can't read " + tokenFile);
    }
    if (token.isEmpty()) {
      return new Answer(0, Optional.empty(), "TokenUnreadable", tokenFile + " is empty");
    }
    List<Map.Entry<String, String>> headers =
        List.of(
            Map.entry("Authorization", "Bearer " + token),
            Map.entry("Accept", "application/json"),
            Map.entry("Content-Type", "application/json"),
            Map.entry("User-Agent", "git-sync-java"));
    InboundResponse r;
    try {
      r =
          http.send(
              new OutboundRequest(
                  method,
                  uri,
                  body == null ? headers.subList(0, 2) : headers,
                  body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
                  TIMEOUT));
    } catch (IOException e) {
      return new Answer(
          0, Optional.empty(), "Unreachable", bounded(String.valueOf(e.getMessage())));
    }
    return answer(r);
  }

  private static Answer answer(InboundResponse r) {
    Map<String, Object> o = JsonParser.objectOrEmpty(r.body());
    if (r.status() >= 200 && r.status() < 300) {
      try {
        return new Answer(r.status(), Optional.of(Lease.fromJson(o)), "", "");
      } catch (IllegalArgumentException e) {
        return new Answer(r.status(), Optional.empty(), "NotALease", "the answer is not a Lease");
      }
    }
    String reason = o.get("reason") instanceof String ? (String) o.get("reason") : "";
    String message = o.get("message") instanceof String ? (String) o.get("message") : "";
    return new Answer(r.status(), Optional.empty(), reason, bounded(message));
  }

  private static String bounded(String s) {
    String t = s.replaceAll("[^\\x20-\\x7e]", "?");
    return t.length() > MAX_MESSAGE ? t.substring(0, MAX_MESSAGE) + "…" : t;
  }
}
