package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication end to end against real servers on 127.0.0.1: git's smart HTTP protocol with basic
 * auth, sshd with generated keys, an askpass endpoint, a fake GitHub API that verifies the app's
 * JWT, and a cookie-checking server. Each mode succeeds with the right credentials and fails
 * clearly with wrong ones. Every secret used is then searched for in everything the tests saw
 * git-sync write (output, roots, error files, metrics) and in every process's arguments, sampled
 * while the tests run.
 */
class AuthIT {
  @TempDir static Path shared;
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  private static final Set<String> LEAKED_ARGS = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean SAMPLING = new AtomicBoolean(true);
  private static Thread sampler;

  Path tmp;
  Path secrets;
  Repo repo;
  String first;

  @BeforeAll
  static void sampleProcessArguments() {
    sampler =
        new Thread(
            () -> {
              while (SAMPLING.get()) {
                try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                  procs.forEach(AuthIT::checkArgs);
                } catch (IOException ignored) {
                  // /proc is always there on Linux.
                }
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "cmdline-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private static void checkArgs(Path proc) {
    try {
      String args =
          new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
              .replace('\0', ' ');
      for (String s : SECRETS) {
        if (args.contains(s)) {
          LEAKED_ARGS.add(args);
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // Processes come and go.
    }
  }

  @AfterAll
  static void noSecretAppearsAnywhere() throws Exception {
    SAMPLING.set(false);
    sampler.join();
    assertThat(SECRETS).hasSizeGreaterThan(8);
    assertThat(LEAKED_ARGS).as("process arguments holding a secret").isEmpty();
    List<String> leaks = new ArrayList<>();
    try (Stream<Path> files = Files.walk(shared)) {
      files
          .filter(Files::isRegularFile)
          .filter(f -> !shared.relativize(f).toString().matches("[^/]+/(secrets|sshd)/.*"))
          .forEach(
              f -> {
                byte[] bytes;
                try {
                  bytes = Files.readAllBytes(f);
                } catch (IOException e) {
                  return;
                }
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                for (String s : SECRETS) {
                  if (text.contains(s)) {
                    leaks.add(f + " contains a secret");
                  }
                }
              });
    }
    assertThat(leaks).isEmpty();
  }

  @BeforeEach
  void setUp(TestInfo info) throws Exception {
    tmp = shared.resolve(info.getTestMethod().orElseThrow().getName());
    secrets = tmp.resolve("secrets");
    Files.createDirectories(secrets);
    repo = new Repo(tmp.resolve("remote"));
    first = repo.commit("file.txt", "one");
  }

  private Path secretFile(String name, String value) throws IOException {
    SECRETS.add(value);
    Path f = secrets.resolve(name);
    Files.writeString(f, value + "\n");
    return f;
  }

  private Path root() {
    return tmp.resolve("root");
  }

  @Test
  void passwordFile_isReadBeforeEachSync_soARotatedTokenIsPickedUp() throws Exception {
    String pw1 = "rotating-token-one-7Qx";
    String pw2 = "rotating-token-two-9Zk";
    SECRETS.add(pw2);
    Path pwFile = secretFile("password", pw1);
    try (GitHttpServer server = new GitHttpServer(tmp).require("robot", pw1)) {
      GitSync g =
          GitSync.start(
              tmp,
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--username=robot",
              "--password-file=" + pwFile,
              "--period=200ms",
              "--max-failures=-1",
              "--error-file=error.json",
              "-v",
              "6");
      try {
        await()
            .atMost(30, SECONDS)
            .until(() -> first.equals(Disk.linkHashOrNull(root().resolve("remote"))));
        assertThat(server.users).contains("robot");
        server.require("robot", pw2);
        String second = repo.commit("file.txt", "two");
        await()
            .atMost(30, SECONDS)
            .until(
                () ->
                    Disk.readOrEmpty(root().resolve("error.json"))
                        .contains("Authentication failed"));
        Files.writeString(pwFile, pw2 + "\n");
        await()
            .atMost(30, SECONDS)
            .until(() -> second.equals(Disk.linkHashOrNull(root().resolve("remote"))));
        assertThat(Files.readString(root().resolve("remote/file.txt"))).isEqualTo("two");
      } finally {
        g.kill();
      }
      assertThat(g.err()).contains("storing git credential");
    }
  }

  @Test
  void unchangedCredentials_areNotHandedToGitOnEveryPoll() throws Exception {
    String pw = "steady-password-3Nc";
    Path pwFile = secretFile("password", pw);
    try (GitHttpServer server = new GitHttpServer(tmp).require("robot", pw)) {
      GitSync g =
          GitSync.start(
              tmp,
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--username=robot",
              "--password-file=" + pwFile,
              "--period=100ms",
              "-v",
              "5");
      try {
        await()
            .atMost(30, SECONDS)
            .until(() -> g.err().split("\"cmd\":\"git fetch ", -1).length > 10);
      } finally {
        g.kill();
      }
      // Ten polls, one git process each; the credential went to git once.
      assertThat(g.err().split("\"cmd\":\"git credential approve\"", -1)).hasSize(2);
    }
  }

  @Test
  void wrongPassword_failsWithAClearError_andRightOneWorks() throws Exception {
    String right = "right-password-4Hn";
    String wrong = "wrong-password-8Kd";
    SECRETS.add(right);
    SECRETS.add(wrong);
    try (GitHttpServer server = new GitHttpServer(tmp).require("robot", right)) {
      GitSync.Result bad =
          GitSync.run(
              tmp,
              Map.of("GITSYNC_PASSWORD", wrong),
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--username=robot",
              "--one-time",
              "--error-file=error.json");
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.err()).contains("Authentication failed for");
      assertThat(Files.readString(root().resolve("error.json"))).contains("Authentication failed");
      assertThat(Disk.linkHashOrNull(root().resolve("remote"))).isNull();

      // The legacy env name works too.
      GitSync.Result good =
          GitSync.run(
              tmp,
              Map.of("GIT_SYNC_PASSWORD", right),
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--username=robot",
              "--one-time");
      assertThat(good.code()).as(good.err()).isZero();
      assertThat(Disk.linkHash(root().resolve("remote"))).isEqualTo(first);
    }
  }

  @Test
  void credentialsInTheRepoUrl_areMovedToTheCredentialStore() throws Exception {
    String pw = "url-embedded-pass-3Wm";
    SECRETS.add(pw);
    try (GitHttpServer server = new GitHttpServer(tmp).require("robot", pw)) {
      String plain = server.url("remote");
      String withCreds = plain.replace("http://", "http://robot:" + pw + "@");
      // Through the env, as a Secret would pass it: the command line is visible to everyone.
      GitSync.Result r =
          GitSync.run(
              tmp, Map.of("GITSYNC_REPO", withCreds), "--root=" + root(), "--one-time", "-v", "6");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(Disk.linkHash(root().resolve("remote"))).isEqualTo(first);
      assertThat(Files.readString(root().resolve(".git/config")))
          .contains(plain)
          .doesNotContain("robot");
      assertThat(r.err()).contains("--end-of-options " + plain + " HEAD");
    }
  }

  @Test
  void credentialFlag_authenticatesSubmodulesOnAnotherHost_andRelativeUrls() throws Exception {
    String pwA = "host-a-password-6Tr";
    String pwB = "host-b-password-2Yp";
    Path fileA = secretFile("a", pwA);
    Path fileB = secretFile("b", pwB);
    Repo near = new Repo(tmp.resolve("near"));
    String nearHash = near.commit("near.txt", "relative submodule");
    Repo far = new Repo(tmp.resolve("far"));
    String farHash = far.commit("far.txt", "submodule on another host");
    try (GitHttpServer a = new GitHttpServer(tmp).require("alice", pwA);
        GitHttpServer b = new GitHttpServer(tmp).require("bob", pwB)) {
      Files.writeString(
          repo.dir.resolve(".gitmodules"),
          "[submodule \"near\"]\n\tpath = near\n\turl = ../near\n"
              + "[submodule \"far\"]\n\tpath = far\n\turl = "
              + b.url("far")
              + "\n");
      repo.git("update-index", "--add", "--cacheinfo", "160000," + nearHash + ",near");
      repo.git("update-index", "--add", "--cacheinfo", "160000," + farHash + ",far");
      repo.git("add", ".gitmodules");
      repo.git("commit", "-q", "-m", "submodules");

      GitSync.Result without =
          once(a.url("remote"), "root-without", "--username=alice", "--password-file=" + fileA);
      assertThat(without.code()).isEqualTo(1);
      assertThat(without.err()).contains("submodule", "far");

      GitSync.Result r =
          once(
              a.url("remote"),
              "root",
              "--username=alice",
              "--password-file=" + fileA,
              "--credential=[{\"url\":\""
                  + b.url("")
                  + "\",\"username\":\"bob\",\"password-file\":\""
                  + fileB
                  + "\"}]");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(Files.readString(root().resolve("remote/near/near.txt")))
          .isEqualTo("relative submodule");
      assertThat(Files.readString(root().resolve("remote/far/far.txt")))
          .isEqualTo("submodule on another host");
      assertThat(b.users).contains("bob");
    }
  }

  @Test
  void credentialFlag_rejectsBadJsonNamingTheFlag_withoutEchoingThePassword() throws Exception {
    String pw = "inline-json-password-5Vb";
    SECRETS.add(pw);
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of(
                "GITSYNC_CREDENTIAL",
                "{\"url\":\"http://h\",\"username\":\"u\",\"password\":\""
                    + pw
                    + "\",\"pasword-file\":\"f\"}"),
            "--repo=http://127.0.0.1:1/x",
            "--root=" + root());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--credential", "unknown field \"pasword-file\"");
  }

  @Test
  void askpassUrl_suppliesCredentials_andItsFailuresAreClear() throws Exception {
    String pw = "askpass-password-1Lq";
    SECRETS.add(pw);
    try (GitHttpServer server = new GitHttpServer(tmp).require("asker", pw);
        Receiver askpass = new Receiver()) {
      askpass.validator = req -> new Receiver.Answer(200, "username=asker\npassword=" + pw + "\n");
      int port = freePort();
      GitSync g =
          GitSync.start(
              tmp,
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--askpass-url=" + askpass.url("/creds"),
              "--period=300ms",
              "--http-bind=127.0.0.1:" + port,
              "--http-metrics");
      try {
        await()
            .atMost(30, SECONDS)
            .until(() -> first.equals(Disk.linkHashOrNull(root().resolve("remote"))));
        await().atMost(60, SECONDS).until(() -> askpass.requests.size() >= 3);
        String metrics = scrape(tmp.resolve("metrics-askpass.txt"), port);
        assertThat(metrics).containsPattern("git_sync_askpass_calls\\{status=\"success\"\\} [3-9]");
      } finally {
        g.kill();
      }
      assertThat(askpass.requests.get(0).method()).isEqualTo("GET");

      askpass.validator = req -> new Receiver.Answer(500, "backend down");
      GitSync.Result bad =
          once(server.url("remote"), "root2", "--askpass-url=" + askpass.url("/creds"));
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.err())
          .contains("auth URL returned status 500 (body of")
          .doesNotContain("backend down");

      askpass.validator = req -> new Receiver.Answer(200, "username=asker\npassword=nope-wrong\n");
      GitSync.Result wrong =
          once(server.url("remote"), "root3", "--askpass-url=" + askpass.url("/creds"));
      assertThat(wrong.code()).isEqualTo(1);
      assertThat(wrong.err()).contains("Authentication failed");
    }
  }

