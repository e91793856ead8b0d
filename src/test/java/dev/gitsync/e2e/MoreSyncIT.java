package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** More black-box behaviour: -v ladder, --filter, --git-gc, submodules, SIGINT, --add-user. */
class MoreSyncIT {
  @TempDir Path tmp;
  Repo repo;
  Path root;
  String first;

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
    first = repo.commit("file.txt", "one");
    root = tmp.resolve("root");
  }

  @Test
  void verbosity_fiveLogsCommands_sixLogsOutput_zeroNeither() throws Exception {
    GitSync.Result quiet =
        GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + tmp.resolve("r0"), "--one-time");
    assertThat(quiet.err()).doesNotContain("running command", "command result");
    GitSync.Result five =
        GitSync.run(
            tmp, "--repo=" + repo.url(), "--root=" + tmp.resolve("r5"), "--one-time", "-v", "5");
    assertThat(five.err())
        .contains("\"level\":5,\"msg\":\"running command\"", "git fetch")
        .doesNotContain("command result");
    GitSync.Result six =
        GitSync.run(
            tmp, "--repo=" + repo.url(), "--root=" + tmp.resolve("r6"), "--one-time", "-v", "6");
    assertThat(six.err()).contains("\"level\":6,\"msg\":\"command result\"", "git version 2");
  }

  /** Issue 22: git work a one-time sync of a fresh root does not need is not done. */
  @Test
  void aFreshRootWithoutSubmodules_runsNoSubmoduleUpdate_prune_orConfigRead() throws Exception {
    GitSync.Result r =
        GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time", "-v", "5");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("git worktree add")
        .doesNotContain("git submodule update", "git worktree prune", "config --get");
    // A commit with a submodule still gets it.
    Repo sub = new Repo(tmp.resolve("sub"));
    String subHash = sub.commit("inner.txt", "submodule");
    Files.writeString(
        repo.dir.resolve(".gitmodules"), "[submodule \"sub\"]\n\tpath = sub\n\turl = ../sub\n");
    repo.git("update-index", "--add", "--cacheinfo", "160000," + subHash + ",sub");
    repo.git("add", ".gitmodules");
    repo.git("-c", "protocol.file.allow=always", "commit", "-q", "-m", "submodule");
    GitSync.Result again =
        GitSync.run(
            tmp,
            Map.of(
                "GIT_CONFIG_COUNT",
                "1",
                "GIT_CONFIG_KEY_0",
                "protocol.file.allow",
                "GIT_CONFIG_VALUE_0",
                "always"),
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "-v",
            "5");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err()).contains("git submodule update");
    assertThat(root.resolve("remote/sub/inner.txt")).hasContent("submodule");
  }

  /**
   * Issue 22: a restart's deep pass checks the object store once. The published worktree shares the
   * repository's objects, and the repository's fsck already followed every worktree's HEAD.
   */
  @Test
  void restartOnASyncedRoot_runsFsckOnce_andStillChecksTheWorktreeHead() throws Exception {
    GitSync.Result first = GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time");
    assertThat(first.code()).as(first.err()).isZero();
    GitSync.Result again =
        GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time", "-v", "5");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err().split("\"cmd\":\"git fsck", -1)).as(again.err()).hasSize(2);
    assertThat(again.err()).contains("git rev-parse HEAD");
  }

  @Test
  void filter_isPassedToFetch_andSyncWorks() throws Exception {
    repo.git("config", "uploadpack.allowFilter", "true");
    GitSync.Result r =
        GitSync.run(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--filter=blob:none",
            "-v",
            "5");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("--filter=blob:none");
    assertThat(Files.readString(root.resolve("remote/file.txt"))).isEqualTo("one");
  }

  @Test
  void gitGc_modes_runAfterAWorktreeIsRemoved() throws Exception {
    assertThat(GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time").code())
        .isZero();
    repo.commit("file.txt", "two");
    GitSync.Result auto =
        GitSync.run(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--git-gc=auto",
            "-v",
            "5");
    assertThat(auto.err())
        .contains("git worktree prune --verbose", "git reflog expire", "\"cmd\":\"git gc --auto\"");
    repo.commit("file.txt", "three");
    GitSync.Result off =
        GitSync.run(
            tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time", "--git-gc=off", "-v", "5");
    assertThat(off.err()).contains("git reflog expire").doesNotContain("git gc");
    GitSync.Result nothingRemoved =
        GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time", "-v", "5");
    assertThat(nothingRemoved.err()).doesNotContain("git gc", "reflog expire");
  }

  @Test
  void submodules_recursiveShallowOff() throws Exception {
    Repo inner = new Repo(tmp.resolve("inner"));
    inner.commit("deep.txt", "deep");
    Repo sub = new Repo(tmp.resolve("sub"));
    sub.commit("sub.txt", "sub");
    sub.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.url(), "inner");
    sub.git("commit", "-qm", "add inner");
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.url(), "sub");
    repo.git("commit", "-qm", "add sub");
    String allow = "--git-config=protocol.file.allow:always";
    GitSync.Result rec =
        GitSync.run(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + tmp.resolve("rec"),
            "--one-time",
            allow,
            "--depth=0");
    assertThat(rec.code()).as(rec.err()).isZero();
    assertThat(Files.readString(tmp.resolve("rec/remote/sub/inner/deep.txt"))).isEqualTo("deep");
    GitSync.Result shallow =
        GitSync.run(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + tmp.resolve("sh"),
            "--one-time",
            allow,
            "--depth=0",
            "--submodules=shallow");
    assertThat(shallow.code()).as(shallow.err()).isZero();
    assertThat(Files.readString(tmp.resolve("sh/remote/sub/sub.txt"))).isEqualTo("sub");
    assertThat(tmp.resolve("sh/remote/sub/inner/deep.txt")).doesNotExist();
    GitSync.Result off =
        GitSync.run(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + tmp.resolve("off"),
            "--one-time",
            "--submodules=off");
    assertThat(off.code()).as(off.err()).isZero();
    assertThat(tmp.resolve("off/remote/sub/sub.txt")).doesNotExist();
  }

  @Test
  void sigint_whileIdle_exits130() throws Exception {
    GitSync g = GitSync.start(tmp, "--repo=" + repo.url(), "--root=" + root, "--period=1h");
    await().atMost(30, SECONDS).until(() -> Files.isSymbolicLink(root.resolve("remote")));
    g.signal("INT");
    assertThat(g.waitFor(20)).isEqualTo(130);
  }

  @Test
  void missingGit_failsAtStartupNamingTheFlag() throws Exception {
    GitSync.Result r =
        GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--git=/nonexistent/git");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("can't run git (--git)", "/nonexistent/git");
  }

  @Test
  void addUser_appendsEntryForArbitraryUid() throws Exception {
    assumeThat(System.getProperty("user.name")).isEqualTo("root");
    assumeThat(Path.of("/usr/bin/unshare")).exists();
    assumeThat(Path.of("/usr/bin/setpriv")).exists();
    // An id no entry has, so the test holds on a host whatever users it already has.
    int uid = freeId();
    Path passwd = tmp.resolve("passwd");
    Files.copy(Path.of("/etc/passwd"), passwd);
    Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-rw-rw-"));
    Path work = tmp.resolve("work");
    Files.createDirectories(work);
    for (Path p : List.of(tmp, work, repo.dir)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
    }
    String script =
        "mount --bind "
            + passwd
            + " /etc/passwd && exec setpriv --reuid="
            + uid
            + " --regid="
            + uid
            + " --clear-groups "
            + GitSync.LAUNCHER
            + " --repo="
            + repo.url()
            + " --root="
            + work.resolve("root")
            + " --one-time --add-user";
    GitSync g =
        GitSync.startCommand(
            tmp, Map.of("HOME", "/tmp"), List.of("unshare", "--mount", "sh", "-c", script));
    assertThat(g.waitFor(60)).as(g.err()).isZero();
    assertThat(Files.readString(passwd))
        .endsWith("git-sync:x:" + uid + ":" + uid + "::/tmp:/sbin/nologin\n");
  }

  private static int freeId() throws Exception {
    java.util.Set<String> used = new java.util.HashSet<>();
    for (String file : List.of("/etc/passwd", "/etc/group")) {
      for (String line : Files.readAllLines(Path.of(file))) {
        String[] f = line.split(":");
        if (f.length > 2) {
          used.add(f[2]);
        }
      }
    }
    for (int id = 65533; id > 60000; id--) {
      if (!used.contains(Integer.toString(id))) {
        return id;
      }
    }
    throw new AssertionError("no free id between 60000 and 65533");
  }
}
