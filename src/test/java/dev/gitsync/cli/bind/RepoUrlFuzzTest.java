package dev.gitsync.cli.bind;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gitsync.config.Credential;

/**
 * {@code --repo} URLs with credentials, parsed as upstream's Go parser does. A password (with a raw
 * {@code @} or not, percent-escaped or not) is put into a fuzzed URL. Properties: splitting returns
 * (no exception); when a credential is taken out, the URL left holds no password, and the
 * credential's URL is that URL.
 */
class RepoUrlFuzzTest {
  static final String PASSWORD = "Pa55w0rdQ";

  @FuzzTest(maxDuration = "10s")
  void credentials_areTakenOutWhole(FuzzedDataProvider data) {
    String scheme = data.pickValue(new String[] {"https", "http", "HTTPS", "ssh", "file", "git"});
    String user = data.consumeString(12);
    String pw = data.pickValue(new String[] {PASSWORD, "p@" + PASSWORD, PASSWORD + "%40x"});
    String host = data.consumeString(20);
    String rest = data.consumeRemainingAsString();
    String url = scheme + "://" + user + ":" + pw + "@" + host + rest;
    RepoCredentials c = RepoCredentials.split(url);
    if (c.credential().isPresent()) {
      Credential cred = c.credential().get();
      assertThat(cred.url()).isEqualTo(c.url());
      // (The password may also be spelled by the host and what follows it together.)
      if (!(host + rest).contains(PASSWORD)
          && !user.contains("/")
          && !user.contains("?")
          && !user.contains("#")) {
        assertThat(c.url()).doesNotContain(PASSWORD);
      }
    }
  }
}