  /** A github-status sink without token_file writes statuses with the App's token (issue 20). */
  @Test
  void githubApp_installationToken_alsoWritesCommitStatuses() throws Exception {
    Path key = secrets.resolve("app-status.pem");
    Repo.run(secrets, List.of("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048"));
    SECRETS.add(Files.readString(key).split("\n")[3]);
    FakeGitHub github = new FakeGitHub(publicKey(key), "Iv1.testclient", 42, 600);
    StatusFake statuses = new StatusFake(StatusFake.Kind.GITHUB, "not-a-token-file");
    statuses.alsoValid = github::valid;
    statuses.commits.add(first);
    try (GitHttpServer server = new GitHttpServer(tmp);
        Receiver api = new Receiver()) {
      server.auth = (u, p) -> github.valid(p);
      api.validator =
          r -> r.path().contains("/access_tokens") ? github.answer(r) : statuses.apply(r);
      GitSync g =
          GitSync.start(
              tmp,
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--github-base-url=" + api.url("/"),
              "--github-app-private-key-file=" + key,
              "--github-app-client-id=Iv1.testclient",
              "--github-app-installation-id=42",
              "--period=500ms",
              "--notify=github-status+" + api.url("/repos/o/r"));
      try {
        await().atMost(30, SECONDS).until(() -> statuses.statuses.size() == 1);
        assertThat(statuses.statuses.get(0).sha()).isEqualTo(first);
        assertThat(statuses.statuses.get(0).state()).isEqualTo("success");
      } finally {
        g.kill();
      }
      github.issued.forEach(SECRETS::add);
      assertThat(g.err()).doesNotContain(github.issued.get(0));
    }
  }

