package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Syncing, black box: refs, depth, links, the loop, error and touch files, signals, timeouts. */
class SyncIT {
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
  void oneTime_branch_publishesRelativeLinkNamedByHash() throws Exception {
    GitSync.Result r =
        GitSync.run(tmp, "--repo=" + repo.url(), "--ref=main", "--root=" + root, "--one-time");
    assertThat(r.code()).as(r.err()).isZero();
    Path link = root.resolve("remote");
    assertThat(Files.readSymbolicLink(link).toString()).isEqualTo(".worktrees/" + first);
    assertThat(Files.readString(link.resolve("file.txt"))).isEqualTo("one");
    assertThat(Files.readString(root.resolve(".worktrees/" + first + "/.git")).trim())
        .isEqualTo("gitdir: ../../.git/worktrees/" + first);
    assertThat(r.err())
        .contains(
            "\"msg\":\"update required\"",
            "\"msg\":\"updated successfully\"",
            "\"msg\":\"exiting after one sync\"");
    for (String line : r.err().split("\n")) {
      assertThat(line).startsWith("{\"logger\":\"\",\"ts\":\"").endsWith("}");
    }
  }

  @Test
  void refs_tagsHashAndHead_resolveToTheirCommit() throws Exception {
    repo.git("tag", "light");
    repo.git("tag", "-a", "annotated", "-m", "an annotated tag");
    String second = repo.commit("file.txt", "two");
    for (String[] c :
        new String[][] {
          {"light", first}, {"annotated", first}, {first, first}, {"HEAD", second}, {"main", second}
        }) {
      Path r = tmp.resolve("root-" + c[0]);
      GitSync.Result res =
          GitSync.run(
              tmp,
              "--repo=" + repo.url(),
              "--ref=" + c[0],
              "--root=" + r,
              "--one-time",
              "--link=current");
      assertThat(res.code()).as(c[0] + ": " + res.err()).isZero();
      assertThat(Disk.linkHash(r.resolve("current"))).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void depth_restartWithZero_unshallows() throws Exception {
    repo.commit("file.txt", "two");
    String third = repo.commit("file.txt", "three");
    assertThat(GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time").code())
        .isZero();
    assertThat(root.resolve(".git/shallow")).exists();
    GitSync.Result r =
        GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time", "--depth=0");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(root.resolve(".git/shallow")).doesNotExist();
    assertThat(Repo.run(root, java.util.List.of("git", "rev-list", "--count", third)))
        .isEqualTo("3");
  }

  @Test
  void loop_newCommit_flipsLinkTouchesFileAndRemovesOldWorktree() throws Exception {
    Path link = root.resolve("remote");
    GitSync g =
        GitSync.start(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--period=100ms",
            "--touch-file=touched",
            "--max-failures=-1");
    try {
      await().atMost(30, SECONDS).until(() -> first.equals(Disk.linkHashOrNull(link)));
      await().atMost(30, SECONDS).until(() -> Files.exists(root.resolve("touched")));
      long before = Files.getLastModifiedTime(root.resolve("touched")).toMillis();
      String second = repo.commit("file.txt", "two");
      await().atMost(30, SECONDS).until(() -> second.equals(Disk.linkHashOrNull(link)));
      assertThat(Files.readString(link.resolve("file.txt"))).isEqualTo("two");
      await().atMost(30, SECONDS).until(() -> !Files.exists(root.resolve(".worktrees/" + first)));
      assertThat(Files.getLastModifiedTime(root.resolve("touched")).toMillis())
          .isGreaterThanOrEqualTo(before);
    } finally {
      g.kill();
    }
  }

  @Test
  void staleWorktreeTimeout_keepsOldWorktreeForAWhile() throws Exception {
    assertThat(GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time").code())
        .isZero();
    String second = repo.commit("file.txt", "two");
    GitSync.Result r =
        GitSync.run(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--stale-worktree-timeout=1h");
    assertThat(r.code()).isZero();
    assertThat(root.resolve(".worktrees/" + first)).isDirectory();
    assertThat(root.resolve(".worktrees/" + second)).isDirectory();
    r = GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time");
    assertThat(r.code()).isZero();
    assertThat(root.resolve(".worktrees/" + first)).doesNotExist();
  }

  @Test
  void failingRemote_keepsPublishedLink_writesAndClearsErrorFile() throws Exception {
    Path link = root.resolve("remote");
    GitSync g =
        GitSync.start(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--period=100ms",
            "--max-failures=-1",
            "--error-file=errors.json");
    try {
      await().atMost(30, SECONDS).until(() -> first.equals(Disk.linkHashOrNull(link)));
      Path moved = tmp.resolve("moved");
      Files.move(repo.dir, moved);
      await().atMost(30, SECONDS).until(() -> Files.exists(root.resolve("errors.json")));
      String err = Files.readString(root.resolve("errors.json"));
      assertThat(err)
          .contains("\"Msg\":\"error syncing repo, will retry\"", "\"Err\":\"Run(git fetch");
      assertThat(Disk.linkHash(link)).isEqualTo(first);
      assertThat(Files.readString(link.resolve("file.txt"))).isEqualTo("one");
      Files.move(moved, repo.dir);
      await().atMost(30, SECONDS).until(() -> !Files.exists(root.resolve("errors.json")));
    } finally {
      g.kill();
    }
  }

  @Test
  void maxFailures_defaultZero_exitsOnFirstFailure() throws Exception {
    GitSync.Result r = GitSync.run(tmp, "--repo=file://" + tmp.resolve("nope"), "--root=" + root);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("\"msg\":\"too many failures, aborting\"");
  }

  @Test
  void maxFailures_two_exitsOnTheThird() throws Exception {
    GitSync.Result r =
        GitSync.run(
            tmp,
            "--repo=file://" + tmp.resolve("nope"),
            "--root=" + root,
            "--max-failures=2",
            "--period=10ms");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().split("error syncing repo, will retry", -1)).hasSize(4);
  }

  @Test
  void initMaxFailures_retriesUntilTheRepoAppears() throws Exception {
    Repo late = null;
    Path lateDir = tmp.resolve("late");
    GitSync g =
        GitSync.start(
            tmp,
            "--repo=file://" + lateDir,
            "--root=" + root,
            "--init-period=50ms",
            "--period=10s",
            "--init-max-failures=-1",
            "--link=current");
    try {
      await().atMost(30, SECONDS).until(() -> g.err().contains("error syncing repo"));
      late = new Repo(lateDir);
      String h = late.commit("a", "b");
      await()
          .atMost(30, SECONDS)
          .until(() -> h.equals(Disk.linkHashOrNull(root.resolve("current"))));
      await()
          .atMost(60, SECONDS)
          .until(() -> g.err().contains("initial sync complete, switching to normal period"));
      assertThat(g.process.isAlive()).isTrue();
    } finally {
      g.kill();
    }
  }

  @Test
  void credentialsInRepoUrl_neverLogged() throws Exception {
    GitSync.Result r =
        GitSync.run(
            tmp,
            "--repo=http://someone:hunter2secret@127.0.0.1:9/repo.git",
            "--root=" + root,
            "--one-time",
            "--error-file=e.json",
            "-v",
            "6");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("hunter2secret").contains("REDACTED@127.0.0.1");
    assertThat(Files.readString(root.resolve("e.json"))).doesNotContain("hunter2secret");
  }

  @Test
  void absoluteLinkOutsideRoot_isRelativeAndWorks() throws Exception {
    Path link = tmp.resolve("elsewhere/deep/current");
    GitSync.Result r =
        GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time", "--link=" + link);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readSymbolicLink(link).isAbsolute()).isFalse();
    assertThat(Disk.linkHash(link)).isEqualTo(first);
    assertThat(Files.readString(link.resolve("file.txt"))).isEqualTo("one");
  }

  @Test
  void deprecatedDestAndBranch_mapToLinkAndRef() throws Exception {
    repo.git("checkout", "-q", "-b", "other");
    String other = repo.commit("file.txt", "other");
    repo.git("checkout", "-q", "main");
    GitSync.Result r =
        GitSync.run(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--branch=other",
            "--ref=main",
            "--dest=legacy",
            "--link=ignored");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Disk.linkHash(root.resolve("legacy"))).isEqualTo(other);
    assertThat(root.resolve("ignored")).doesNotExist();
  }

  @Test
  void legacyEnv_beatsNewEnv_andFlagBeatsBoth() throws Exception {
    Map<String, String> env =
        Map.of(
            "GITSYNC_LINK",
            "new",
            "GIT_SYNC_LINK",
            "legacy",
            "GITSYNC_ROOT",
            root.toString(),
            "GITSYNC_REPO",
            repo.url(),
            "GITSYNC_ONE_TIME",
            "true");
    assertThat(GitSync.run(tmp, env).code()).isZero();
    assertThat(root.resolve("legacy")).isSymbolicLink();
    assertThat(root.resolve("new")).doesNotExist();
    assertThat(GitSync.run(tmp, env, "--link=flag").code()).isZero();
    assertThat(root.resolve("flag")).isSymbolicLink();
  }

  @Test
  void gitConfig_quotedKeyWithColon_isAppliedToGit() throws Exception {
    Path real = repo.dir;
    String fake = "file:///nonexistent/fake";
    GitSync.Result r =
        GitSync.run(
            tmp,
            "--repo=" + fake,
            "--root=" + root,
            "--one-time",
            "--link=l",
            "--git-config=\"url.file://" + real + ".insteadOf\":" + fake + ",core.quotepath:false");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Disk.linkHash(root.resolve("l"))).isEqualTo(first);
  }

  @Test
  void gitConfigAdd_addsToDefaultSafeDirectory() throws Exception {
    Path out = tmp.resolve("safe.txt");
    Path wrapper =
        Disk.script(
            tmp.resolve("git-wrapper"),
            "git config --global --get-all safe.directory > " + out + "\nexec git \"$@\"");
    GitSync.Result r =
        GitSync.run(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--git=" + wrapper,
            "--git-config-add=safe.directory:/srv/extra");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out).lines()).containsExactly("*", "/srv/extra");
  }

