package dev.gitsync.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitsync.config.AuthSettings;
import dev.gitsync.config.Credential;
import dev.gitsync.config.Secret;
import dev.gitsync.git.Git;
import dev.gitsync.metrics.Metrics;
import dev.gitsync.process.Command;
import dev.gitsync.testing.FakeHttpTransport;
import dev.gitsync.testing.FakeProcessRunner;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.testing.TestLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {
  @TempDir Path tmp;
  private final FakeProcessRunner runner = new FakeProcessRunner();
  private final FakeHttpTransport http = new FakeHttpTransport();
  private final FakeTime time = new FakeTime();
  private final TestLog log = new TestLog();
  private final Metrics metrics = new Metrics();

  private Authenticator auth(AuthSettings s) {
    Git git = new Git(runner, "git", Map.of(), time, log.log());
    return new Authenticator(
        s, "https://h/r", git, Path.of("/"), http, log.log().redactor(), log.log(), time, metrics);
  }

  private Instant deadline() {
    return time.instant().plusSeconds(60);
  }

  private List<String> approvals() {
    return runner.commands().stream().map(Command::stdin).toList();
  }

  @Test
  void refresh_handsACredentialToGitOnlyWhenItChanged_orAfterTenMinutes_orWhenForced()
      throws Exception {
    Path file = Files.writeString(tmp.resolve("pw"), "first\n");
    Authenticator a =
        auth(
            new AuthSettings(
                List.of(
                    new Credential(
                        "https://h/r", "u", Optional.empty(), Optional.of(file.toString()))),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    a.refresh(true, deadline());
    a.refresh(false, deadline());
    assertThat(approvals()).hasSize(1);
    assertThat(approvals().get(0)).isEqualTo("url=https://h/r\nusername=u\npassword=first\n\n");
    Files.writeString(file, "second\n");
    a.refresh(false, deadline());
    assertThat(approvals()).hasSize(2).last().asString().contains("password=second");
    time.advance(Duration.ofMinutes(11));
    a.refresh(false, deadline());
    assertThat(approvals()).hasSize(3);
    a.refresh(true, deadline());
    assertThat(approvals()).hasSize(4);
    assertThat(runner.argvs()).allSatisfy(argv -> assertThat(argv).doesNotContain("second"));
  }

  @Test
  void refresh_askpass_storesWhatItAnswers_andItsErrorsShowNoBody() throws Exception {
    Authenticator a =
        auth(
            new AuthSettings(
                List.of(),
                Optional.of(Secret.of("http://127.0.0.1:9/creds")),
                Optional.empty(),
                Optional.empty()));
    http.then(FakeHttpTransport.response(200, "username=bot\npassword=p4ss w0rd\r\n"));
    a.refresh(true, deadline());
    assertThat(approvals().get(0)).contains("username=bot\npassword=p4ss w0rd\n");
    http.then(FakeHttpTransport.response(500, "token=S3CRET expired"));
    assertThatThrownBy(() -> a.refresh(true, deadline()))
        .hasMessageContaining("auth URL returned status 500")
        .hasMessageNotContaining("S3CRET");
    assertThat(metrics.render()).contains("git_sync_askpass_calls{status=\"error\"} 1");
  }

  @Test
  void refresh_gitRefusingTheCredential_isAGitException_andForgetsItWasStored() throws Exception {
    runner.on(List.of("credential"), FakeProcessRunner.fail(1, "fatal: cannot store"));
    Authenticator a =
        auth(
            new AuthSettings(
                List.of(
                    new Credential(
                        "https://h/r", "u", Optional.of(Secret.of("pw1234")), Optional.empty())),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    assertThatThrownBy(() -> a.refresh(false, deadline()))
        .isInstanceOf(dev.gitsync.git.GitException.class)
        .hasMessageContaining("cannot store");
    assertThatThrownBy(() -> a.refresh(false, deadline()))
        .isInstanceOf(dev.gitsync.git.GitException.class);
    assertThat(runner.commands()).hasSize(2);
  }
}
