package dev.gitsync.log;

import static org.assertj.core.api.Assertions.assertThat;

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
}
