package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the container image (target/git-sync-image.tar, built by scripts/build-image.sh) with
 * podman, as uid 65533, against real servers on the host's loopback: git's own protocol, smart HTTP
 * with basic auth, SSH with known_hosts checking, and an HTTPS Slack-like receiver whose
 * certificate comes from a CA the test made. Runs when the build sets {@code gitsync.image} (the
 * {@code image} Maven profile, active where podman is installed).
 *
 * <p>Every test but the README's example runs once per architecture built: the host's image, and
 * the others ({@code gitsync.image.others}: arm64, ppc64el and s390x, built by the {@code
 * image-multiarch} profile where qemu-user-static is installed) under qemu-user emulation through
 * binfmt_misc.
 */
class ImageIT {
  private static final String IMAGE_TAR = System.getProperty("gitsync.image", "");

  /**
   * An architecture the image is built for: the kernel's name of the machine ({@code uname -m}),
   * its GNU triplet (the image's library directory) and its OCI platform name (also Java's {@code
   * os.arch}).
   */
  private record Arch(String machine, String triplet, String platform) {}

  /** Each architecture by Debian's name. */
  private static final Map<String, Arch> ARCHES =
      Map.of(
          "amd64", new Arch("x86_64", "x86_64-linux-gnu", "amd64"),
          "arm64", new Arch("aarch64", "aarch64-linux-gnu", "arm64"),
          "ppc64el", new Arch("ppc64le", "powerpc64le-linux-gnu", "ppc64le"),
          "s390x", new Arch("s390x", "s390x-linux-gnu", "s390x"));

  private static final String HOST_ARCH =
      ARCHES.entrySet().stream()
          .filter(e -> e.getValue().platform().equals(System.getProperty("os.arch")))
          .map(Map.Entry::getKey)
          .findFirst()
          .orElse("amd64");

  /** Each architecture built, with its image's tarball. */
  private static final Map<String, String> TARS = new LinkedHashMap<>();

  static {
    TARS.put(HOST_ARCH, IMAGE_TAR);
    for (String other : System.getProperty("gitsync.image.others", "").split(",")) {
      if (!other.isBlank() && !other.equals(HOST_ARCH)) {
        TARS.put(
            other,
            Path.of(IMAGE_TAR).resolveSibling("git-sync-image-" + other + ".tar").toString());
      }
    }
  }

  /** The name each architecture's image was loaded as. */
  private static final Map<String, String> LOADED = new LinkedHashMap<>();

  private static String nofile;
  String image;
  String imageTar;

  static Stream<String> arches() {
    return TARS.keySet().stream();
  }

  /** This test's image: the given architecture's. */
  private void use(String arch) {
    this.image = LOADED.get(arch);
    this.imageTar = TARS.get(arch);
  }

  @TempDir Path tmp;
  Repo repo;
  String first;
  Path out;
  private final List<Process> servers = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void loadImage() throws Exception {
    assumeThat(IMAGE_TAR).as("gitsync.image (set by the image profile)").isNotEmpty();
    for (Map.Entry<String, String> tar : TARS.entrySet()) {
      String loaded = Repo.run(Path.of("/"), List.of("podman", "load", "-q", "-i", tar.getValue()));
      // "Loaded image: NAME" (or "Loaded image(s): NAME"), possibly among warnings.
      LOADED.put(
          tar.getKey(),
          loaded
              .lines()
              .filter(l -> l.startsWith("Loaded image"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .reduce((a, b) -> b)
              .orElseThrow(() -> new AssertionError("podman load said: " + loaded)));
    }
    nofile = Repo.run(Path.of("/"), List.of("sh", "-c", "ulimit -Hn"));
  }

  @BeforeEach
  void setUp() throws Exception {
    use(HOST_ARCH);
    repo = new Repo(tmp.resolve("remote"));
    first = repo.commit("file.txt", "one");
    out = tmp.resolve("out");
    Files.createDirectories(out);
    // The volume belongs to the image's user, as with fsGroup or an initContainer chown.
    chown(out);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : servers) {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private static void chown(Path p) throws Exception {
    Repo.run(Path.of("/"), List.of("chown", "-R", "65533:65533", p.toString()));
  }

  /** podman run with the settings these machines need, the image's default user and entrypoint. */
  private static List<String> podman(String... args) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "podman",
                "run",
                "--rm",
                "--runtime",
                "runc",
                "--network",
                "host",
                "--ulimit",
                "nofile=" + nofile + ":" + nofile,
                "--ulimit",
                "nproc=32768:32768"));
    argv.addAll(List.of(args));
    return argv;
  }

