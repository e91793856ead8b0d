package dev.gitsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.fs.FileOps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Root handling and crash recovery (upstream-contract §3), black box, across restarts. */
class RecoveryIT {
  @TempDir Path tmp;
  Repo repo;
  Path root;
  Path link;
  String first;

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
    first = repo.commit("file.txt", "one");
    root = tmp.resolve("root");
    link = root.resolve("remote");
  }

  private GitSync.Result sync(String... extra) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(List.of("--repo=" + repo.url(), "--root=" + root, "--one-time"));
    args.addAll(List.of(extra));
    GitSync.Result r = GitSync.run(tmp, args.toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    return r;
  }

  private void assertSynced(String hash, String content) throws Exception {
    assertThat(Disk.linkHash(link)).isEqualTo(hash);
    assertThat(Files.readString(link.resolve("file.txt"))).isEqualTo(content);
    assertThat(Files.readString(link.resolve(".git"))).startsWith("gitdir: ../../.git/worktrees/");
  }

  /**
   * Found by chaos/run in CI: a kill -9 during {@code git worktree add} leaves its metadata locked
   * ("initializing") with no directory; {@code worktree prune} keeps locked entries and a single
   * {@code --force} refuses "a missing but locked worktree", so that commit could never be
   * published again until the next one came.
   */
  @Test
  void aWorktreeAddKilledHalfway_leavesALockThatDoesNotBlockThatCommitForever() throws Exception {
    sync();
    String second = repo.commit("file.txt", "two");
    Path git = root.resolve(".git");
    Repo.run(git, List.of("git", "fetch", "-q", repo.url(), "main"));
    Path wt = root.resolve(".worktrees").resolve(second);
    Repo.run(root, List.of("git", "worktree", "add", "-q", "--detach", wt.toString(), second));
    Repo.run(root, List.of("git", "worktree", "lock", "--reason", "initializing", wt.toString()));
    Repo.run(Path.of("/"), List.of("rm", "-rf", wt.toString()));
    sync();
    assertSynced(second, "two");
  }

  @Test
  void nonEmptyRootThatIsNotARepo_isEmptiedButKept() throws Exception {
    Files.createDirectories(root.resolve("junk/dir"));
    Files.writeString(root.resolve("junk/dir/f"), "x");
    Files.writeString(root.resolve(".hidden"), "x");
    Object inode = Files.getAttribute(root, "unix:ino");
    sync();
    assertSynced(first, "one");
    assertThat(root.resolve("junk")).doesNotExist();
    assertThat(root.resolve(".hidden")).doesNotExist();
    assertThat(Files.getAttribute(root, "unix:ino")).isEqualTo(inode);
  }

  @Test
  void rootInsideAnotherRepo_getsItsOwnRepo() throws Exception {
    Path outer = tmp.resolve("outer");
    new Repo(outer).commit("x", "y");
    root = outer.resolve("sub/root");
    link = root.resolve("remote");
    Files.createDirectories(root);
    Files.writeString(root.resolve("stray"), "x");
    sync();
    assertSynced(first, "one");
    assertThat(Repo.run(root, List.of("git", "rev-parse", "--show-toplevel")))
        .isEqualTo(root.toString());
  }

  @Test
  void rootThroughSymlinkWithOddSegments_linkStaysRelative() throws Exception {
    Path real = tmp.resolve("real-root");
    Files.createDirectories(real);
    Files.createSymbolicLink(tmp.resolve("alias"), real);
    root = tmp.resolve("alias");
    GitSync.Result r =
        GitSync.run(tmp, "--repo=" + repo.url(), "--root=./x/../alias/.", "--one-time");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readSymbolicLink(real.resolve("remote")).toString())
        .isEqualTo(".worktrees/" + first);
    assertThat(Files.readString(root.resolve("remote/file.txt"))).isEqualTo("one");
  }

  @Test
  void leftoverLockFiles_areRemoved() throws Exception {
    sync();
    String second = repo.commit("file.txt", "two");
    Path[] locks = {
      root.resolve(".git/index.lock"),
      root.resolve(".git/shallow.lock"),
      root.resolve(".git/HEAD.lock"),
      root.resolve(".git/config.lock"),
      root.resolve(".git/worktrees/" + first + "/index.lock"),
    };
    for (Path l : locks) {
      Files.writeString(l, "");
    }
    GitSync.Result r = sync();
    assertSynced(second, "two");
    for (Path l : locks) {
      assertThat(l).doesNotExist();
    }
    assertThat(r.err()).contains("removed stale lock file");
  }

  @Test
  void leftoverTempLink_isRemoved() throws Exception {
    sync();
    String second = repo.commit("file.txt", "two");
    Files.createSymbolicLink(root.resolve("tmp-link"), Path.of(".worktrees/" + first));
    sync();
    assertSynced(second, "two");
    assertThat(root.resolve("tmp-link")).doesNotExist();
  }

  @Test
  void deletedLink_isRecreated() throws Exception {
    sync();
    Files.delete(link);
    sync();
    assertSynced(first, "one");
  }

  @Test
  void deletedWorktrees_areRecreated() throws Exception {
    sync();
    FileOps.removeAll(root.resolve(".worktrees"));
    sync();
    assertSynced(first, "one");
  }

  @Test
  void halfCheckedOutWorktree_isRepaired() throws Exception {
    repo.commit("other.txt", "other");
    String h = repo.head();
    sync();
    Files.delete(link.resolve("other.txt"));
    Files.writeString(link.resolve("file.txt"), "garbage");
    sync();
    assertThat(Disk.linkHash(link)).isEqualTo(h);
    assertThat(Files.readString(link.resolve("other.txt"))).isEqualTo("other");
    assertThat(Files.readString(link.resolve("file.txt"))).isEqualTo("one");
  }

  @Test
  void worktreeHeadMovedByHand_isRecreated() throws Exception {
    sync();
    Path wt = root.resolve(".worktrees/" + first);
    Files.writeString(wt.resolve("file.txt"), "local edit");
    Repo.run(
        wt,
        List.of("git", "-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qam", "by hand"));
    GitSync.Result r = sync();
    assertSynced(first, "one");
    assertThat(Repo.run(link, List.of("git", "rev-parse", "HEAD"))).isEqualTo(first);
    assertThat(r.err()).contains("worktree HEAD does not match its hash");
  }

  @Test
  void repoChangedAcrossRestart_syncsTheNewRepo() throws Exception {
    sync();
    Repo other = new Repo(tmp.resolve("other"));
    String h = other.commit("file.txt", "from other");
    GitSync.Result r =
        GitSync.run(tmp, "--repo=" + other.url(), "--root=" + root, "--one-time", "--link=remote");
    assertThat(r.code()).as(r.err()).isZero();
    assertSynced(h, "from other");
    assertThat(Repo.run(root, List.of("git", "config", "--get", "remote.origin.url")))
        .isEqualTo(other.url());
  }

  @Test
  void refChangedAcrossRestart_syncsTheNewRef() throws Exception {
    sync("--ref=main");
    repo.git("checkout", "-q", "-b", "feature");
    String h = repo.commit("file.txt", "feature");
    sync("--ref=feature");
    assertSynced(h, "feature");
    assertThat(root.resolve(".worktrees/" + first)).doesNotExist();
  }

  @Test
  void garbageInWorktreesDir_isRemoved() throws Exception {
    sync();
    Files.createDirectories(root.resolve(".worktrees/not-a-worktree"));
    Files.writeString(root.resolve(".worktrees/junk.txt"), "x");
    sync();
    assertThat(root.resolve(".worktrees/not-a-worktree")).doesNotExist();
    assertThat(root.resolve(".worktrees/junk.txt")).doesNotExist();
    assertSynced(first, "one");
  }

  @Test
  void corruptedRepo_isReinitialized() throws Exception {
    sync();
    String second = repo.commit("file.txt", "two");
    FileOps.removeAll(root.resolve(".git/objects"));
    Files.createDirectories(root.resolve(".git/objects"));
    GitSync.Result r = sync();
    assertSynced(second, "two");
    assertThat(r.err()).contains("repo directory failed checks, clearing it");
  }

  @Test
  void v3Layout_isMigratedIntoWorktrees() throws Exception {
    // git-sync v3: a clone in root, a worktree at root/rev-<hash>, the link pointing at it.
    Files.createDirectories(root);
    Repo.run(root, List.of("git", "init", "-q"));
    Repo.run(root, List.of("git", "fetch", "-q", repo.url(), "main"));
    Path v3 = root.resolve("rev-" + first);
    Repo.run(root, List.of("git", "worktree", "add", "-q", "--detach", v3.toString(), first));
    Files.createSymbolicLink(link, Path.of("rev-" + first));
    String second = repo.commit("file.txt", "two");
    sync();
    assertSynced(second, "two");
    assertThat(Files.readSymbolicLink(link).toString()).isEqualTo(".worktrees/" + second);
    assertThat(v3).doesNotExist();
  }
}
