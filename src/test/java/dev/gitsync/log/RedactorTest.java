package dev.gitsync.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void redactUrls_userinfoRemoved_restKept() {
    assertThat(Redactor.redactUrls("fetch https://tok@github.com/o/r.git failed"))
        .isEqualTo("fetch https://REDACTED@github.com/o/r.git failed");
    assertThat(Redactor.redactUrls("http://u:p@h:80/x and ssh://git@h/y and ssh://u:pw@h/z"))
        .isEqualTo("http://REDACTED@h:80/x and ssh://git@h/y and ssh://REDACTED@h/z");
    assertThat(Redactor.redactUrls("git@github.com:o/r.git")).isEqualTo("git@github.com:o/r.git");
  }

  @Test
  void redact_registeredSecret_everywhere() {
    Redactor r = new Redactor();
    r.register("abcd1234");
    assertThat(r.redact("x abcd1234 y abcd1234")).isEqualTo("x REDACTED y REDACTED");
  }

  @Test
  void redactUrls_aRawAtInThePassword_hidesTheWholeUserinfo_asGoSplitsAtTheLastAt() {
    assertThat(Redactor.redactUrls("fatal: http://user:p@ssWORD@host/r.git: not found"))
        .isEqualTo("fatal: http://REDACTED@host/r.git: not found")
        .doesNotContain("ssWORD");
    assertThat(Redactor.redactUrls("https://a@b@c@host/x?y=@z"))
        .isEqualTo("https://REDACTED@host/x?y=@z");
    assertThat(Redactor.redactUrls("https://u:p?ss#w@host/r"))
        .as("a raw ? or # in a password")
        .isEqualTo("https://REDACTED@host/r");
    assertThat(Redactor.redactUrls("ssh://git@host/r and GIT+SSH://u:p@w@h/r"))
        .isEqualTo("ssh://git@host/r and GIT+SSH://REDACTED@h/r");
    assertThat(Redactor.redactUrls("http://xhttps://u:pw@host/r and a://b://c:pw@d"))
        .as("a URL that starts inside the previous one's authority")
        .doesNotContain("pw");
    assertThat(Redactor.redactUrls("'https://t@h' \"https://t2@h\""))
        .isEqualTo("'https://REDACTED@h' \"https://REDACTED@h\"");
  }

  /** The worst inputs for the old regular expression, 1 MB each: linear now (it took hours). */
  @Test
  void redactUrls_isLinear_onAMegabyteOfTheWorstCase() {
    int n = 1 << 20;
    List<String> worst =
        List.of(
            "a".repeat(n) + "@",
            "a".repeat(n / 2) + "://" + "b".repeat(n / 2) + "@",
            "x://".repeat(n / 4) + "@",
            "https://" + "@".repeat(n),
            "a://@".repeat(n / 5),
            "s".repeat(n / 2) + "://" + "u@".repeat(n / 4));
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(20),
        () -> {
          for (String w : worst) {
            assertThat(Redactor.redactUrls(w)).doesNotContain("b@").isNotNull();
          }
        });
  }
}