  @Test
  void groupWrite_makesCheckoutGroupWritable() throws Exception {
    GitSync.Result r =
        GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time", "--group-write");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.getPosixFilePermissions(root.resolve("remote/file.txt")))
        .contains(PosixFilePermission.GROUP_WRITE);
    GitSync.Result plain =
        GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + tmp.resolve("r2"), "--one-time");
    assertThat(plain.code()).isZero();
    assertThat(Files.getPosixFilePermissions(tmp.resolve("r2/remote/file.txt")))
        .doesNotContain(PosixFilePermission.GROUP_WRITE);
  }

  @Test
  void syncOnSignal_syncsAtOnceDespiteLongPeriod() throws Exception {
    Path link = root.resolve("remote");
    GitSync g =
        GitSync.start(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--period=1h",
            "--sync-on-signal=SIGHUP");
    try {
      await().atMost(30, SECONDS).until(() -> first.equals(Disk.linkHashOrNull(link)));
      String second = repo.commit("file.txt", "two");
      g.signal("HUP");
      await().atMost(30, SECONDS).until(() -> second.equals(Disk.linkHashOrNull(link)));
    } finally {
      g.kill();
    }
  }

  @Test
  void refIsHash_stopsPollingAfterSync() throws Exception {
    GitSync g =
        GitSync.start(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--ref=" + first,
            "--period=50ms",
            "-v",
            "5");
    try {
      await()
          .atMost(30, SECONDS)
          .until(() -> g.err().contains("ref appears to be a git hash, no further sync needed"));
      String log = g.err();
      // Ten periods pass without a single command: polling has stopped.
      await()
          .during(500, java.util.concurrent.TimeUnit.MILLISECONDS)
          .atMost(5, SECONDS)
          .until(() -> g.err().equals(log));
      assertThat(g.process.isAlive()).isTrue();
      g.signal("TERM");
      assertThat(g.waitFor(20)).isZero();
    } finally {
      g.kill();
    }
  }

  @Test
  void syncTimeout_killsHungGitAndItsChildren() throws Exception {
    Path pidFile = tmp.resolve("sleeper.pid");
    Path wrapper =
        Disk.script(
            tmp.resolve("slow-git"),
            "if [ \"$1\" = fetch ]; then sleep 300 & echo $! > "
                + pidFile
                + "; wait; fi\n"
                + "exec git \"$@\"");
    GitSync.Result r =
        GitSync.run(
            tmp,
            "--repo=" + repo.url(),
            "--root=" + root,
            "--one-time",
            "--sync-timeout=1s",
            "--git=" + wrapper);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("context deadline exceeded");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    await()
        .atMost(60, SECONDS)
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void sigterm_duringFetch_stopsGitAndExitsPromptlyWithoutLocks() throws Exception {
    assertThat(GitSync.run(tmp, "--repo=" + repo.url(), "--root=" + root, "--one-time").code())
        .isZero();
    Path started = tmp.resolve("started");
    Path wrapper =
        Disk.script(
            tmp.resolve("slow-git"),
            "if [ \"$1\" = fetch ]; then : > "
                + root.resolve(".git/index.lock")
                + "; touch "
                + started
                + "; sleep 300; fi\nexec git \"$@\"");
    repo.commit("file.txt", "two");
    GitSync g = GitSync.start(tmp, "--repo=" + repo.url(), "--root=" + root, "--git=" + wrapper);
    await().atMost(30, SECONDS).until(() -> Files.exists(started));
    long t0 = System.nanoTime();
    g.signal("TERM");
    assertThat(g.waitFor(20)).isEqualTo(143);
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
    assertThat(root.resolve(".git/index.lock")).doesNotExist();
    assertThat(Disk.linkHash(root.resolve("remote"))).isEqualTo(first);
    assertThat(g.err()).contains("\"msg\":\"shutting down\"");
  }
}
