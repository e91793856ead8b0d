package dev.gitsync.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gitsync.http.NioHttpServer;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.testing.Forges;
import dev.gitsync.testing.TestLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A delivery to {@code POST /trigger} from every sender, with headers and body chosen by the
 * fuzzer; half the time the body is signed correctly for the chosen scheme, so the parsers behind
 * the verification are reached too. Properties: an answer always comes (no exception escapes); its
 * status is one the handler documents; neither the answer nor the log holds the secret; a delivery
 * that is not correctly signed never starts a pass.
 */
class TriggerDeliveryFuzzTest {
  static final String SECRET = "fuzz-Secret-0123456789";
  static final Set<Integer> STATUSES = Set.of(200, 202, 400, 401, 404, 405, 429);
  static final List<String> SENDERS =
      List.of(
          "github",
          "gitea",
          "forgejo",
          "gitlab",
          "gitlab-signed",
          "bitbucket",
          "standard",
          "bearer");

  static Path secretFile;

  static {
    try {
      secretFile = Files.createTempFile("fuzz-secret", "");
      Files.writeString(secretFile, SECRET);
      secretFile.toFile().deleteOnExit();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest(maxDuration = "20s")
  void anyDelivery_isAnswered_withoutTheSecret_andStartsNoPassUnlessSigned(
      FuzzedDataProvider data) {
    FakeTime time = new FakeTime();
    TestLog log = new TestLog();
    List<String> fired = new java.util.ArrayList<>();
    try (Pacer pacer = new Pacer(Duration.ofSeconds(1), time, fired::add)) {
      TriggerHandler h =
          new TriggerHandler(
              new SecretFile(secretFile),
              "https://github.com/o/r",
              data.consumeBoolean() ? "main" : "HEAD",
              pacer,
              Duration.ofSeconds(1),
              time,
              log.log(),
              (s, r) -> {});
      String sender = data.pickValue(SENDERS);
      boolean sign = data.consumeBoolean();
      String event = data.consumeString(20);
      Map<String, String> extra = new LinkedHashMap<>();
      for (int i = data.consumeInt(0, 4); i > 0; i--) {
        extra.put(data.consumeString(30), data.consumeString(60));
      }
      String body = data.consumeRemainingAsString();
      Map<String, String> headers = headers(sender, sign ? SECRET : "wrong", event, body, time);
      headers.putAll(extra);
      Map<String, List<String>> lower = new LinkedHashMap<>();
      headers.forEach(
          (k, v) ->
              lower
                  .computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new java.util.ArrayList<>())
                  .add(v));
      NioHttpServer.Response r =
          h.handle(
              new NioHttpServer.Request(
                  "POST", "/trigger", "", lower, body.getBytes(StandardCharsets.UTF_8), "fuzz"));
      assertThat(STATUSES).contains(r.status());
      // What the sender itself sends may come back (a delivery id is logged); the secret as such
      // never does.
      boolean senderSentIt = extra.values().stream().anyMatch(v -> v.contains(SECRET));
      if (!senderSentIt) {
        String answer = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(answer).doesNotContain(SECRET);
        assertThat(log.text()).doesNotContain(SECRET);
        if (!sign) {
          assertThat(fired).isEmpty();
        }
      }
    }
  }

  private static Map<String, String> headers(
      String sender, String secret, String event, String body, FakeTime time) {
    Map<String, String> h = new LinkedHashMap<>();
    String hex = Forges.hex(secret, body);
    switch (sender) {
      case "github" -> {
        h.put("X-GitHub-Event", event.isEmpty() ? "push" : event);
        h.put("X-Hub-Signature-256", "sha256=" + hex);
      }
      case "gitea", "forgejo" -> {
        String name = sender.equals("gitea") ? "Gitea" : "Forgejo";
        h.put("X-" + name + "-Event", event.isEmpty() ? "push" : event);
        h.put("X-" + name + "-Signature", hex);
      }
      case "gitlab" -> {
        h.put("X-Gitlab-Event", event.isEmpty() ? "Push Hook" : event);
        h.put("X-Gitlab-Token", secret);
      }
      case "gitlab-signed" -> {
        h.putAll(Forges.standard(secret, body, "msg_1", time.instant().getEpochSecond()).headers());
        h.put("X-Gitlab-Event", event.isEmpty() ? "Push Hook" : event);
      }
      case "bitbucket" -> {
        h.put("X-Event-Key", event.isEmpty() ? "repo:push" : event);
        h.put("X-Hub-Signature", "sha256=" + hex);
      }
      case "standard" ->
          h.putAll(
              Forges.standard(secret, body, "msg_2", time.instant().getEpochSecond()).headers());
      default -> h.put("Authorization", "Bearer " + secret);
    }
    return h;
  }
}
