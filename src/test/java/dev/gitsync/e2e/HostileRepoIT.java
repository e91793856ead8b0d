package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gitsync.json.JsonParser;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-repository corpus (THREATS.md, "A pusher"): what one push can put in the repository
 * (deep trees, long URLs, forged record separators, huge or zero-width subjects, links out of the
 * tree, odd names, history rewrites, git's own leftovers) against the real ./git-sync, each with
 * upstream's behaviour as the floor: the sync goes on or fails with a clear error, the published
 * link is never broken, nothing outside the root is touched, and no restart dies the same way.
 */
class HostileRepoIT {
  @TempDir Path tmp;
  Repo repo;
  Path root;
  final List<AutoCloseable> closeMe = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
    repo.commit("file.txt", "one");
    root = tmp.resolve("root");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeMe) {
      c.close();
    }
  }

  private GitSync.Result once(String... extra) throws Exception {
    List<String> a = new ArrayList<>(List.of("--repo=" + repo.url(), "--root=" + root));
    a.add("--one-time");
    a.addAll(List.of(extra));
    return GitSync.run(tmp, Map.of(), a.toArray(new String[0]));
  }

  private static String tail(String s) {
    return s.length() < 4000 ? s : s.substring(s.length() - 4000);
  }

  private String published() throws Exception {
    return Disk.linkHash(root.resolve("remote"));
  }

  /** A commit made by hand: any author, any message (git's own checks bypassed). */
  private String forge(String author, String subject) throws Exception {
    String tree = repo.git("rev-parse", "HEAD^{tree}");
    String parent = repo.head();
    String text =
        "tree "
            + tree
            + "\nparent "
            + parent
            + "\nauthor "
            + author
            + " <a@example.com> 1700000000 +0000\ncommitter "
            + author
            + " <a@example.com> 1700000000 +0000\n\n"
            + subject
            + "\n";
    Path f = tmp.resolve("commit-object");
    Files.write(f, text.getBytes(StandardCharsets.UTF_8));
    String hash = repo.git("hash-object", "-t", "commit", "--literally", "-w", f.toString());
    repo.git("update-ref", "refs/heads/main", hash);
    return hash;
  }

  /** 1,900 nested directories (~3.8 KB of path, as deep as git checks out under a short root). */
  @Test
  void aTreeAsDeepAsGitAllows_syncs_andItsWorktreeIsRemovedLater_withoutACrash() throws Exception {
    StringBuilder rel = new StringBuilder();
    for (int i = 0; i < 1900; i++) {
      rel.append(i == 0 ? "" : "/").append((char) ('a' + i % 26));
    }
    String deep = repo.commit(rel + "/f.txt", "deep");
    GitSync.Result r = once();
    assertThat(r.code()).as(tail(r.err())).isZero();
    assertThat(published()).isEqualTo(deep);
    repo.git("rm", "-r", "-q", "a");
    repo.git("commit", "-q", "-m", "flatten");
    String flat = repo.head();
    GitSync.Result again = once();
    assertThat(again.code()).as(tail(again.err())).isZero();
    assertThat(published()).isEqualTo(flat);
    assertThat(root.resolve(".worktrees").resolve(deep)).doesNotExist();
    assertThat(again.err()).doesNotContain("StackOverflowError");
  }

  /** The old redactor spent minutes of CPU on this URL, deaf to --sync-timeout and SIGTERM. */
  @Test
  void aSixtyThousandCharacterSubmoduleUrlWithAnAt_failsAtOnce_andIsHidden() throws Exception {
    String user = "u".repeat(60_000);
    Files.writeString(
        repo.dir.resolve(".gitmodules"),
        "[submodule \"s\"]\n\tpath = s\n\turl = https://" + user + "@127.0.0.1:9/r.git\n");
    repo.git("add", ".gitmodules");
    repo.git("update-index", "--add", "--cacheinfo", "160000," + "1".repeat(40) + ",s");
    repo.git("commit", "-q", "-m", "submodule");
    long start = System.nanoTime();
    GitSync.Result r = once("--sync-timeout=60s", "-v", "6");
    double took = (System.nanoTime() - start) / 1e9;
    assertThat(r.code()).isNotZero();
    assertThat(took).as("seconds").isLessThan(50);
    assertThat(r.err()).doesNotContain("u".repeat(200) + "@");
  }

  @Test
  void anAuthorHoldingGitsOldRecordSeparators_forgesNoCommitInTheAnnouncement() throws Exception {
    String real =
        forge("Mallory\u001e" + "f".repeat(40) + "\u001fFAKEAUTHOR\u001fFAKESUBJ", "real");
    Receiver rx = new Receiver();
    closeMe.add(rx);
    GitSync.Result r = once("--notify=generic+" + rx.url("/n"));
    assertThat(r.code()).as(tail(r.err())).isZero();
    await().atMost(30, SECONDS).until(() -> !rx.requests.isEmpty());
    Map<String, Object> e = JsonParser.objectOrEmpty(rx.requests.get(0).body());
    List<?> commits = (List<?>) ((Map<?, ?>) e.get("data")).get("commits");
    List<String> hashes = commits.stream().map(c -> (String) ((Map<?, ?>) c).get("hash")).toList();
    assertThat(hashes).contains(real).doesNotContain("f".repeat(40));
    for (Object c : commits) {
      assertThat(repo.git("cat-file", "-t", (String) ((Map<?, ?>) c).get("hash")))
          .isEqualTo("commit");
    }
  }

  @Test
  void aMegabyteSubjectFullOfUrlsAndAts_atV6_andZeroWidthAccents_syncPromptly_andBounded()
      throws Exception {
    forge("Big", "x".repeat(300_000) + "://" + "@".repeat(300_000) + "a://b@".repeat(60_000));
    GitSync.Result r = once("-v", "6");
    assertThat(r.code()).as(tail(r.err())).isZero();
    String accents = forge("Zalgo", "e" + "\u0301".repeat(600_000));
    Receiver rx = new Receiver();
    closeMe.add(rx);
    GitSync.Result z = once("--notify=generic+" + rx.url("/n"));
    assertThat(z.code()).as(tail(z.err())).isZero();
    assertThat(published()).isEqualTo(accents);
    await().atMost(30, SECONDS).until(() -> !rx.requests.isEmpty());
    assertThat(rx.requests.get(0).body().length())
        .as("subjects bounded by code points, not columns")
        .isLessThan(64 * 1024);
  }

  @Test
  void aRawAtInThePassword_syncs_andTheCredentialAppearsNowhere() throws Exception {
    Path projects = Files.createDirectories(tmp.resolve("served"));
    Repo served = new Repo(projects.resolve("r"));
    String head = served.commit("f.txt", "x");
    GitHttpServer http = new GitHttpServer(projects).require("user", "p@ssWORD");
    closeMe.add(http);
    String url = http.url("r").replace("http://", "http://user:p@ssWORD@");
    GitSync.Result r =
        GitSync.run(tmp, Map.of(), "--repo=" + url, "--root=" + root, "--one-time", "-v", "6");
    assertThat(r.code()).as(tail(r.err())).isZero();
    assertThat(Disk.linkHash(root.resolve("r"))).isEqualTo(head);
    assertThat(r.err() + r.out()).doesNotContain("ssWORD");
    assertThat(Files.readString(root.resolve(".git/config"))).doesNotContain("ssWORD");
  }

  @Test
  void theTemporariesOfAKilledFetch_areRemovedBeforeTheNextPass() throws Exception {
    assertThat(once().code()).isZero();
    Path pack = root.resolve(".git/objects/pack");
    Files.writeString(pack.resolve("tmp_pack_Ab12Cd"), "x".repeat(1 << 20));
    Files.writeString(pack.resolve("tmp_idx_Ab12Cd"), "x");
    Path loose = Files.createDirectories(root.resolve(".git/objects/ab"));
    Files.writeString(loose.resolve("tmp_obj_Qw34"), "x");
    repo.commit("file.txt", "two");
    GitSync.Result r = once();
    assertThat(r.code()).as(tail(r.err())).isZero();
    assertThat(pack.resolve("tmp_pack_Ab12Cd")).doesNotExist();
    assertThat(pack.resolve("tmp_idx_Ab12Cd")).doesNotExist();
    assertThat(loose.resolve("tmp_obj_Qw34")).doesNotExist();
    assertThat(r.err()).contains("removed a temporary file of a killed git");
  }

  @Test
  void linksOutOfTheTree_oddNames_andExtSubmodules_areCheckedOutAsGitDoes_andFollowedNowhere()
      throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep"), "keep");
    Files.createSymbolicLink(repo.dir.resolve("escape"), outside);
    Files.createSymbolicLink(repo.dir.resolve("passwd"), Path.of("/etc/passwd"));
    Files.writeString(repo.dir.resolve("new\nline"), "n");
    Files.write(
        repo.dir.resolve(new String(new byte[] {'x', (byte) 0xff}, StandardCharsets.ISO_8859_1)),
        new byte[] {1});
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "odd");
    String odd = repo.head();
    GitSync.Result r = once();
    assertThat(r.code()).as(tail(r.err())).isZero();
    assertThat(published()).isEqualTo(odd);
    Path wt = root.resolve(".worktrees").resolve(odd);
    assertThat(Files.isSymbolicLink(wt.resolve("escape"))).isTrue();
    // A submodule whose URL runs a command (ext::) is refused by git, as upstream's is.
    Files.writeString(
        repo.dir.resolve(".gitmodules"),
        "[submodule \"x\"]\n\tpath = x\n\turl = ext::sh -c touch% " + tmp.resolve("pwned") + "\n");
    repo.git("add", ".gitmodules");
    repo.git("update-index", "--add", "--cacheinfo", "160000," + "2".repeat(40) + ",x");
    repo.git("commit", "-q", "-m", "ext");
    GitSync.Result ext = once();
    assertThat(ext.code()).isNotZero();
    assertThat(tmp.resolve("pwned")).doesNotExist();
    assertThat(published()).as("the link stays on the last good commit").isEqualTo(odd);
    // History rewritten (a force push) and the old worktree removed: nothing outside is touched.
    repo.git("reset", "-q", "--hard", "HEAD~2");
    repo.commit("file.txt", "rewritten");
    GitSync.Result forced = once();
    assertThat(forced.code()).as(tail(forced.err())).isZero();
    assertThat(published()).isEqualTo(repo.head());
    assertThat(outside.resolve("keep")).exists();
    assertThat(Path.of("/etc/passwd")).exists();
  }

  @Test
  void aTagMovedByForce_andTwentyThousandRefs_areFollowed() throws Exception {
    repo.git("tag", "v1");
    StringBuilder refs = new StringBuilder();
    String head = repo.head();
    for (int i = 0; i < 20_000; i++) {
      refs.append("create refs/heads/b").append(i).append(' ').append(head).append('\n');
    }
    Path in = tmp.resolve("refs.txt");
    Files.writeString(in, refs);
    Process p =
        new ProcessBuilder("git", "update-ref", "--stdin")
            .directory(repo.dir.toFile())
            .redirectInput(in.toFile())
            .start();
    assertThat(p.waitFor()).isZero();
    GitSync.Result r = once("--ref=v1");
    assertThat(r.code()).as(tail(r.err())).isZero();
    String moved = repo.commit("file.txt", "moved");
    repo.git("tag", "-f", "v1");
    GitSync.Result again = once("--ref=v1");
    assertThat(again.code()).as(tail(again.err())).isZero();
    assertThat(published()).isEqualTo(moved);
  }

  /** 100,000 files in one commit sync and are replaced, within the default timeout. */
  @Test
  void aHundredThousandFiles_syncAndAreReplaced() throws Exception {
    Path many = Files.createDirectories(repo.dir.resolve("many"));
    for (int d = 0; d < 100; d++) {
      Path sub = Files.createDirectories(many.resolve("d" + d));
      for (int f = 0; f < 1000; f++) {
        try (OutputStream o = Files.newOutputStream(sub.resolve("f" + f))) {
          o.write(d);
        }
      }
    }
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "many");
    String big = repo.head();
    GitSync.Result r = once();
    assertThat(r.code()).as(tail(r.err())).isZero();
    repo.git("rm", "-r", "-q", "many");
    repo.git("commit", "-q", "-m", "few");
    GitSync.Result again = once();
    assertThat(again.code()).as(tail(again.err())).isZero();
    assertThat(root.resolve(".worktrees").resolve(big)).doesNotExist();
  }
}
