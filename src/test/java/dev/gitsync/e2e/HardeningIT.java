package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardening list of issue 11, black box: each test plays an attacker, a careless operator or a
 * failing peer against {@code ./git-sync}, and checks that the process keeps running (or refuses at
 * startup with a clear error), publishes nothing broken and leaks no secret.
 */
class HardeningIT {
  @TempDir Path tmp;
  Repo repo;
  Path root;
  String first;
  GitSync g;
  final List<AutoCloseable> closeMe = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
    first = repo.commit("file.txt", "one");
    root = tmp.resolve("root");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (g != null) {
      g.kill();
    }
    for (AutoCloseable c : closeMe) {
      c.close();
    }
  }

  private static HttpResponse<byte[]> get(int port, String path, Duration timeout)
      throws Exception {
    return HttpClient.newBuilder()
        .connectTimeout(timeout)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(timeout)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  private GitSync.Result once(String... extra) throws Exception {
    return once(Map.of(), extra);
  }

  private GitSync.Result once(Map<String, String> env, String... extra) throws Exception {
    List<String> a = new ArrayList<>(List.of("--repo=" + repo.url(), "--root=" + root));
    a.add("--one-time");
    a.addAll(List.of(extra));
    return GitSync.run(tmp, env, a.toArray(new String[0]));
  }

  // 1. The profile endpoint must not hand out secrets.

  @Test
  void profile_containsNoSecretFromEnvOrFlags() throws Exception {
    List<String> secrets =
        List.of(
            "EnvPassw0rdSecret1",
            "NotifyUrlSecret2",
            "WebhookUrlSecret3",
            "CredentialSecret4",
            "HeaderSecret5");
    Map<String, String> env = new HashMap<>();
    env.put("GITSYNC_USERNAME", "someone");
    env.put("GITSYNC_PASSWORD", secrets.get(0));
    env.put("GITSYNC_NOTIFY", "generic+http://127.0.0.1:9/hook/" + secrets.get(1));
    g =
        GitSync.start(
            tmp,
            env,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--http-bind=127.0.0.1:0",
            "--http-pprof",
            "--webhook-url=http://127.0.0.1:9/" + secrets.get(2),
            "--webhook-header=X-Token: " + secrets.get(4),
            "--credential={\"url\":\"https://example.com/x\",\"username\":\"u\",\"password\":\""
                + secrets.get(3)
                + "\"}");
    int port = g.httpPort();
    HttpResponse<byte[]> p = get(port, "/debug/pprof/profile?seconds=2", Duration.ofSeconds(60));
    assertThat(p.statusCode()).isEqualTo(200);
    byte[] jfr = p.body();
    assertThat(new String(jfr, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("FLR");
    for (String s : secrets) {
      for (java.nio.charset.Charset cs :
          List.of(
              StandardCharsets.UTF_8,
              StandardCharsets.ISO_8859_1,
              StandardCharsets.UTF_16BE,
              StandardCharsets.UTF_16LE)) {
        assertThat(GitHttpServer.indexOf(jfr, s.getBytes(cs))).as(s + " in " + cs).isEqualTo(-1);
      }
    }
    // Still a CPU profile: execution samples are recorded.
    assertThat(GitHttpServer.indexOf(jfr, "jdk.ExecutionSample".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(-1);
  }

  // 2. Probes answer while clients misbehave.

  @Test
  void healthz_answersWithinOneSecond_whileFiftySlowClientsAndTwoProfilesHold() throws Exception {
    g =
        GitSync.start(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--http-bind=127.0.0.1:0",
            "--http-pprof");
    int port = g.httpPort();
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream().write('G');
        s.getOutputStream().flush();
        slow.add(s);
      }
      List<CompletableFuture<HttpResponse<byte[]>>> profiles = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        profiles.add(
            HttpClient.newHttpClient()
                .sendAsync(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:" + port + "/debug/pprof/profile?seconds=8"))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
      }
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        HttpResponse<byte[]> r = get(port, "/healthz", Duration.ofSeconds(1));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      }
      // Slow clients are cut after a few seconds: the server closes their connections.
      Socket s = slow.get(0);
      s.setSoTimeout(30_000);
      long start = System.nanoTime();
      InputStream in = s.getInputStream();
      int b;
      try {
        do {
          b = in.read();
        } while (b >= 0);
      } catch (IOException reset) {
        // A reset is a cut too.
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      for (CompletableFuture<HttpResponse<byte[]>> f : profiles) {
        assertThat(f.get(60, SECONDS).statusCode()).isIn(200, 429);
      }
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  // 3. Output that grows without bound.

  @Test
  void fiftyMegabyteCommitMessage_syncsFine() throws Exception {
    Path msg = tmp.resolve("msg");
    try (OutputStream o = Files.newOutputStream(msg)) {
      byte[] line = ("x".repeat(1023) + "y").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 50 * 1024; i++) {
        o.write(line);
      }
    }
    Files.writeString(repo.dir.resolve("big.txt"), "big");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-F", msg.toString());
    Files.delete(msg);
    String head = repo.head();
    Receiver rx = new Receiver();
    closeMe.add(rx);
    GitSync.Result r = once("-v", "6", "--notify=generic+" + rx.url("/n"));
    assertThat(r.code()).as(tail(r.err())).isZero();
    assertThat(Disk.linkHash(root.resolve("remote"))).isEqualTo(head);
    assertThat(r.err().length()).isLessThan(4 * 1024 * 1024);
    await().atMost(30, SECONDS).until(() -> !rx.requests.isEmpty());
    assertThat(rx.requests.get(0).body().length()).isLessThan(256 * 1024);
  }

  @Test
  void exechookPrintingAHundredMegabytes_andASinkAnsweringTwoHundred_keepRunning()
      throws Exception {
    Path hook =
        Disk.script(
            tmp.resolve("hook.sh"),
            "head -c 100000000 /dev/zero | tr '\\0' x\necho done >" + tmp.resolve("hook-ran"));
    try (HugeAnswer sink = new HugeAnswer(200L * 1024 * 1024)) {
      GitSync.Result r =
          once(
              "--exechook-command=" + hook,
              "--exechook-timeout=60s",
              "--webhook-url=" + sink.url(),
              "--notify=generic+" + sink.url());
      assertThat(r.code()).as(tail(r.err())).isZero();
      assertThat(tmp.resolve("hook-ran")).exists();
      assertThat(r.err()).doesNotContain("OutOfMemoryError").contains("notification delivered");
      assertThat(r.err().length()).isLessThan(4 * 1024 * 1024);
    }
  }

  /** Answers every request with 200 and a body of {@code size} bytes, streamed. */
  static final class HugeAnswer implements AutoCloseable {
    private final java.net.ServerSocket server;
    private final Thread thread;

    HugeAnswer(long size) throws IOException {
      server = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    readHead(s.getInputStream());
                    OutputStream o = s.getOutputStream();
                    o.write(
                        ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                                + size
                                + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'z');
                    for (long sent = 0; sent < size; sent += chunk.length) {
                      o.write(chunk, 0, (int) Math.min(chunk.length, size - sent));
                    }
                  } catch (IOException e) {
                    // The client hung up early: that is what a bounded reader does.
                  }
                }
              },
              "huge-answer");
      thread.setDaemon(true);
      thread.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort() + "/h";
    }

    private static void readHead(InputStream in) throws IOException {
      int state = 0;
      long contentLength = 0;
      StringBuilder line = new StringBuilder();
      while (state < 4) {
        int c = in.read();
        if (c < 0) {
          return;
        }
        line.append((char) c);
        state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
        if (c == '\n') {
          String l = line.toString().toLowerCase(java.util.Locale.ROOT);
          if (l.startsWith("content-length:")) {
            contentLength = Long.parseLong(l.substring(15).trim());
          }
          line.setLength(0);
        }
      }
      in.readNBytes((int) contentLength);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  // 4. Corrupt state is set aside, never a restart loop.

  @Test
  void corruptNotifyState_isSetAside_andTheSyncGoesOn() throws Exception {
    Receiver rx = new Receiver();
    closeMe.add(rx);
    Path outbox = root.resolve(".gitsync-notify");
    Files.createDirectories(outbox.resolve("pending"));
    List<byte[]> bad = new ArrayList<>();
    bad.add("{\"failing\":true,\"failing_since\":\"garbage\"}".getBytes(StandardCharsets.UTF_8));
    bad.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'});
    bad.add(("[".repeat(30_000) + "]".repeat(30_000)).getBytes(StandardCharsets.US_ASCII));
    byte[] big = new byte[40 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    big[0] = '"';
    big[big.length - 1] = '"';
    bad.add(big);
    for (byte[] content : bad) {
      Files.write(outbox.resolve("state.json"), content);
      Files.write(outbox.resolve("pending").resolve("00000000000000000001-abcd1234.json"), content);
      GitSync.Result r = once("--notify=generic+" + rx.url("/n"));
      assertThat(r.code()).as(tail(r.err())).isZero();
      assertThat(r.err())
          .doesNotContain("Exception in thread", "StackOverflowError", "OutOfMemoryError")
          .contains("set aside");
      try (Stream<Path> s = Files.list(outbox)) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .anyMatch(n -> n.startsWith("state.json.corrupt"));
      }
    }
  }

  @Test
  void deeplyNestedCredential_isAClearStartupError() throws Exception {
    GitSync.Result r = once("--credential=" + "[".repeat(20_000) + "]".repeat(20_000));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--credential").contains("nested too deeply");
    assertThat(r.err().lines().count()).isLessThan(10);
  }

  // 5. Argument injection into git.

  @Test
  void refStartingWithADash_isRefused_andNothingRuns() throws Exception {
    Path marker = tmp.resolve("pwned");
    GitSync.Result r = once("--ref=--upload-pack=touch " + marker);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--ref");
    assertThat(marker).doesNotExist();
    GitSync.Result repoDash =
        GitSync.run(
            tmp, Map.of(), "--repo=--upload-pack=touch " + marker, "--root=" + root, "--one-time");
    assertThat(repoDash.code()).isEqualTo(1);
    assertThat(marker).doesNotExist();
  }

  // 6. Shell injection through GIT_SSH_COMMAND.

  @Test
  void sshKeyFile_isQuotedForTheShell_andAPathWithSpacesWorks() throws Exception {
    try (Sshd sshd = Sshd.start(tmp.resolve("sshd"))) {
      Path marker = tmp.resolve("pwned");
      GitSync.Result evil =
          GitSync.run(
              tmp,
              Map.of(),
              "--repo=" + sshd.url(repo.dir),
              "--root=" + tmp.resolve("r1"),
              "--one-time",
              "--ssh-key-file=/k;touch " + marker + ";",
              "--ssh-known-hosts-file=" + sshd.knownHosts);
      assertThat(evil.code()).isEqualTo(1);
      assertThat(marker).doesNotExist();

      Path spaced = tmp.resolve("dir with spaces");
      Files.createDirectories(spaced);
      Path key = Files.copy(sshd.clientKey, spaced.resolve("my key"));
      Files.setPosixFilePermissions(
          key, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      Path known = Files.copy(sshd.knownHosts, spaced.resolve("known hosts"));
      GitSync.Result ok =
          GitSync.run(
              tmp,
              Map.of(),
              "--repo=" + sshd.url(repo.dir),
              "--root=" + tmp.resolve("r2"),
              "--one-time",
              "--ssh-key-file=" + key,
              "--ssh-known-hosts-file=" + known);
      assertThat(ok.code()).as(tail(ok.err())).isZero();
      assertThat(Disk.linkHash(tmp.resolve("r2/remote"))).isEqualTo(first);
    }
  }

  // 7. Nothing follows a symlink out of the root.

  @Test
  void worktreesDirSwappedForALink_cleanupDeletesNothingOutside_andNothingIsCheckedOutThere()
      throws Exception {
    assertThat(once().code()).isZero();
    Path outside = tmp.resolve("outside");
    Files.createDirectories(outside.resolve("precious-dir"));
    Files.writeString(outside.resolve("precious.txt"), "keep me");
    Files.writeString(outside.resolve("precious-dir/inner.txt"), "keep me too");
    Path worktrees = root.resolve(".worktrees");
    // Swap .worktrees for a link to the outside directory; a new commit makes a pass build a
    // worktree and clean up the old one.
    Files.move(worktrees, tmp.resolve("old-worktrees"));
    Files.createSymbolicLink(worktrees, outside);
    String second = repo.commit("file.txt", "two");
    GitSync.Result r = once();
    assertThat(r.code()).as(tail(r.err())).isZero();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
    assertThat(outside.resolve("precious-dir/inner.txt")).hasContent("keep me too");
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("precious.txt", "precious-dir");
    }
    assertThat(Files.isSymbolicLink(worktrees)).isFalse();
    assertThat(Disk.linkHash(root.resolve("remote"))).isEqualTo(second);
    assertThat(root.resolve("remote/file.txt")).hasContent("two");
  }

  @Test
  void staleWorktreeThatIsALink_isRemovedAsALink() throws Exception {
    assertThat(once().code()).isZero();
    Path outside = tmp.resolve("outside");
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("precious.txt"), "keep me");
    Files.createSymbolicLink(root.resolve(".worktrees/deadbeef"), outside);
    repo.commit("file.txt", "two");
    GitSync.Result r = once();
    assertThat(r.code()).as(tail(r.err())).isZero();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
    assertThat(root.resolve(".worktrees/deadbeef")).doesNotExist();
  }

  // 8. Secrets that still leaked.

  @Test
  void gitConfigValues_areNotLogged() throws Exception {
    String token = "GitConfigBearerSecret42";
    GitSync.Result r =
        once("--git-config=http.extraHeader:Authorization: Bearer " + token + ",core.quotePath:1");
    assertThat(r.code()).as(tail(r.err())).isZero();
    assertThat(r.err()).doesNotContain(token).contains("--git-config");
  }

  @Test
  void tokenOnlyRepoUrl_isMovedToTheCredentialCache() throws Exception {
    String token = "ghp_TokenOnlyUserSecret77";
    Path projects = tmp.resolve("projects");
    Repo served = new Repo(projects.resolve("served"));
    String hash = served.commit("f.txt", "served");
    try (GitHttpServer http = new GitHttpServer(projects)) {
      http.auth = (u, p) -> u.equals(token);
      String url = http.url("served").replace("http://", "http://" + token + "@");
      GitSync.Result r =
          GitSync.run(tmp, Map.of(), "--repo=" + url, "--root=" + root, "--one-time", "-v", "6");
      assertThat(r.code()).as(tail(r.err())).isZero();
      assertThat(Disk.linkHash(root.resolve("served"))).isEqualTo(hash);
      assertThat(Files.readString(root.resolve(".git/config"))).doesNotContain(token);
      assertThat(r.err()).doesNotContain(token);
    }
  }

  @Test
  void askpassErrorBody_isNotLoggedNorWrittenToTheErrorFile() throws Exception {
    String leaked = "AskpassBodySecret99";
    Receiver askpass = new Receiver();
    closeMe.add(askpass);
    askpass.validator = req -> new Receiver.Answer(500, "token=" + leaked + " expired");
    GitSync.Result r = once("--askpass-url=" + askpass.url("/ask"), "--error-file=error.json");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("auth URL returned status 500").doesNotContain(leaked);
    assertThat(Files.readString(root.resolve("error.json"))).doesNotContain(leaked);
  }

  // 9. Dangerous roots and links.

  @Test
  void rootThatIsHome_isRefused_andNothingIsDeleted() throws Exception {
    Path home = tmp.resolve("home");
    Files.createDirectories(home);
    Files.writeString(home.resolve(".bashrc"), "precious");
    GitSync.Result r =
        GitSync.run(
            tmp,
            Map.of("HOME", home.toString()),
            "--repo=" + repo.url(),
            "--root=" + home,
            "--one-time");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--root").contains("home directory").contains(".bashrc");
    assertThat(home.resolve(".bashrc")).hasContent("precious");
  }

  @Test
  void linkInsideWorktreesOrGit_isRefusedAtStartup() throws Exception {
    for (String link : List.of(".worktrees/x", ".git/x", ".")) {
      GitSync.Result r = once("--link=" + link);
      assertThat(r.code()).as(link).isEqualTo(1);
      assertThat(r.err()).as(link).contains("--link");
    }
  }

  // 10. --group-write covers what the JVM itself creates.

  @Test
  void groupWrite_makesEverythingGitSyncCreatesGroupWritable() throws Exception {
    Receiver rx = new Receiver();
    closeMe.add(rx);
    GitSync.Result r =
        once(
            "--group-write",
            "--link=links/current",
            "--touch-file=touch/file",
            "--notify=generic+" + rx.url("/n"));
    assertThat(r.code()).as(tail(r.err())).isZero();
    for (Path p :
        List.of(
            root.resolve(".worktrees"),
            root.resolve(".worktrees/" + first),
            root.resolve("links"),
            root.resolve("touch"),
            root.resolve("touch/file"),
            root.resolve(".gitsync-notify"),
            root.resolve(".gitsync-notify/pending"),
            root.resolve(".worktrees/" + first + "/.git"))) {
      assertThat(Files.getPosixFilePermissions(p))
          .as(p.toString())
          .contains(PosixFilePermission.GROUP_WRITE);
    }
  }

  // 11. Late or unclear errors become named startup errors.

  @Test
  void badValues_areNamedStartupErrors() throws Exception {
    Path notUtf8 = tmp.resolve("notify.txt");
    Files.write(notUtf8, new byte[] {'g', 'e', 'n', (byte) 0xff, '\n'});
    Path aFile = tmp.resolve("a-file");
    Files.writeString(aFile, "x");
    // flag → (arguments, what the error must say)
    Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
    cases.put(
        "--webhook-method=BAD METHOD",
        List.of(
            "--webhook-url=http://127.0.0.1:9/",
            "--webhook-method=BAD METHOD",
            "--webhook-method"));
    cases.put(
        "--webhook-method=",
        List.of("--webhook-url=http://127.0.0.1:9/", "--webhook-method=", "--webhook-method"));
    cases.put(
        "--webhook-header CR",
        List.of(
            "--webhook-url=http://127.0.0.1:9/", "--webhook-header=X-A: b\rc", "--webhook-header"));
    cases.put(
        "secret_file",
        List.of(
            "--notify=generic+http://127.0.0.1:9/?secret_file=" + tmp.resolve("none"),
            "secret_file"));
    cases.put(
        "token_file",
        List.of(
            "--notify=slackbot+http://127.0.0.1:9/api/chat.postMessage?channel=C1&token_file="
                + tmp.resolve("none"),
            "token_file"));
    cases.put("--notify-file", List.of("--notify-file=" + notUtf8, "not valid UTF-8"));
    cases.put("--period", List.of("--period=9999999999999h", "out of range"));
    cases.put("--link", List.of("--link=/proc/self/x", "--link"));
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      List<String> v = c.getValue();
      GitSync.Result r = once(v.subList(0, v.size() - 1).toArray(new String[0]));
      assertThat(r.code()).as(c.getKey() + ": " + r.err()).isIn(1, 2);
      assertThat(r.err()).as(c.getKey()).contains(v.get(v.size() - 1));
      assertThat(r.err()).as(c.getKey()).doesNotContain("Exception", "\tat ");
      assertThat(root.resolve(".git")).as(c.getKey()).doesNotExist();
    }
    GitSync.Result fileRoot =
        GitSync.run(tmp, Map.of(), "--repo=" + repo.url(), "--root=" + aFile, "--one-time");
    assertThat(fileRoot.code()).isEqualTo(1);
    assertThat(fileRoot.err()).contains("--root").contains("not a directory");
  }

  @Test
  void missingPrePublishHook_withOneTime_failsAtOnce() throws Exception {
    long start = System.nanoTime();
    GitSync.Result r =
        once("--pre-publish-exechook-command=" + tmp.resolve("no-such-hook"), "--sync-timeout=60s");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--pre-publish-exechook-command").contains("no-such-hook");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  static String tail(String s) {
    return s.length() <= 8000 ? s : "…" + s.substring(s.length() - 8000);
  }
}