  @Test
  void githubApp_signsAJwt_getsAnInstallationToken_andRefreshesItBeforeItExpires()
      throws Exception {
    Path key = secrets.resolve("app.pem");
    Repo.run(secrets, List.of("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048"));
    String pem = Files.readString(key);
    assertThat(pem).contains("BEGIN RSA PRIVATE KEY");
    SECRETS.add(pem.split("\n")[3]);
    PublicKey pub = publicKey(key);
    FakeGitHub github = new FakeGitHub(pub, "Iv1.testclient", 42, 33);
    try (GitHttpServer server = new GitHttpServer(tmp);
        Receiver api = new Receiver()) {
      server.auth = (u, p) -> github.valid(p);
      api.validator = github::answer;
      int port = freePort();
      GitSync g =
          GitSync.start(
              tmp,
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--github-base-url=" + api.url("/api/v3/"),
              "--github-app-private-key-file=" + key,
              "--github-app-client-id=Iv1.testclient",
              "--github-app-installation-id=42",
              "--period=500ms",
              "--http-bind=127.0.0.1:" + port,
              "--http-metrics");
      try {
        await()
            .atMost(30, SECONDS)
            .until(() -> first.equals(Disk.linkHashOrNull(root().resolve("remote"))));
        // Tokens live 33s; git-sync renews 30s before expiry, so a second one comes within ~3s.
        await().atMost(30, SECONDS).until(() -> github.issued.size() >= 2);
        String second = repo.commit("file.txt", "two");
        await()
            .atMost(30, SECONDS)
            .until(() -> second.equals(Disk.linkHashOrNull(root().resolve("remote"))));
        String metrics = scrape(tmp.resolve("metrics-github.txt"), port);
        assertThat(metrics)
            .containsPattern(
                "git_sync_refresh_github_app_token_count\\{status=\"success\"\\} [2-9]");
      } finally {
        g.kill();
      }
      assertThat(github.errors).isEmpty();
      assertThat(server.users).containsOnly("-");
      github.issued.forEach(SECRETS::add);
    }
  }

