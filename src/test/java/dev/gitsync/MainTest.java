package dev.gitsync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.cli.OptionDef;
import dev.gitsync.cli.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line contract, in process through {@link Main#run}: exit codes, help, manual,
 * validation messages (no JVM is started per case; {@code CliIT} runs the launcher itself).
 */
class MainTest {
  @TempDir Path tmp;

  /** A finished in-process run. */
  record Result(int code, String out, String err) {}

  static Result run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of(args),
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Every flag and env var name upstream v4 accepts (main.go:160-380, env.go). */
  static final List<String> UPSTREAM_FLAGS =
      List.of(
          "repo",
          "ref",
          "depth",
          "filter",
          "submodules",
          "sparse-checkout-file",
          "root",
          "link",
          "error-file",
          "init-period",
          "period",
          "sync-timeout",
          "one-time",
          "sync-on-signal",
          "max-failures",
          "init-max-failures",
          "touch-file",
          "add-user",
          "group-write",
          "stale-worktree-timeout",
          "exechook-command",
          "exechook-timeout",
          "exechook-backoff",
          "pre-publish-exechook-command",
          "pre-publish-exechook-timeout",
          "pre-publish-exechook-backoff",
          "webhook-url",
          "webhook-method",
          "webhook-success-status",
          "webhook-timeout",
          "webhook-backoff",
          "username",
          "password-file",
          "credential",
          "ssh-key-file",
          "ssh-known-hosts",
          "ssh-known-hosts-file",
          "cookie-file",
          "askpass-url",
          "github-base-url",
          "github-app-private-key-file",
          "github-app-client-id",
          "github-app-application-id",
          "github-app-installation-id",
          "git",
          "git-config",
          "git-config-add",
          "git-gc",
          "http-bind",
          "http-metrics",
          "http-pprof",
          "verbose",
          "version",
          "help",
          "man",
          "branch",
          "rev",
          "dest",
          "wait",
          "timeout",
          "max-sync-failures",
          "sync-hook-command",
          "password",
          "change-permissions",
          "v",
          "ssh");

  static final List<String> UPSTREAM_ENVS =
      List.of(
          "GITSYNC_REPO",
          "GIT_SYNC_REPO",
          "GITSYNC_REF",
          "GITSYNC_DEPTH",
          "GIT_SYNC_DEPTH",
          "GITSYNC_FILTER",
          "GITSYNC_SUBMODULES",
          "GIT_SYNC_SUBMODULES",
          "GITSYNC_SPARSE_CHECKOUT_FILE",
          "GIT_SYNC_SPARSE_CHECKOUT_FILE",
          "GITSYNC_ROOT",
          "GIT_SYNC_ROOT",
          "GITSYNC_LINK",
          "GIT_SYNC_LINK",
          "GITSYNC_ERROR_FILE",
          "GIT_SYNC_ERROR_FILE",
          "GITSYNC_INIT_PERIOD",
          "GITSYNC_PERIOD",
          "GIT_SYNC_PERIOD",
          "GITSYNC_SYNC_TIMEOUT",
          "GIT_SYNC_SYNC_TIMEOUT",
          "GITSYNC_ONE_TIME",
          "GIT_SYNC_ONE_TIME",
          "GITSYNC_SYNC_ON_SIGNAL",
          "GIT_SYNC_SYNC_ON_SIGNAL",
          "GITSYNC_MAX_FAILURES",
          "GIT_SYNC_MAX_FAILURES",
          "GITSYNC_INIT_MAX_FAILURES",
          "GITSYNC_TOUCH_FILE",
          "GIT_SYNC_TOUCH_FILE",
          "GITSYNC_ADD_USER",
          "GIT_SYNC_ADD_USER",
          "GITSYNC_GROUP_WRITE",
          "GIT_SYNC_GROUP_WRITE",
          "GITSYNC_STALE_WORKTREE_TIMEOUT",
          "GITSYNC_EXECHOOK_COMMAND",
          "GIT_SYNC_EXECHOOK_COMMAND",
          "GITSYNC_EXECHOOK_TIMEOUT",
          "GIT_SYNC_EXECHOOK_TIMEOUT",
          "GITSYNC_EXECHOOK_BACKOFF",
          "GIT_SYNC_EXECHOOK_BACKOFF",
          "GITSYNC_PRE_PUBLISH_EXECHOOK_COMMAND",
          "GITSYNC_PRE_PUBLISH_EXECHOOK_TIMEOUT",
          "GITSYNC_PRE_PUBLISH_EXECHOOK_BACKOFF",
          "GITSYNC_WEBHOOK_URL",
          "GIT_SYNC_WEBHOOK_URL",
          "GITSYNC_WEBHOOK_METHOD",
          "GIT_SYNC_WEBHOOK_METHOD",
          "GITSYNC_WEBHOOK_SUCCESS_STATUS",
          "GIT_SYNC_WEBHOOK_SUCCESS_STATUS",
          "GITSYNC_WEBHOOK_TIMEOUT",
          "GIT_SYNC_WEBHOOK_TIMEOUT",
          "GITSYNC_WEBHOOK_BACKOFF",
          "GIT_SYNC_WEBHOOK_BACKOFF",
          "GITSYNC_USERNAME",
          "GIT_SYNC_USERNAME",
          "GITSYNC_PASSWORD",
          "GIT_SYNC_PASSWORD",
          "GITSYNC_PASSWORD_FILE",
          "GIT_SYNC_PASSWORD_FILE",
          "GITSYNC_CREDENTIAL",
          "GITSYNC_SSH_KEY_FILE",
          "GIT_SYNC_SSH_KEY_FILE",
          "GIT_SSH_KEY_FILE",
          "GITSYNC_SSH_KNOWN_HOSTS",
          "GIT_SYNC_KNOWN_HOSTS",
          "GIT_KNOWN_HOSTS",
          "GITSYNC_SSH_KNOWN_HOSTS_FILE",
          "GIT_SYNC_SSH_KNOWN_HOSTS_FILE",
          "GIT_SSH_KNOWN_HOSTS_FILE",
          "GITSYNC_COOKIE_FILE",
          "GIT_SYNC_COOKIE_FILE",
          "GIT_COOKIE_FILE",
          "GITSYNC_ASKPASS_URL",
          "GIT_SYNC_ASKPASS_URL",
          "GIT_ASKPASS_URL",
          "GITSYNC_GITHUB_BASE_URL",
          "GITSYNC_GITHUB_APP_PRIVATE_KEY",
          "GITSYNC_GITHUB_APP_PRIVATE_KEY_FILE",
          "GITSYNC_GITHUB_APP_CLIENT_ID",
          "GITSYNC_GITHUB_APP_APPLICATION_ID",
          "GITSYNC_GITHUB_APP_INSTALLATION_ID",
          "GITSYNC_GIT",
          "GIT_SYNC_GIT",
          "GITSYNC_GIT_CONFIG",
          "GIT_SYNC_GIT_CONFIG",
          "GITSYNC_GIT_GC",
          "GIT_SYNC_GIT_GC",
          "GITSYNC_HTTP_BIND",
          "GIT_SYNC_HTTP_BIND",
          "GITSYNC_HTTP_METRICS",
          "GIT_SYNC_HTTP_METRICS",
          "GITSYNC_HTTP_PPROF",
          "GIT_SYNC_HTTP_PPROF",
          "GITSYNC_VERBOSE",
          "GIT_SYNC_BRANCH",
          "GIT_SYNC_REV",
          "GIT_SYNC_DEST",
          "GIT_SYNC_WAIT",
          "GIT_SYNC_TIMEOUT",
          "GIT_SYNC_MAX_SYNC_FAILURES",
          "GIT_SYNC_HOOK_COMMAND",
          "GIT_SYNC_PERMISSIONS");

  @Test
  void man_everyUpstreamFlagAndEnv_isDocumented() throws Exception {
    Result r = run(Map.of(), "--man");
    assertThat(r.code()).isZero();
    for (String f : UPSTREAM_FLAGS) {
      if (!f.equals("v")) {
        assertThat(r.out()).as("--man mentions --%s", f).contains("--" + f);
      }
    }
    for (String e : UPSTREAM_ENVS) {
      assertThat(r.out()).as("--man mentions $%s", e).contains("$" + e);
    }
  }

  @Test
  void table_everyUpstreamFlagAndEnv_isDeclared() {
    for (String f : UPSTREAM_FLAGS) {
      assertThat(Options.byName(f)).as("flag --%s", f).isNotNull();
    }
    List<String> envs = Options.all().stream().flatMap(o -> o.envs().stream()).toList();
    assertThat(envs).containsAll(UPSTREAM_ENVS);
  }

  @Test
  void everyFlag_isAcceptedByTheParser() throws Exception {
    // Each upstream flag parses (exit 1 from validation at most, never 2).
    for (OptionDef o : Options.all()) {
      if (!o.hasFlag() || List.of("help", "man", "version").contains(o.name())) {
        continue;
      }
      String value;
      switch (o.type()) {
        case BOOL:
          value = "true";
          break;
        case INT:
          value = "1";
          break;
        case FLOAT:
          value = "1.5";
          break;
        case DURATION:
          value = "5s";
          break;
        default:
          value = "x";
      }
      Result r = run(Map.of(), "--" + o.name() + "=" + value);
      assertThat(r.code()).as("--%s: %s", o.name(), r.err()).isEqualTo(1);
      assertThat(r.err()).doesNotContain("unknown flag");
    }
  }

  @Test
  void help_version_exitZero() throws Exception {
    Result help = run(Map.of(), "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--repo", "--root", "--period", "Usage: git-sync");
    assertThat(run(Map.of(), "-h").code()).isZero();
    assertThat(run(Map.of(), "-?").code()).isZero();
    Result v = run(Map.of(), "--version");
    assertThat(v.code()).isZero();
    assertThat(v.out().trim()).isNotEmpty();
  }

  @Test
  void unknownFlag_exit2_suggestsNearest() throws Exception {
    Result r = run(Map.of(), "--sync-timout=5s", "--repo=x", "--root=/tmp/x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown flag: --sync-timout", "did you mean --sync-timeout?");
  }

  @Test
  void singleDashLongFlag_exit2() throws Exception {
    Result r = run(Map.of(), "-repo=x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("long flags take two dashes: --repo");
  }

  @Test
  void badValue_exit2() throws Exception {
    Result r = run(Map.of(), "--depth=abc", "--period=ten");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("invalid argument \"abc\" for \"--depth\"")
        .contains("invalid argument \"ten\" for \"--period\"");
  }

  @Test
  void badEnvValue_exit1_fatal() throws Exception {
    Result r = run(Map.of("GITSYNC_ONE_TIME", "maybe"), "--repo=x");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("FATAL: invalid bool env GITSYNC_ONE_TIME");
  }

  @Test
  void configErrors_allReportedAtOnce_exit1() throws Exception {
    Result r =
        run(
            Map.of(),
            "--depth=-1",
            "--period=1ms",
            "--submodules=all",
            "--git-gc=never",
            "--change-permissions=777",
            "--sync-on-signal=SIGNOPE");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("required flag: --root must be specified")
        .contains("required flag: --repo must be specified")
        .contains("--depth must be greater than or equal to 0")
        .contains("--period must be at least 10ms")
        .contains("--submodules must be one of")
        .contains("--git-gc must be one of")
        .contains("--change-permissions is no longer supported")
        .contains("--sync-on-signal must be a valid signal name or number");
  }

  @Test
  void configError_writtenToErrorFile() throws Exception {
    Path root = tmp.resolve("root");
    Result r = run(Map.of(), "--root=" + root, "--repo=x", "--depth=-3", "--error-file=err/e.txt");
    assertThat(r.code()).isEqualTo(1);
    assertThat(Files.readString(root.resolve("err/e.txt")))
        .contains("--depth must be greater than or equal to 0");
  }

  @Test
  void authFlags_areValidatedAtStartup_withoutEchoingSecrets() throws Exception {
    Result r =
        run(
            Map.of(
                "GITSYNC_ASKPASS_URL", "ftp://user:SECRETX@askpass.example/creds",
                "GITSYNC_PASSWORD", "SECRETY"),
            "--root=" + tmp.resolve("r"),
            "--repo=https://u:SECRETZ@example.com/x",
            "--username=u",
            "--github-app-application-id=1",
            "--cookie-file",
            "--cookie-file-path=" + tmp.resolve("no-cookies"),
            "--sparse-checkout-file=sparse.txt");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("--askpass-url must be an http or https URL")
        .contains("credentials may be specified in --repo or with --username, not both")
        .contains("--github-app-installation-id is required")
        .contains("--cookie-file: can't access git cookiefile")
        .contains("--sparse-checkout-file: can't read sparse.txt")
        .doesNotContain("SECRETX")
        .doesNotContain("SECRETY")
        .doesNotContain("SECRETZ");
  }

  @Test
  void branchAndRev_bothSet_isAnError() throws Exception {
    Result r = run(Map.of(), "--root=" + tmp.resolve("r"), "--repo=x", "--branch=a", "--rev=b");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("can't set --ref from deprecated --branch and --rev");
  }

  @Test
  void deprecatedFlag_warns() throws Exception {
    Result r = run(Map.of(), "--branch=main", "--root=" + tmp.resolve("r"));
    assertThat(r.err()).contains("Flag --branch has been deprecated, use --ref instead");
  }

  @Test
  void legacyEnv_warns() throws Exception {
    Result r = run(Map.of("GIT_SYNC_ROOT", tmp.resolve("r").toString()));
    assertThat(r.err())
        .contains("env $GIT_SYNC_ROOT has been deprecated, use $GITSYNC_ROOT instead")
        .doesNotContain("--root must be specified");
  }

  @Test
  void unexpectedArgument_isAnError() throws Exception {
    Result r = run(Map.of(), "--root=" + tmp.resolve("r"), "--repo=x", "stray");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("unexpected argument \"stray\"");
  }
}
