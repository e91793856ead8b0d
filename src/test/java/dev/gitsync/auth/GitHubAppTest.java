package dev.gitsync.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitsync.config.GitHubAppSettings;
import dev.gitsync.config.Secret;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.testing.FakeHttpTransport;
import dev.gitsync.testing.FakeTime;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GitHubAppTest {
  private static KeyPair keys;
  private static String pem;
  private final FakeHttpTransport http = new FakeHttpTransport();
  private final FakeTime time = new FakeTime(Instant.parse("2026-03-01T12:00:00Z"));

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    keys = g.generateKeyPair();
    pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
  }

  private GitHubApp app() {
    return new GitHubApp(
        new GitHubAppSettings(
            "https://ghe.example.com/api/v3",
            Optional.of(Secret.of(pem)),
            Optional.empty(),
            "Iv1.abc",
            42),
        http,
        time);
  }

  @Test
  void requestToken_signsAnRs256Jwt_andReadsTheToken() throws Exception {
    http.then(
        FakeHttpTransport.response(
            201, "{\"token\":\"ghs_T0K\",\"expires_at\":\"2026-03-01T13:00:00Z\"}"));
    GitHubApp.Token t = app().requestToken();
    assertThat(t.token()).isEqualTo("ghs_T0K");
    assertThat(t.expiresAt()).isEqualTo(Instant.parse("2026-03-01T13:00:00Z"));
    assertThat(t.toString()).doesNotContain("ghs_T0K");
    OutboundRequest r = http.requests().get(0);
    assertThat(r.uri().toString())
        .isEqualTo("https://ghe.example.com/api/v3/app/installations/42/access_tokens");
    String jwt =
        r.headers().stream()
            .filter(h -> h.getKey().equals("Authorization"))
            .findFirst()
            .orElseThrow()
            .getValue()
            .substring("Bearer ".length());
    String[] parts = jwt.split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    long now = time.instant().getEpochSecond();
    assertThat(claims)
        .isEqualTo("{\"iat\":" + (now - 60) + ",\"exp\":" + (now + 540) + ",\"iss\":\"Iv1.abc\"}");
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initVerify(keys.getPublic());
    s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(s.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
  }

  @Test
  void requestToken_errors_nameTheProblem_neverTheKeyOrJwt() {
    http.then(
        FakeHttpTransport.response(401, "{\"message\":\"A JSON web token could not be decoded\"}"));
    assertThatThrownBy(() -> app().requestToken())
        .hasMessageContaining("returned status 401")
        .hasMessageNotContaining("PRIVATE KEY");
    http.then(FakeHttpTransport.response(201, "{\"expires_at\":\"soon\"}"));
    assertThatThrownBy(() -> app().requestToken()).hasMessageContaining("no token or expires_at");
    http.then(FakeHttpTransport.response(201, "{\"token\":\"t\",\"expires_at\":\"soon\"}"));
    assertThatThrownBy(() -> app().requestToken()).hasMessageContaining("invalid expires_at");
  }
}
