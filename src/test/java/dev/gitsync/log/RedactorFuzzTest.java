package dev.gitsync.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The redactor runs over text a pusher wrote (submodule URLs, subjects at {@code -v 6}). A URL with
 * credentials is put somewhere in fuzzed text, its password holding {@code @} or not. Properties:
 * the password and registered secrets never survive; the text around them does not grow beyond the
 * masks; no exception.
 */
class RedactorFuzzTest {
  static final String PASSWORD = "pw5e3cr37X";
  static final String TOKEN = "tok9f8e7d6c";

  @FuzzTest(maxDuration = "15s")
  void credentials_neverSurvive_wherever_theyAre(FuzzedDataProvider data) {
    String before = data.consumeString(200);
    String scheme = data.pickValue(new String[] {"https", "http", "ssh", "git+ssh", "ftp", "x-y"});
    // A user name as a URL can hold it: none of / @ : quotes, white space or control characters.
    StringBuilder u = new StringBuilder();
    data.consumeString(10)
        .codePoints()
        .filter(
            c ->
                "/@:'\"".indexOf(c) < 0 && !Character.isWhitespace(c) && !Character.isISOControl(c))
        .forEach(u::appendCodePoint);
    String user = u.toString();
    String at = data.consumeBoolean() ? "@" : "";
    String after = data.consumeRemainingAsString();
    String url = scheme + "://" + user + ":" + at + PASSWORD + at + "@host/r.git";
    Redactor r = new Redactor();
    r.register(TOKEN);
    String text = before + url + " " + TOKEN + after;
    String out = r.redact(text);
    if (!before.contains(PASSWORD) && !after.contains(PASSWORD) && !user.contains(PASSWORD)) {
      assertThat(out).doesNotContain(PASSWORD);
    }
    assertThat(out).doesNotContain(TOKEN);
    assertThat(Redactor.redactUrls(before + after).length())
        .isLessThanOrEqualTo((before + after).length() + 8 * countAt(before + after));
  }

  private static int countAt(String s) {
    return (int) s.chars().filter(c -> c == ':').count();
  }
}
