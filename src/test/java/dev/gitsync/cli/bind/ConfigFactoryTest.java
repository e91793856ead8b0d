package dev.gitsync.cli.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.cli.ArgParser;
import dev.gitsync.cli.ParsedOptions;
import dev.gitsync.config.Config;
import dev.gitsync.config.Credential;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFactoryTest {
  private static final Path CWD = Path.of("/work/dir");

  private static Config config(Map<String, String> env, String... args) {
    ParsedOptions p = ArgParser.parse(List.of(args), env);
    assertThat(p.usageErrors()).isEmpty();
    assertThat(p.envErrors()).isEmpty();
    ConfigFactory.Result r = ConfigFactory.build(p, CWD, env);
    assertThat(r.errors()).isEmpty();
    return r.config().orElseThrow();
  }

  private static Config config(String... args) {
    List<String> l =
        new ArrayList<>(List.of("--repo=https://example.com/org/repo.git/", "--root=r"));
    l.addAll(List.of(args));
    return config(Map.of(), l.toArray(new String[0]));
  }

  private static List<String> errors(Map<String, String> env, String... args) {
    return ConfigFactory.build(ArgParser.parse(List.of(args), env), CWD, env).errors();
  }

  @Test
  void defaults_matchUpstream() {
    Config c = config();
    assertThat(c.ref()).isEqualTo("HEAD");
    assertThat(c.depth()).isEqualTo(1);
    assertThat(c.period()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.initPeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.syncTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.maxFailures()).isZero();
    assertThat(c.initMaxFailures()).isEmpty();
    assertThat(c.submodules()).isEqualTo(Config.Submodules.RECURSIVE);
    assertThat(c.gitGc()).isEqualTo(Config.GitGc.ALWAYS);
    assertThat(c.link()).isEqualTo("repo.git");
    assertThat(c.root().toString()).isEqualTo("/work/dir/r");
    assertThat(c.ssh().keyFiles()).containsExactly("/etc/git-secret/ssh");
    assertThat(c.ssh().knownHosts()).isTrue();
    assertThat(c.verbosity()).isZero();
  }

  @Test
  void env_setsDefault_flagOverrides() {
    Map<String, String> env =
        Map.of("GITSYNC_REPO", "x", "GITSYNC_ROOT", "/r", "GITSYNC_DEPTH", "3");
    assertThat(config(env).depth()).isEqualTo(3);
    assertThat(config(env, "--depth=5").depth()).isEqualTo(5);
  }

  @Test
  void legacyEnv_winsOverNewEnv() {
    Map<String, String> env = new HashMap<>(Map.of("GITSYNC_REPO", "x", "GITSYNC_ROOT", "/r"));
    env.put("GITSYNC_PERIOD", "5s");
    env.put("GIT_SYNC_PERIOD", "7s");
    assertThat(config(env).period()).isEqualTo(Duration.ofSeconds(7));
    ParsedOptions p = ArgParser.parse(List.of(), env);
    assertThat(p.warnings())
        .contains("env $GIT_SYNC_PERIOD has been deprecated, use $GITSYNC_PERIOD instead");
  }

  @Test
  void deprecatedFlags_mapAndWin() {
    assertThat(config("--wait=1.5", "--period=5s").period()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config("--timeout=7", "--sync-timeout=5s").syncTimeout())
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(config("--max-sync-failures=4", "--max-failures=2").maxFailures()).isEqualTo(4);
    assertThat(config("--dest=d", "--link=l").link()).isEqualTo("d");
    assertThat(config("--rev=v1").ref()).isEqualTo("v1");
    assertThat(config("--branch=b", "--rev=HEAD").ref()).isEqualTo("b");
    assertThat(config("--v=3", "-v", "1").verbosity()).isEqualTo(3);
    assertThat(config("--ssh").ref()).isEqualTo("HEAD");
  }

  @Test
  void envOnlyFlagForms() {
    Map<String, String> env =
        Map.of("GITSYNC_REPO", "x", "GITSYNC_ROOT", "/r", "GITSYNC_SSH_KEY_FILE", "/a:/b");
    assertThat(config(env).ssh().keyFiles()).containsExactly("/a", "/b");
    assertThat(config(env, "--ssh-key-file=/c", "--ssh-key-file=/d").ssh().keyFiles())
        .containsExactly("/c", "/d");
  }

  @Test
  void verboseShorthandForms() {
    assertThat(config("-v5").verbosity()).isEqualTo(5);
    assertThat(config("-v=6").verbosity()).isEqualTo(6);
    assertThat(config("--verbose", "2").verbosity()).isEqualTo(2);
  }

  @Test
  void initMaxFailures_appliesOnlyWhenSet_byEnvOrFlag() {
    assertThat(config("--init-max-failures=0").initMaxFailures()).hasValue(0);
    Map<String, String> env =
        Map.of("GITSYNC_REPO", "x", "GITSYNC_ROOT", "/r", "GITSYNC_INIT_MAX_FAILURES", "-1");
    assertThat(config(env).initMaxFailures()).hasValue(-1);
  }

  @Test
  void initPeriod_validatedOnlyWhenSet() {
    assertThat(config("--init-period=20ms").initPeriod()).isEqualTo(Duration.ofMillis(20));
    assertThat(errors(Map.of(), "--repo=x", "--root=/r", "--init-period=5ms"))
        .containsExactly("invalid flag: --init-period must be at least 10ms if set");
  }

  @Test
  void auth_combinations_areValidatedEvenBeforeTheFeatureExists() {
    List<String> e = errors(Map.of(), "--repo=x", "--root=/r", "--username=u");
    assertThat(e)
        .contains("invalid flag: --username requires $GITSYNC_PASSWORD or --password-file");
    e = errors(Map.of("GITSYNC_PASSWORD", "p"), "--repo=x", "--root=/r");
    assertThat(e)
        .contains("invalid flag: $GITSYNC_PASSWORD and --password-file require --username");
    e = errors(Map.of(), "--repo=x", "--root=/r", "--http-metrics");
    assertThat(e).anyMatch(s -> s.contains("require --http-bind"));
    e =
        errors(
            Map.of(),
            "--repo=x",
            "--root=/r",
            "--github-app-application-id=1",
            "--github-app-client-id=c");
    assertThat(e)
        .anyMatch(s -> s.contains("--github-app-installation-id is required"))
        .anyMatch(s -> s.contains("only one of --github-app-application-id"));
  }

  @Test
  void hooks_timeoutsValidated_whenHookSet() {
    List<String> e =
        errors(
            Map.of(),
            "--repo=x",
            "--root=/r",
            "--exechook-command=/bin/true",
            "--exechook-timeout=500ms",
            "--webhook-url=http://h",
            "--webhook-success-status=-2");
    assertThat(e)
        .contains("invalid flag: --exechook-timeout must be at least 1s")
        .contains("invalid flag: --webhook-success-status must be a valid HTTP code or 0");
    assertThat(
            errors(
                Map.of(),
                "--repo=x",
                "--root=/r",
                "--webhook-url=http://h",
                "--webhook-success-status=-1"))
        .noneMatch(s -> s.contains("valid HTTP code"));
  }

  @Test
  void startupFlags_redactSecretsAndUrlCredentials() {
    Config c = config(Map.of("GITSYNC_ROOT", "/r"), "--repo=https://u:tok3n@h/r");
    assertThat(String.join(" ", c.startupFlags())).doesNotContain("tok3n").contains("REDACTED@h");
  }

  @Test
  void refIsHash_onlyForFullLowercaseHex() {
    assertThat(config("--ref=" + "a".repeat(40)).refIsHash()).isTrue();
    assertThat(config("--ref=" + "A".repeat(40)).refIsHash()).isFalse();
    assertThat(config("--ref=abc123").refIsHash()).isFalse();
  }

  @Test
  void repoUrlCredentials_areMovedOutOfTheUrl() {
    Config c =
        config(Map.of(), "--repo=https://bot:p%40ss@git.example.com:8443/org/r.git", "--root=r");
    assertThat(c.repo()).isEqualTo("https://git.example.com:8443/org/r.git");
    assertThat(c.auth().credentials()).hasSize(1);
    Credential cred = c.auth().credentials().get(0);
    assertThat(cred.url()).isEqualTo(c.repo());
    assertThat(cred.username()).isEqualTo("bot");
    assertThat(cred.password().orElseThrow().reveal()).isEqualTo("p@ss");
    assertThat(c.toString()).doesNotContain("p@ss", "p%40ss");
    // ssh user names are not secrets and stay.
    assertThat(config(Map.of(), "--repo=ssh://git@h/r", "--root=r").repo())
        .isEqualTo("ssh://git@h/r");
  }

  @Test
  void repoUrlCredentials_aRawAtInThePassword_splitAtTheLastAt_asUpstreamsGoParser() {
    Config c = config(Map.of(), "--repo=http://user:p@ssWORD@host/r.git", "--root=r");
    assertThat(c.repo()).isEqualTo("http://host/r.git");
    Credential cred = c.auth().credentials().get(0);
    assertThat(cred.username()).isEqualTo("user");
    assertThat(cred.password().orElseThrow().reveal()).isEqualTo("p@ssWORD");
    assertThat(c.toString() + String.join(" ", c.startupFlags())).doesNotContain("ssWORD");
    Config q = config(Map.of(), "--repo=https://t@k@h:1/r?x=@y#@z", "--root=r");
    assertThat(q.repo()).isEqualTo("https://h:1/r?x=@y#@z");
    assertThat(q.auth().credentials().get(0).username()).isEqualTo("t@k");
    assertThat(config(Map.of(), "--repo=https://h/r@x", "--root=r").repo())
        .as("an @ after the authority is the path's")
        .isEqualTo("https://h/r@x");
  }

  @Test
  void credentialFlag_takesObjectsAndLists_repeatable_andPasswordFilesBecomeAbsolute() {
    Config c =
        config(
            "--credential={\"url\":\"https://a\",\"username\":\"u\",\"password\":\"pw\"}",
            "--credential=[{\"url\":\"https://b\",\"username\":\"v\",\"password-file\":\"f\"}]");
    assertThat(c.auth().credentials())
        .extracting(Credential::url, Credential::username, Credential::passwordFile)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("https://a", "u", java.util.Optional.empty()),
            org.assertj.core.groups.Tuple.tuple(
                "https://b", "v", java.util.Optional.of("/work/dir/f")));
  }

  @Test
  void credentialFlag_errorsNameTheProblem() {
    assertThat(errors(Map.of(), "--repo=x", "--root=r", "--credential={\"url\":\"h\"}"))
        .containsExactly("invalid flag: --credential: username must be specified for h");
    assertThat(
            errors(
                Map.of(),
                "--repo=x",
                "--root=r",
                "--credential={\"url\":\"h\",\"username\":\"u\",\"password\":\"a\",\"password-file\":\"b\"}"))
        .containsExactly(
            "invalid flag: --credential: exactly one of password or password-file must be"
                + " specified for h");
    assertThat(errors(Map.of(), "--repo=x", "--root=r", "--credential=nope"))
        .singleElement()
        .asString()
        .startsWith("invalid flag: --credential: not a JSON object or list");
  }

  @Test
  void githubApp_issuerIsTheClientIdOrTheApplicationId() {
    Config byClient =
        config(
            Map.of("GITSYNC_GITHUB_APP_PRIVATE_KEY", "pem"),
            "--repo=x",
            "--root=r",
            "--github-app-client-id=Iv1.abc",
            "--github-app-installation-id=9");
    assertThat(byClient.auth().githubApp().orElseThrow().issuer()).isEqualTo("Iv1.abc");
    Config byId =
        config(
            Map.of(),
            "--repo=x",
            "--root=r",
            "--github-app-private-key-file=k.pem",
            "--github-app-application-id=77",
            "--github-app-installation-id=9");
    assertThat(byId.auth().githubApp().orElseThrow().issuer()).isEqualTo("77");
    assertThat(byId.auth().githubApp().orElseThrow().privateKeyFile()).contains("/work/dir/k.pem");
  }

  @Test
  void refOrRepoStartingWithADash_isRefused() {
    assertThat(errors(Map.of(), "--repo=x", "--root=r", "--ref=--upload-pack=touch /tmp/x"))
        .anyMatch(e -> e.contains("--ref must not start with '-'"));
    assertThat(errors(Map.of(), "--repo=--upload-pack=x", "--root=r"))
        .anyMatch(e -> e.contains("--repo must not start with '-'"));
  }

  @Test
  void webhookMethodAndHeaders_mustBeValidHttp() {
    String url = "--webhook-url=http://127.0.0.1/";
    assertThat(errors(Map.of(), "--repo=x", "--root=r", url, "--webhook-method=BAD METHOD"))
        .anyMatch(e -> e.contains("--webhook-method must be an HTTP method"));
    assertThat(errors(Map.of(), "--repo=x", "--root=r", url, "--webhook-method="))
        .anyMatch(e -> e.contains("--webhook-method must be an HTTP method"));
    List<String> cr =
        errors(Map.of(), "--repo=x", "--root=r", url, "--webhook-header=X-Token: se\rcret1234");
    assertThat(cr)
        .anyMatch(e -> e.contains("--webhook-header X-Token"))
        .noneMatch(e -> e.contains("cret1234"));
    assertThat(errors(Map.of(), "--repo=x", "--root=r", url, "--webhook-method=PUT")).isEmpty();
  }

  @Test
  void hookCommands_thatCannotRun_areStartupErrors() {
    assertThat(errors(Map.of(), "--repo=x", "--root=r", "--exechook-command=/nonexistent/hook"))
        .anyMatch(e -> e.contains("--exechook-command: /nonexistent/hook is not an executable"));
    assertThat(
            errors(
                Map.of(),
                "--repo=x",
                "--root=r",
                "--pre-publish-exechook-command=no-such-program-anywhere"))
        .anyMatch(e -> e.contains("--pre-publish-exechook-command"));
    // Relative paths resolve in the worktree, which does not exist yet.
    assertThat(errors(Map.of(), "--repo=x", "--root=r", "--exechook-command=./hook.sh")).isEmpty();
    assertThat(errors(Map.of(), "--repo=x", "--root=r", "--exechook-command=sh")).isEmpty();
  }

  @Test
  void dangerousRootsAndLinks_areRefused() {
    assertThat(
            ConfigFactory.build(
                    ArgParser.parse(List.of("--repo=x", "--root=/home/me"), Map.of()),
                    CWD,
                    Map.of("HOME", "/home/me"))
                .errors())
        .anyMatch(e -> e.contains("--root /home/me is your home directory"));
    assertThat(errors(Map.of(), "--repo=x", "--root=/", "--one-time"))
        .anyMatch(e -> e.contains("--root / is a system directory"));
    assertThat(errors(Map.of(), "--repo=x", "--root=/srv/git", "--link=.worktrees/x"))
        .anyMatch(e -> e.contains("--link .worktrees/x must not be inside /srv/git/.worktrees"));
  }

  @Test
  void tokenOnlyRepoUrl_becomesACredentialWithAnEmptyPassword() {
    Config c = config(Map.of(), "--repo=https://ghp_token123@github.com/o/r", "--root=r");
    assertThat(c.repo()).isEqualTo("https://github.com/o/r");
    Credential cred = c.auth().credentials().get(0);
    assertThat(cred.username()).isEqualTo("ghp_token123");
    assertThat(cred.password().orElseThrow().reveal()).isEmpty();
  }

  @Test
  void trigger_isOffByDefault_andEachMistakeNamesItsFlag(@org.junit.jupiter.api.io.TempDir Path t)
      throws Exception {
    assertThat(config().trigger()).isEmpty();
    Path secret = java.nio.file.Files.writeString(t.resolve("s"), "hunter2-hunter2-hunter2\n");
    Path weak = java.nio.file.Files.writeString(t.resolve("w"), "hunter2\n");
    Path placeholder =
        java.nio.file.Files.copy(
            Path.of("deploy/components/push-trigger/trigger-secret.txt"), t.resolve("p"));
    for (Path bad : List.of(weak, placeholder)) {
      assertThat(
              errors(
                  Map.of(),
                  "--repo=https://example.com/r",
                  "--root=r",
                  "--trigger-bind=:9000",
                  "--trigger-secret-file=" + bad))
          .singleElement()
          .asString()
          .startsWith("invalid flag: --trigger-secret-file " + bad)
          .containsAnyOf("a secret of 7 bytes", "the example's placeholder");
    }
    Path empty = java.nio.file.Files.writeString(t.resolve("e"), "\n");
    String repo = "--repo=https://example.com/r";
    Config c =
        config(
            "--trigger-bind=:9000", "--trigger-secret-file=" + secret, "--trigger-min-interval=3s");
    assertThat(c.trigger().orElseThrow().bind().port()).isEqualTo(9000);
    assertThat(c.trigger().orElseThrow().minInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config("--trigger-bind=:9000", "--trigger-secret-file=" + secret).trigger())
        .get()
        .extracting(x -> x.minInterval())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(errors(Map.of(), repo, "--root=r", "--trigger-bind=:9000"))
        .singleElement()
        .asString()
        .contains("--trigger-bind requires --trigger-secret-file");
    assertThat(errors(Map.of(), repo, "--root=r", "--trigger-secret-file=" + secret))
        .containsExactly("invalid flag: --trigger-secret-file requires --trigger-bind");
    assertThat(
            errors(
                Map.of(),
                repo,
                "--root=r",
                "--trigger-bind=:9000",
                "--trigger-secret-file=" + empty))
        .singleElement()
        .asString()
        .contains("--trigger-secret-file", "is empty");
    assertThat(
            errors(
                Map.of(),
                repo,
                "--root=r",
                "--trigger-bind=:9000",
                "--trigger-secret-file=" + t.resolve("missing")))
        .singleElement()
        .asString()
        .contains("--trigger-secret-file: can't read");
    assertThat(
            errors(
                Map.of(),
                repo,
                "--root=r",
                "--http-bind=:9000",
                "--trigger-bind=:9000",
                "--trigger-secret-file=" + secret))
        .singleElement()
        .asString()
        .contains("--trigger-bind must differ from --http-bind");
    assertThat(
            errors(
                Map.of(),
                repo,
                "--root=r",
                "--http-bind=127.0.0.1:0",
                "--trigger-bind=127.0.0.1:0",
                "--trigger-secret-file=" + secret))
        .as("two ephemeral ports never collide")
        .isEmpty();
    assertThat(
            errors(
                Map.of(),
                repo,
                "--root=r",
                "--trigger-bind=:9000",
                "--trigger-secret-file=" + secret,
                "--trigger-min-interval=-1s"))
        .containsExactly("invalid flag: --trigger-min-interval must not be negative");
    assertThat(
            config(
                    Map.of(
                        "GITSYNC_REPO", "x",
                        "GITSYNC_ROOT", "/r",
                        "GITSYNC_TRIGGER_BIND", ":9001",
                        "GITSYNC_TRIGGER_SECRET_FILE", secret.toString()))
                .trigger()
                .orElseThrow()
                .bind()
                .port())
        .isEqualTo(9001);
  }

  @Test
  void leaderElection_findsTheClusterAsClientsDo_andNamesWhatIsMissing(
      @org.junit.jupiter.api.io.TempDir Path sa) throws Exception {
    assertThat(config().notifications().leaderElection()).isEmpty();
    java.nio.file.Files.writeString(sa.resolve("token"), "t");
    java.nio.file.Files.writeString(sa.resolve("ca.crt"), "c");
    java.nio.file.Files.writeString(sa.resolve("namespace"), "apps\n");
    Map<String, String> env =
        Map.of(
            "KUBERNETES_SERVICE_HOST", "fd00::1",
            "KUBERNETES_SERVICE_PORT", "443",
            "POD_NAME", "web-7d9c5-abcde");
    String[] args = {
      "--repo=https://example.com/org/My_Repo.git",
      "--root=r",
      "--ref=main",
      "--notify=generic+https://example.com/h",
      "--notify-leader-election",
      "--kube-service-account-dir=" + sa
    };
    dev.gitsync.config.LeaderElection le =
        config(env, args).notifications().leaderElection().orElseThrow();
    assertThat(le.apiUrl().toString()).isEqualTo("https://[fd00::1]:443");
    assertThat(le.namespace()).isEqualTo("apps");
    assertThat(le.identity()).isEqualTo("web-7d9c5-abcde");
    assertThat(le.lease()).matches("git-sync-my-repo-[0-9a-f]{10}");
    assertThat(config(env, args).notifications().leaderElection().orElseThrow().lease())
        .as("the same in every replica")
        .isEqualTo(le.lease());
    String[] otherRef = args.clone();
    otherRef[2] = "--ref=dev";
    assertThat(config(env, otherRef).notifications().leaderElection().orElseThrow().lease())
        .isNotEqualTo(le.lease());
    assertThat(le.leaseDuration()).isEqualTo(java.time.Duration.ofSeconds(15));
    String[] shorter = java.util.Arrays.copyOf(args, args.length + 1);
    shorter[args.length] = "--notify-lease-duration=6s";
    assertThat(config(env, shorter).notifications().leaderElection().orElseThrow().leaseDuration())
        .isEqualTo(java.time.Duration.ofSeconds(6));
    for (String bad : List.of("2s", "1500ms", "11m", "4.5s")) {
      shorter[args.length] = "--notify-lease-duration=" + bad;
      assertThat(errors(env, shorter))
          .as(bad)
          .singleElement()
          .asString()
          .contains("--notify-lease-duration: must be whole seconds from 3s to 10m");
    }

    assertThat(errors(Map.of(), args))
        .singleElement()
        .asString()
        .contains("not in a Kubernetes pod", "--kube-api-url");
    java.nio.file.Files.delete(sa.resolve("token"));
    java.nio.file.Files.delete(sa.resolve("namespace"));
    List<String> errs =
        errors(
            Map.of(),
            "--repo=x",
            "--root=r",
            "--notify=generic+https://example.com/h",
            "--notify-leader-election",
            "--kube-service-account-dir=" + sa,
            "--kube-api-url=http://10.0.0.1",
            "--notify-lease-name=Not_Valid");
    assertThat(String.join("\n", errs))
        .contains(
            "--notify-lease-name: Not_Valid is not a valid object name",
            "can't tell the namespace",
            "token can't be read",
            "--kube-api-url: http://10.0.0.1 is not an https URL");
    assertThat(errors(env, "--repo=x", "--root=r", "--notify-leader-election"))
        .anyMatch(e -> e.contains("--notify-leader-election needs --notify"));
  }

  @Test
  void views_carryTheirFields_andPathsResolveAgainstTheRealRoot() {
    Config c =
        config(
            "--ref=0123456789abcdef0123456789abcdef01234567",
            "--period=3s",
            "--max-failures=4",
            "--link=sub/current",
            "--touch-file=/abs/touched",
            "--depth=0",
            "--group-write");
    dev.gitsync.config.LoopSettings loop = c.loop();
    assertThat(loop.refIsHash()).isTrue();
    assertThat(loop.period()).isEqualTo(Duration.ofSeconds(3));
    assertThat(loop.maxFailures()).isEqualTo(4);
    assertThat(loop.groupWrite()).isTrue();
    dev.gitsync.config.SyncSettings sync = c.sync();
    assertThat(sync.repo()).isEqualTo(c.repo());
    assertThat(sync.depth()).isZero();
    assertThat(sync.syncTimeout()).isEqualTo(Duration.ofSeconds(120));
    dev.gitsync.config.RootPaths paths = c.under(dev.gitsync.fs.AbsPath.of(Path.of("/real/root")));
    assertThat(paths.link().toString()).isEqualTo("/real/root/sub/current");
    assertThat(paths.touchFile()).contains(Path.of("/abs/touched"));
    assertThat(paths.outbox().startsWith(Path.of("/real/root"))).isTrue();
    assertThat(config("--touch-file=t").under(paths.root()).touchFile())
        .contains(Path.of("/real/root/t"));
  }

  @Test
  void unreadableFiles_nameTheirFlagAndTheCause() throws Exception {
    Path dir = java.nio.file.Files.createTempDirectory("cf");
    Path big = dir.resolve("big");
    java.nio.file.Files.write(big, new byte[2 * 1024 * 1024]);
    assertThat(errors(Map.of(), "--repo=x", "--root=r", "--notify-file=/nonexistent/urls"))
        .containsExactly("invalid flag: --notify-file: can't read /nonexistent/urls: no such file");
    assertThat(errors(Map.of(), "--repo=x", "--root=r", "--notify-file=" + dir))
        .containsExactly(
            "invalid flag: --notify-file: can't read " + dir + ": a directory, not a file");
    assertThat(errors(Map.of(), "--repo=x", "--root=r", "--notify-file=" + big))
        .singleElement()
        .asString()
        .startsWith("invalid flag: --notify-file: can't read " + big + ": too large");
    assertThat(
            errors(
                Map.of(),
                "--repo=x",
                "--root=r",
                "--trigger-bind=127.0.0.1:0",
                "--trigger-secret-file=/nonexistent/secret"))
        .contains(
            "invalid flag: --trigger-secret-file: can't read /nonexistent/secret: no such file");
  }
}
