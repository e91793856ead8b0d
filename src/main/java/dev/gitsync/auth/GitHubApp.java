package dev.gitsync.auth;

import dev.gitsync.config.GitHubAppSettings;
import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.http.HttpTransport;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.json.JsonParser;
import dev.gitsync.json.JsonStrings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * GitHub App installation tokens (upstream main.go:2187-2274): an RS256 JWT issued by the app
 * (client ID or application ID), valid for nine minutes and back-dated one for clock skew, is
 * POSTed to {@code {base}/app/installations/{id}/access_tokens}; the 201 answer holds the token and
 * its expiry.
 */
final class GitHubApp {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * An installation token.
   *
   * @param token the token (a secret)
   * @param expiresAt when GitHub stops accepting it
   */
  record Token(String token, Instant expiresAt) {
    @Override
    public String toString() {
      return "Token[expiresAt=" + expiresAt + "]";
    }
  }

  private final GitHubAppSettings settings;
  private final HttpTransport http;
  private final Clock clock;

  GitHubApp(GitHubAppSettings settings, HttpTransport http, Clock clock) {
    this.settings = settings;
    this.http = http;
    this.clock = clock;
  }

  /** Requests a new installation token. Messages never hold the key, the JWT or the token. */
  Token requestToken() throws IOException, InterruptedException {
    PrivateKey key;
    try {
      key = RsaKeys.parse(privateKeyPem());
    } catch (GeneralSecurityException e) {
      throw new IOException("can't parse the GitHub app private key: " + e.getMessage(), e);
    }
    String jwt = jwt(key);
    String base = settings.baseUrl().endsWith("/") ? settings.baseUrl() : settings.baseUrl() + "/";
    URI uri =
        URI.create(base + "app/installations/" + settings.installationId() + "/access_tokens");
    InboundResponse r =
        http.send(
            new OutboundRequest(
                "POST",
                uri,
                List.of(
                    Map.entry("Accept", "application/vnd.github+json"),
                    Map.entry("Authorization", "Bearer " + jwt),
                    Map.entry("X-GitHub-Api-Version", "2022-11-28")),
                new byte[0],
                TIMEOUT));
    if (r.status() != 201) {
      throw new IOException(
          "GitHub app token request returned status "
              + r.status()
              + ", body: "
              + Snippet.of(r.body()));
    }
    Map<String, Object> json = JsonParser.objectOrEmpty(r.body());
    Object token = json.get("token");
    Object expires = json.get("expires_at");
    if (!(token instanceof String) || ((String) token).isEmpty() || !(expires instanceof String)) {
      throw new IOException("GitHub app token response has no token or expires_at");
    }
    try {
      return new Token((String) token, Instant.parse((String) expires));
    } catch (DateTimeParseException e) {
      throw new IOException("GitHub app token response has an invalid expires_at", e);
    }
  }

  private String privateKeyPem() throws IOException {
    if (settings.privateKey().isPresent()) {
      return settings.privateKey().get().reveal();
    }
    String file = settings.privateKeyFile().orElseThrow();
    try {
      return BoundedFiles.readString(Path.of(file), BoundedFiles.SMALL);
    } catch (IOException e) {
      throw new IOException(
          "can't read the GitHub app private key file "
              + file
              + ": "
              + e.getClass().getSimpleName(),
          e);
    }
  }

  private String jwt(PrivateKey key) throws IOException {
    long now = clock.instant().getEpochSecond();
    StringBuilder claims = new StringBuilder("{\"iat\":");
    claims.append(now - 60).append(",\"exp\":").append(now + 540).append(",\"iss\":");
    claims.append('"');
    JsonStrings.escape(claims, settings.issuer());
    claims.append("\"}");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IOException("can't sign the GitHub app JWT: " + e.getMessage(), e);
    }
  }
}