  /**
   * Runs a container to its end. One that hangs (under emulation, a stuck process) fails the test
   * with its processes, as the host sees them, and is removed: killing {@code podman run} leaves it
   * running.
   */
  private static GitSync.Result run(List<String> argv) throws Exception {
    List<String> named = new ArrayList<>(argv);
    String name = "gitsync-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    if (named.contains("--name")) {
      name = named.get(named.indexOf("--name") + 1);
    } else {
      named.addAll(2, List.of("--name", name));
    }
    GitSync g =
        GitSync.startCommand(
            Path.of(System.getProperty("java.io.tmpdir")), java.util.Map.of(), named);
    try {
      int code = g.waitFor(120);
      return new GitSync.Result(code, g.out(), g.err());
    } catch (AssertionError timedOut) {
      String processes = processes(name);
      new ProcessBuilder("podman", "rm", "-f", "--ignore", "-t", "0", name)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(60, SECONDS);
      throw new AssertionError(
          timedOut.getMessage()
              + "\nthe container's processes (host pid, state, kernel wait of each thread, command):\n"
              + processes,
          timedOut);
    }
  }

  /** The processes of container {@code name}, each with its threads' kernel waits. */
  private static String processes(String name) {
    StringBuilder out = new StringBuilder();
    try {
      long pid =
          Long.parseLong(
              Repo.run(Path.of("/"), List.of("podman", "inspect", "-f", "{{.State.Pid}}", name))
                  .strip());
      ProcessHandle root = ProcessHandle.of(pid).orElseThrow();
      for (ProcessHandle p : Stream.concat(Stream.of(root), root.descendants()).toList()) {
        Path proc = Path.of("/proc/" + p.pid());
        String stat = Disk.readOrEmpty(proc.resolve("stat"));
        String state = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 2)[0];
        Map<String, Integer> waits = new java.util.TreeMap<>();
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
          tasks.forEach(t -> waits.merge(Disk.readOrEmpty(t.resolve("wchan")), 1, Integer::sum));
        }
        out.append(p.pid())
            .append(' ')
            .append(state)
            .append(' ')
            .append(waits)
            .append(' ')
            .append(p.info().commandLine().orElse("?"))
            .append('\n');
      }
    } catch (Exception | AssertionError e) {
      out.append("(could not list them: ").append(e).append(")\n");
    }
    return out.toString();
  }

  private static List<String> with(List<String> head, String... tail) {
    List<String> l = new ArrayList<>(head);
    l.addAll(List.of(tail));
    return l;
  }

  private int gitDaemon() throws Exception {
    int port = freePort();
    Process p =
        new ProcessBuilder(
                "git",
                "daemon",
                "--reuseaddr",
                "--listen=127.0.0.1",
                "--port=" + port,
                "--export-all",
                "--base-path=" + tmp)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("daemon.log").toFile())
            .start();
    servers.add(p);
    await().atMost(60, SECONDS).until(() -> canConnect(port));
    return port;
  }

  /**
   * The README's example, as pasted (an empty directory, the image as its user), but for this
   * host's podman flags (which the README names) and a local repository for GitHub's.
   */
  @Test
  void theReadmesRunExample_worksAsPasted() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int at = readme.indexOf("podman load -i target/git-sync-image.tar");
    List<String> lines = readme.substring(at, readme.indexOf("```", at)).lines().skip(1).toList();
    assertThat(lines).hasSize(2);
    int port = gitDaemon();
    String run =
        lines
            .get(1)
            .replace(
                "podman run",
                "podman run --runtime runc --network host --ulimit nofile="
                    + nofile
                    + ":"
                    + nofile
                    + " --ulimit nproc=32768:32768")
            .replace("localhost/git-sync-java:dev", image)
            .replace(
                "https://github.com/kubernetes/git-sync", "git://127.0.0.1:" + port + "/remote");
    Path work = Files.createDirectories(tmp.resolve("readme"));
    GitSync g =
        GitSync.startCommand(
            work, java.util.Map.of(), List.of("sh", "-c", lines.get(0) + "\n" + run));
    int code = g.waitFor(120);
    assertThat(code).as(lines + "\n" + g.out() + g.err()).isZero();
    assertThat(Disk.linkHash(work.resolve("out/remote"))).isEqualTo(first);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void versionHelp_andNoCurlAptOrOtherTools(String arch) throws Exception {
    use(arch);
    GitSync.Result version = run(podman(image, "--version"));
    assertThat(version.code()).as(version.err()).isZero();
    assertThat(version.out().trim())
        .isEqualTo(GitSync.run(tmp, "--version").out().trim())
        .isNotEmpty();
    GitSync.Result help = run(podman(image, "--help"));
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: git-sync", "--notify");

    GitSync.Result tools =
        run(
            podman(
                "--entrypoint",
                "/bin/sh",
                image,
                "-c",
                "for c in curl wget apt apt-get dpkg perl python3 bash ssh-keysign su gpg-agent"
                    + " dirmngr gpgconf; do command -v $c && exit 1; done; for c in git ssh tini sed"
                    + " gpg ssh-keygen; do command -v $c; done;"
                    + " echo clean; uname -m"));
    assertThat(tools.code()).as(tools.out() + tools.err()).isZero();
    assertThat(tools.out())
        .contains(
            "/usr/bin/git",
            "/usr/bin/ssh",
            "/usr/bin/tini",
            "/usr/bin/gpg",
            "/usr/bin/ssh-keygen",
            "clean");
    // The image's programs are the architecture's own (run under emulation when not the host's).
    assertThat(tools.out().strip()).endsWith(ARCHES.get(arch).machine());
    assertThat(inspect("{{.Architecture}}/{{.Os}}", image))
        .isEqualTo(ARCHES.get(arch).platform() + "/linux");
    String contents =
        Files.readString(Path.of(imageTar).resolveSibling("image/" + arch + "/contents.txt"));
    assertThat(contents).contains("architecture: " + arch);
    assertThat(contents).doesNotContainPattern("/(curl|wget|apt|apt-get|dpkg)\\n");
    assertThat(contents).contains("every shared library found");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void buildCheck_failsWhenTheImageLacksASharedLibrary(String arch) throws Exception {
    use(arch);
    Path work = Path.of(imageTar).resolveSibling("image/" + arch);
    Path copy = tmp.resolve("rootfs");
    Repo.run(Path.of("/"), List.of("cp", "-a", work.resolve("rootfs").toString(), copy.toString()));
    // The library and the link to it by its soname (ldconfig, which runs in the check for another
    // architecture, would make the link again).
    Path lib = copy.resolve("usr/lib/" + ARCHES.get(arch).triplet() + "/libpcre2-8.so.0");
    Files.delete(lib.toRealPath());
    Files.delete(lib);
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); import build;"
                    + " build.use_arch(sys.argv[3]); build.STAGE = sys.argv[2];"
                    + " build.HELPERS = sys.argv[4]; build.check_and_train()",
                Path.of("image").toAbsolutePath().toString(),
                copy.toString(),
                arch,
                work.resolve("build-helpers").toString())
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(text).isNotZero();
    assertThat(text)
        .contains("the check inside the image failed", "/usr/bin/git", "libpcre2-8.so.0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void imageContract_matchesUpstream(String arch) throws Exception {
    use(arch);
    String config =
        inspect(
            "{{.Config.User}}|{{.Config.WorkingDir}}|{{.Config.Entrypoint}}|{{.Config.Env}}",
            image);
    assertThat(config)
        .startsWith("65533:65533|/tmp|[/git-sync]|")
        .contains("HOME=/tmp", "GITSYNC_ROOT=/git");
    String layer = layerListing();
    assertThat(layer)
        .containsPattern("drwxrwsr-x 65533/65533 .* git/?\\n")
        .containsPattern("-rw-rw-rw- 0/0 .* etc/passwd\\n")
        .containsPattern("drwxrwxrwt 0/0 .* tmp/?\\n");
    GitSync.Result passwd =
        run(
            podman(
                "--entrypoint",
                "/bin/sh",
                image,
                "-c",
                "while read l; do echo $l; done </etc/passwd"));
    assertThat(passwd.out()).contains("git-sync:x:65533:65533::/tmp:/sbin/nologin");
  }

  /** podman image inspect's answer for one Go template. */
  private static String inspect(String format, String image) throws Exception {
    return Repo.run(Path.of("/"), List.of("podman", "image", "inspect", "--format", format, image))
        .strip();
  }

  private String layerListing() throws Exception {
    String manifest = Repo.run(Path.of("/"), List.of("tar", "-xOf", imageTar, "manifest.json"));
    Object parsed = dev.gitsync.json.JsonParser.parse(manifest);
    String layer =
        (String) ((List<?>) ((java.util.Map<?, ?>) ((List<?>) parsed).get(0)).get("Layers")).get(0);
    return Repo.run(
            Path.of("/"),
            List.of("sh", "-c", "tar -xOf \"$0\" \"$1\" | tar -tvf -", imageTar, layer))
        + "\n";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void syncsOverTheGitProtocol_withSubmodules_intoAHostDirectory(String arch) throws Exception {
    use(arch);
    Repo sub = new Repo(tmp.resolve("sub"));
    String subHash = sub.commit("inner.txt", "submodule");
    Files.writeString(
        repo.dir.resolve(".gitmodules"), "[submodule \"sub\"]\n\tpath = sub\n\turl = ../sub\n");
    repo.git("update-index", "--add", "--cacheinfo", "160000," + subHash + ",sub");
    repo.git("add", ".gitmodules");
    repo.git("commit", "-q", "-m", "submodule");
    String head = repo.head();
    int port = gitDaemon();
    GitSync.Result r =
        run(
            podman(
                "-v",
                out + ":/git",
                image,
                "--repo=git://127.0.0.1:" + port + "/remote",
                "--one-time"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Disk.linkHash(out.resolve("remote"))).isEqualTo(head);
    assertThat(out.resolve("remote/file.txt")).hasContent("one");
    assertThat(out.resolve("remote/sub/inner.txt")).hasContent("submodule");
    assertThat(Files.getOwner(out.resolve(".worktrees")).getName()).isIn("65533", "git-sync");
  }

  /**
   * --verify in the image, as its user: git runs the image's gpg and ssh-keygen with the keys
   * mounted from a Secret; a signed commit is published and an unsigned one refused.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void verify_signedCommitsOnly_withKeysFromASecret(String arch) throws Exception {
    use(arch);
    Signers keys = new Signers(tmp.resolve("keys"));
    Path ssh = keys.sshKey("dev");
    keys.gpgKey("release@example.com", "", "1y");
    try {
      Path secret = Files.createDirectories(tmp.resolve("verify-secret"));
      Files.writeString(
          secret.resolve("allowed_signers"), Signers.allowed("dev@example.com", "", ssh));
      keys.exportArmored(secret.resolve("keys.asc"), "release@example.com");
      String pgp = keys.gpgCommit(repo, "release@example.com", "gpg", "file.txt", "pgp-signed");
      int port = gitDaemon();
      // Read-only, no /tmp: the keyring is built under --root.
      List<String> verify =
          podman(
              "--read-only",
              "--read-only-tmpfs=false",
              "-v",
              out + ":/git",
              "-v",
              secret + ":/etc/git-verify:ro",
              image,
              "--repo=git://127.0.0.1:" + port + "/remote",
              "--one-time",
              "--verify=all",
              "--verify-ssh-allowed-signers=/etc/git-verify/allowed_signers",
              "--verify-gpg-keys=/etc/git-verify/keys.asc");
      GitSync.Result ok = run(verify);
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(Disk.linkHash(out.resolve("remote"))).isEqualTo(pgp);
      String signed = keys.sshCommit(repo, ssh, "file.txt", "ssh-signed");
      ok = run(verify);
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(Disk.linkHash(out.resolve("remote"))).isEqualTo(signed);

      String unsigned = repo.commit("file.txt", "unsigned");
      GitSync.Result refused = run(verify);
      assertThat(refused.code()).isNotZero();
      assertThat(refused.err())
          .contains("refused to publish commit " + unsigned + ": unsigned")
          .doesNotContain("gpg: ");
      assertThat(Disk.linkHash(out.resolve("remote"))).isEqualTo(signed);
    } finally {
      Signers.run(tmp, keys.gpgEnv(), "gpgconf", "--kill", "all");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void syncsOverHttpWithBasicAuth_passwordFromAMountedSecret(String arch) throws Exception {
    use(arch);
    Path secrets = tmp.resolve("secret");
    Files.createDirectories(secrets);
    Files.writeString(secrets.resolve("password"), "image-http-pass\n");
    GitHttpServer server = new GitHttpServer(tmp).require("robot", "image-http-pass");
    closeables.add(server);
    GitSync.Result r =
        run(
            podman(
                "-v",
                out + ":/git",
                "-v",
                secrets + ":/etc/git-secret:ro",
                image,
                "--repo=" + server.url("remote"),
                "--username=robot",
                "--password-file=/etc/git-secret/password",
                "--one-time"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Disk.linkHash(out.resolve("remote"))).isEqualTo(first);
    assertThat(r.err()).doesNotContain("image-http-pass");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void runsWithAReadOnlyRootFilesystem_asKubernetesManifestsDo(String arch) throws Exception {
    use(arch);
    // readOnlyRootFilesystem with only /git writable, no /tmp at all (podman mounts none with
    // --read-only-tmpfs=false); HTTP auth uses the credential cache, whose socket then lives under
    // --root with the private git config, as --verify's keyring does.
    Files.writeString(tmp.resolve("pw"), "read-only-pass\n");
    GitHttpServer server = new GitHttpServer(tmp).require("robot", "read-only-pass");
    closeables.add(server);
    List<String> argv =
        podman(
            "--read-only",
            "--read-only-tmpfs=false",
            "-v",
            out + ":/git",
            "-v",
            tmp.resolve("pw") + ":/etc/git-secret/password:ro",
            image,
            "--repo=" + server.url("remote"),
            "--username=robot",
            "--password-file=/etc/git-secret/password",
            "--one-time");
    GitSync.Result r = run(argv);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Disk.linkHash(out.resolve("remote"))).isEqualTo(first);
    assertThat(r.err()).contains("git-sync's private files are under --root");
    // A restart (an init container run again on the same volume) finds the last run's private
    // directory, makes it afresh, and syncs the next commit.
    String second = repo.commit("file.txt", "two");
    GitSync.Result again = run(argv);
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(Disk.linkHash(out.resolve("remote"))).isEqualTo(second);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void addUser_givesAnArbitraryUidAPasswdEntry_andSshWorksAsThatUid(String arch) throws Exception {
    use(arch);
    Sshd sshd = Sshd.start(tmp.resolve("sshd"));
    closeables.add(sshd);
    Path secret = sshSecret(sshd, "4242:65533");
    // Like upstream's /git: group-writable for the image's group, which any UID runs with here.
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxr-x"));
    Path hooks = tmp.resolve("hooks");
    Files.createDirectories(hooks);
    Disk.script(
        hooks.resolve("passwd.sh"),
        "while read -r l; do echo \"$l\"; done </etc/passwd >/git/passwd.out");
    Files.setPosixFilePermissions(
        hooks.resolve("passwd.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    GitSync.Result r =
        run(
            podman(
                "--user",
                "4242:65533",
                // As in Kubernetes: no passwd entry is made for the UID by the runtime.
                "--passwd=false",
                "-v",
                out + ":/git",
                "-v",
                secret + ":/etc/git-secret:ro",
                "-v",
                hooks + ":/hooks:ro",
                image,
                "--repo=" + sshd.url(repo.dir),
                "--one-time",
                "--add-user",
                "--exechook-command=/hooks/passwd.sh"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Disk.linkHash(out.resolve("remote"))).isEqualTo(first);
    assertThat(out.resolve("passwd.out"))
        .content()
        .contains(
            "git-sync:x:65533:65533::/tmp:/sbin/nologin",
            "git-sync:x:4242:65533::/tmp:/sbin/nologin");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void syncsOverSsh_checkingKnownHosts_withTheDefaultSecretPaths(String arch) throws Exception {
    use(arch);
    Sshd sshd = Sshd.start(tmp.resolve("sshd"));
    closeables.add(sshd);
    Path secret = sshSecret(sshd, "65533:65533");
    GitSync.Result r =
        run(
            podman(
                "-v",
                out + ":/git",
                "-v",
                secret + ":/etc/git-secret:ro",
                image,
                "--repo=" + sshd.url(repo.dir),
                "--one-time"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Disk.linkHash(out.resolve("remote"))).isEqualTo(first);

    Files.copy(
        sshd.wrongKnownHosts,
        secret.resolve("known_hosts"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path out2 = tmp.resolve("out2");
    Files.createDirectories(out2);
    chown(out2);
    GitSync.Result wrong =
        run(
            podman(
                "-v",
                out2 + ":/git",
                "-v",
                secret + ":/etc/git-secret:ro",
                image,
                "--repo=" + sshd.url(repo.dir),
                "--one-time"));
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.err()).contains("Host key verification failed");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void execHookRunsInsideTheImage_underTiniAsPid1_leavingNoZombies(String arch) throws Exception {
    use(arch);
    int port = gitDaemon();
    Path hooks = tmp.resolve("hooks");
    Files.createDirectories(hooks);
    // An orphaned grandchild: only an init that reaps (tini) keeps it from staying a zombie. It
    // exits only once its parent, the hook, has (its parent is then PID 1): had it exited first,
    // the
    // hook's shell could have reaped it itself, and the test would pass without tini.
    Disk.script(
        hooks.resolve("orphan.sh"),
        "while read -r pid comm state ppid rest </proc/$$/stat && [ \"$ppid\" != 1 ]; do :; done\n"
            + "echo $$ > /git/orphan.pid");
    Disk.script(
        hooks.resolve("hook.sh"),
        "/hooks/orphan.sh &\necho \"$GITSYNC_HASH $(pwd)\" > /git/hook.out");
    for (String script : List.of("hook.sh", "orphan.sh")) {
      Files.setPosixFilePermissions(
          hooks.resolve(script), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    String name = "gitsync-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    List<String> argv =
        podman(
            "-d",
            "--name",
            name,
            "-v",
            out + ":/git",
            "-v",
            hooks + ":/hooks:ro",
            image,
            "--repo=git://127.0.0.1:" + port + "/remote",
            "--period=1s",
            "--exechook-command=/hooks/hook.sh");
    Repo.run(Path.of("/"), argv);
    try {
      await().atMost(60, SECONDS).until(() -> Files.exists(out.resolve("hook.out")));
      assertThat(Files.readString(out.resolve("hook.out")))
          .startsWith(first + " /git/.worktrees/" + first);
      String second = repo.commit("file.txt", "two");
      await()
          .atMost(60, SECONDS)
          .until(() -> Disk.readOrEmpty(out.resolve("hook.out")).startsWith(second));
      // The orphan must be reaped: its pid gone from /proc (a zombie stays). Any other zombie must
      // go too; one can be seen for a moment between a process's exit and its
      // parent's wait (the JVM's git children every second, slower under emulation).
      String[] orphan = {""};
      await()
          .atMost(60, SECONDS)
          .until(
              () -> !(orphan[0] = Disk.readOrEmpty(out.resolve("orphan.pid")).strip()).isEmpty());
      await()
          .atMost(60, SECONDS)
          .pollInterval(1, SECONDS)
          .untilAsserted(
              () -> {
                String inside =
                    Repo.run(
                        Path.of("/"),
                        List.of(
                            "podman",
                            "exec",
                            name,
                            "/bin/sh",
                            "-c",
                            "read c </proc/1/comm; echo pid1=$c; for s in /proc/[0-9]*/stat; do"
                                + " read l <$s 2>/dev/null; case \"$l\" in *') Z '*) echo"
                                + " \"zombie $l\";; esac; done; [ -e /proc/$1 ] && echo \"orphan"
                                + " $1 not reaped\"; echo end",
                            "sh",
                            orphan[0]));
                assertThat(inside)
                    .contains("pid1=tini", "end")
                    .doesNotContain("zombie", "not reaped");
              });
    } finally {
      Repo.run(Path.of("/"), List.of("podman", "rm", "-f", "-t", "2", name));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arches")
  void notifiesSlackOverHttps_trustingAPrivateCaFromSslCertFile(String arch) throws Exception {
    use(arch);
    Path pki = tmp.resolve("pki");
    Files.createDirectories(pki);
    SSLContext tls = dev.gitsync.testing.Pki.server(pki);
    Receiver slack = new Receiver(tls);
    closeables.add(slack);
    slack.validator = Receiver::slack;
    int port = gitDaemon();
    GitSync.Result r =
        run(
            podman(
                "-v",
                out + ":/git",
                "-v",
                pki.resolve("ca.pem") + ":/etc/ssl/private-ca/ca.pem:ro",
                "-e",
                "SSL_CERT_FILE=/etc/ssl/private-ca/ca.pem",
                image,
                "--repo=git://127.0.0.1:" + port + "/remote",
                "--one-time",
                "--notify=slack+" + slack.url("/services/T0/B0/IMAGETEST")));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(slack.requests).hasSize(1);
    assertThat(slack.requests.get(0).body()).contains(first.substring(0, 7));
    assertThat(slack.statuses).isEmpty();
  }

  /**
   * The OCI image index ({@code scripts/build-image.sh --all}) pushed as one tag to a real registry
   * (Docker's distribution, on loopback) with {@code skopeo copy --all}, as the README says: the
   * tag lists both platforms, and pulling it for each architecture gives exactly the image the
   * other tests ran (the same image id), which runs as that architecture.
   */
  @Test
  void ociIndex_pushedAsOneTag_pullsTheTestedImageForEachPlatform() throws Exception {
    String oci = System.getProperty("gitsync.image.oci", "");
    assumeThat(oci).as("gitsync.image.oci (set by the image-multiarch profile)").isNotEmpty();
    int port = freePort();
    Path config = tmp.resolve("registry.yml");
    Files.writeString(
        config,
        "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: "
            + tmp.resolve("registry")
            + "\nhttp:\n  addr: 127.0.0.1:"
            + port
            + "\n");
    servers.add(
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("registry.log").toFile())
            .start());
    await().atMost(30, SECONDS).until(() -> canConnect(port));
    String ref = "127.0.0.1:" + port + "/git-sync-java:dev";
    Repo.run(
        Path.of("/"),
        List.of(
            "skopeo",
            "copy",
            "--all",
            "--quiet",
            "--dest-tls-verify=false",
            "oci-archive:" + oci,
            "docker://" + ref));
    String index =
        Repo.run(
            Path.of("/"),
            List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref));
    assertThat(index)
        .contains("application/vnd.oci.image.index.v1+json")
        .contains("\"architecture\":\"amd64\"", "\"architecture\":\"arm64\"")
        .contains("\"architecture\":\"ppc64le\"", "\"architecture\":\"s390x\"");
    for (String a : TARS.keySet()) {
      use(a);
      // podman pull -q prints the image id last.
      String pulled =
          Repo.run(
                  Path.of("/"),
                  List.of(
                      "podman",
                      "pull",
                      "-q",
                      "--tls-verify=false",
                      "--arch=" + ARCHES.get(a).platform(),
                      ref))
              .strip()
              .lines()
              .reduce((x, y) -> y)
              .orElse("");
      assertThat(pulled).as(a).isEqualTo(inspect("{{.Id}}", image));
      GitSync.Result version = run(podman(pulled, "--version"));
      assertThat(version.code()).as(version.err()).isZero();
      assertThat(version.out().strip()).isEqualTo(GitSync.run(tmp, "--version").out().strip());
    }
    assertThat(TARS).containsKeys("amd64", "arm64", "ppc64el", "s390x");
  }

  /**
   * A directory laid out like upstream's /etc/git-secret (the client key as {@code ssh}, and {@code
   * known_hosts}), owned by the container's user so that ssh accepts the key's mode 0400.
   */
  private Path sshSecret(Sshd sshd, String owner) throws Exception {
    Path secret = tmp.resolve("git-secret");
    Files.createDirectories(secret);
    Files.copy(sshd.clientKey, secret.resolve("ssh"));
    Files.copy(sshd.knownHosts, secret.resolve("known_hosts"));
    Repo.run(Path.of("/"), List.of("chown", "-R", owner, secret.toString()));
    Files.setPosixFilePermissions(
        secret.resolve("ssh"), PosixFilePermissions.fromString("r--------"));
    return secret;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean canConnect(int port) {
    try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }
}