  @Test
  void githubApp_keyFromEnv_withApplicationId_andAWrongKeyFailsClearly() throws Exception {
    Path key = secrets.resolve("app.pem");
    Repo.run(secrets, List.of("openssl", "genpkey", "-algorithm", "RSA", "-out", key.toString()));
    String pem = Files.readString(key);
    assertThat(pem).contains("BEGIN PRIVATE KEY");
    SECRETS.add(pem.split("\n")[3]);
    Path other = secrets.resolve("other.pem");
    Repo.run(
        secrets, List.of("openssl", "genrsa", "-traditional", "-out", other.toString(), "2048"));
    FakeGitHub github = new FakeGitHub(publicKey(key), "123", 7, 3600);
    try (GitHttpServer server = new GitHttpServer(tmp);
        Receiver api = new Receiver()) {
      server.auth = (u, p) -> github.valid(p);
      api.validator = github::answer;
      GitSync.Result ok =
          GitSync.run(
              tmp,
              Map.of("GITSYNC_GITHUB_APP_PRIVATE_KEY", pem),
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--github-base-url=" + api.url("/"),
              "--github-app-application-id=123",
              "--github-app-installation-id=7",
              "--one-time");
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(Disk.linkHash(root().resolve("remote"))).isEqualTo(first);

      GitSync.Result bad =
          once(
              server.url("remote"),
              "root2",
              "--github-base-url=" + api.url("/"),
              "--github-app-private-key-file=" + other,
              "--github-app-application-id=123",
              "--github-app-installation-id=7");
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.err()).contains("GitHub app token request returned status 401");
      github.issued.forEach(SECRETS::add);
    }
  }

  @Test
  void cookieFile_isSentToTheServer() throws Exception {
    String cookie = "session=cookie-secret-0Pz";
    SECRETS.add("cookie-secret-0Pz");
    Path jar =
        secretFile("cookie_file", "127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tcookie-secret-0Pz");
    try (GitHttpServer server = new GitHttpServer(tmp)) {
      server.requiredCookie = cookie;
      GitSync.Result without =
          GitSync.run(tmp, "--repo=" + server.url("remote"), "--root=" + root(), "--one-time");
      assertThat(without.code()).isEqualTo(1);
      assertThat(without.err()).contains("403");
      GitSync.Result with =
          GitSync.run(
              tmp,
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--one-time",
              "--cookie-file",
              "--cookie-file-path=" + jar);
      assertThat(with.code()).as(with.err()).isZero();
      assertThat(Disk.linkHash(root().resolve("remote"))).isEqualTo(first);
      GitSync.Result missing =
          GitSync.run(
              tmp,
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--one-time",
              "--cookie-file",
              "--cookie-file-path=" + tmp.resolve("nope"));
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.err()).contains("--cookie-file: can't access git cookiefile");
    }
  }

  @Test
  void ssh_withKeysAndKnownHosts_passesAndFailsForReal() throws Exception {
    try (Sshd sshd = Sshd.start(tmp.resolve("sshd"))) {
      SECRETS.add(Files.readAllLines(sshd.clientKey).get(2));
      String url = sshd.url(repo.dir);
      GitSync.Result ok =
          once(
              url,
              "root",
              "--ssh-key-file=" + sshd.clientKey,
              "--ssh-known-hosts-file=" + sshd.knownHosts);
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(Disk.linkHash(root().resolve("remote"))).isEqualTo(first);

      GitSync.Result wrongHost =
          once(
              url,
              "root2",
              "--ssh-key-file=" + sshd.clientKey,
              "--ssh-known-hosts-file=" + sshd.wrongKnownHosts);
      assertThat(wrongHost.code()).isEqualTo(1);
      assertThat(wrongHost.err()).contains("Host key verification failed");

      GitSync.Result unchecked =
          once(
              url,
              "root3",
              "--ssh-key-file=" + sshd.clientKey,
              "--ssh-known-hosts=false",
              "--ssh-known-hosts-file=" + sshd.wrongKnownHosts);
      assertThat(unchecked.code()).as(unchecked.err()).isZero();

      GitSync.Result wrongKey =
          once(
              url,
              "root4",
              "--ssh-key-file=" + sshd.otherKey,
              "--ssh-known-hosts-file=" + sshd.knownHosts);
      assertThat(wrongKey.code()).isEqualTo(1);
      assertThat(wrongKey.err()).contains("Permission denied (publickey)");

      // The env var is a ':'-separated list; ssh tries each key.
      GitSync.Result twoKeys =
          GitSync.run(
              tmp,
              Map.of(
                  "GITSYNC_SSH_KEY_FILE",
                  sshd.otherKey + ":" + sshd.clientKey,
                  "GITSYNC_SSH_KNOWN_HOSTS_FILE",
                  sshd.knownHosts.toString()),
              "--repo=" + url,
              "--root=" + tmp.resolve("root5"),
              "--one-time");
      assertThat(twoKeys.code()).as(twoKeys.err()).isZero();
    }
  }

  @Test
  void ssh_submoduleOnAnotherHost_usesItsOwnKey() throws Exception {
    Repo far = new Repo(tmp.resolve("far"));
    String farHash = far.commit("far.txt", "behind another sshd");
    try (Sshd a = Sshd.start(tmp.resolve("sshd/a"));
        Sshd b = Sshd.start(tmp.resolve("sshd/b"))) {
      SECRETS.add(Files.readAllLines(b.clientKey).get(2));
      Files.writeString(
          repo.dir.resolve(".gitmodules"),
          "[submodule \"far\"]\n\tpath = far\n\turl = " + b.url(far.dir) + "\n");
      repo.git("update-index", "--add", "--cacheinfo", "160000," + farHash + ",far");
      repo.git("add", ".gitmodules");
      repo.git("commit", "-q", "-m", "ssh submodule");
      Path knownHosts = tmp.resolve("sshd/known_hosts");
      Files.writeString(
          knownHosts, Files.readString(a.knownHosts) + Files.readString(b.knownHosts));

      GitSync.Result onlyA =
          once(
              a.url(repo.dir),
              "root-a",
              "--ssh-key-file=" + a.clientKey,
              "--ssh-known-hosts-file=" + knownHosts);
      assertThat(onlyA.code()).isEqualTo(1);
      assertThat(onlyA.err()).contains("Permission denied (publickey)");

      GitSync.Result both =
          once(
              a.url(repo.dir),
              "root",
              "--ssh-key-file=" + a.clientKey,
              "--ssh-key-file=" + b.clientKey,
              "--ssh-known-hosts-file=" + knownHosts);
      assertThat(both.code()).as(both.err()).isZero();
      assertThat(root().resolve("remote/far/far.txt")).hasContent("behind another sshd");
    }
  }

  @Test
  void sparseCheckoutFile_withFilter_checksOutOnlyThePatterns() throws Exception {
    repo.git("config", "uploadpack.allowFilter", "true");
    repo.commit("docs/guide.md", "guide");
    String head = repo.commit("src/main.c", "int main;");
    Path sparse = tmp.resolve("sparse");
    Files.writeString(sparse, "/docs/\n");
    try (GitHttpServer server = new GitHttpServer(tmp)) {
      GitSync.Result r =
          GitSync.run(
              tmp,
              "--repo=" + server.url("remote"),
              "--root=" + root(),
              "--one-time",
              "--filter=blob:none",
              "--sparse-checkout-file=sparse");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(Disk.linkHash(root().resolve("remote"))).isEqualTo(head);
      assertThat(root().resolve("remote/docs/guide.md")).hasContent("guide");
      assertThat(root().resolve("remote/src")).doesNotExist();
      // git >= 2.37 defaults to cone mode, which keeps top-level files (as upstream's image does).
      assertThat(root().resolve("remote/file.txt")).exists();
    }
    GitSync.Result missing =
        GitSync.run(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + tmp.resolve("root2"),
            "--sparse-checkout-file=" + tmp.resolve("nope"));
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("--sparse-checkout-file: can't read");
  }

  /** One --one-time run of {@code repo} into {@code tmp/rootName} with extra flags. */
  private GitSync.Result once(String repoUrl, String rootName, String... flags) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("--repo=" + repoUrl, "--root=" + tmp.resolve(rootName), "--one-time"));
    args.addAll(List.of(flags));
    return GitSync.run(tmp, args.toArray(new String[0]));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Fetches /metrics and keeps a copy with the other outputs, for the secret search. */
  private static String scrape(Path copy, int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    Files.writeString(copy, r.body());
    return r.body();
  }

  private static PublicKey publicKey(Path key) throws Exception {
    Path der = key.resolveSibling(key.getFileName() + ".pub.der");
    Repo.run(
        key.getParent(),
        List.of(
            "openssl",
            "rsa",
            "-in",
            key.toString(),
            "-pubout",
            "-outform",
            "DER",
            "-out",
            der.toString()));
    return KeyFactory.getInstance("RSA")
        .generatePublic(new X509EncodedKeySpec(Files.readAllBytes(der)));
  }

  /**
   * GitHub's installation-token endpoint: verifies the RS256 JWT with the app's public key, its
   * issuer and lifetime, and hands out tokens that expire after {@code lifetimeSeconds}.
   */
  static final class FakeGitHub {
    final PublicKey key;
    final String issuer;
    final long installation;
    final long lifetimeSeconds;
    final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    final List<String> issued = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

    FakeGitHub(PublicKey key, String issuer, long installation, long lifetimeSeconds) {
      this.key = key;
      this.issuer = issuer;
      this.installation = installation;
      this.lifetimeSeconds = lifetimeSeconds;
    }

    boolean valid(String token) {
      Instant exp = tokens.get(token);
      return exp != null && Instant.now().isBefore(exp);
    }

    Receiver.Answer answer(Receiver.Request r) {
      if (!r.method().equals("POST")
          || !r.path().endsWith("/app/installations/" + installation + "/access_tokens")) {
        errors.add("unexpected request " + r.method() + " " + r.path());
        return new Receiver.Answer(404, "{\"message\":\"Not Found\"}");
      }
      String auth = String.valueOf(r.header("Authorization"));
      if (!auth.startsWith("Bearer ")) {
        return new Receiver.Answer(401, "{\"message\":\"no JWT\"}");
      }
      String[] parts = auth.substring(7).split("\\.");
      try {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(key);
        s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!s.verify(Base64.getUrlDecoder().decode(parts[2]))) {
          return new Receiver.Answer(
              401, "{\"message\":\"A JSON web token could not be decoded\"}");
        }
        Map<?, ?> header =
            (Map<?, ?>)
                dev.gitsync.json.JsonParser.parse(
                    new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        Map<?, ?> claims =
            (Map<?, ?>)
                dev.gitsync.json.JsonParser.parse(
                    new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        long now = Instant.now().getEpochSecond();
        long iat = ((Double) claims.get("iat")).longValue();
        long exp = ((Double) claims.get("exp")).longValue();
        if (!"RS256".equals(header.get("alg"))
            || !issuer.equals(claims.get("iss"))
            || iat > now + 5
            || exp <= now
            || exp - iat > 600) {
          errors.add("bad claims " + claims);
          return new Receiver.Answer(401, "{\"message\":\"bad claims\"}");
        }
      } catch (Exception e) {
        errors.add("bad JWT: " + e);
        return new Receiver.Answer(401, "{\"message\":\"bad JWT\"}");
      }
      String token = "ghs_" + java.util.UUID.randomUUID().toString().replace("-", "");
      Instant expires = Instant.now().plusSeconds(lifetimeSeconds);
      tokens.put(token, expires);
      issued.add(token);
      return new Receiver.Answer(
          201,
          "{\"token\":\""
              + token
              + "\",\"expires_at\":\""
              + expires.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
              + "\"}");
    }
  }
}
