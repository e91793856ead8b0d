package dev.gitsync.sync;

import dev.gitsync.config.Config;
import dev.gitsync.config.SyncSettings;
import dev.gitsync.fs.AbsPath;
import dev.gitsync.fs.BoundedFiles;
import dev.gitsync.fs.FileOps;
import dev.gitsync.fs.LockFiles;
import dev.gitsync.fs.Publisher;
import dev.gitsync.git.CommitHash;
import dev.gitsync.git.Git;
import dev.gitsync.git.GitException;
import dev.gitsync.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One sync pass, in upstream's order: make sure the repo in root is sane, fetch the ref, and when
 * the remote hash differs from the published one, build a worktree for it at {@code
 * .worktrees/<hash>} and flip the link to it.
 *
 * <p>Design: checks are layered to keep the steady-state poll cheap. The first pass, and any pass
 * after a failure, is a <em>deep</em> pass: it removes stale lock files, runs {@code git fsck} on
 * the repo (once: the published worktree shares its objects), asks git for the worktree's HEAD, and
 * re-runs the worktree's checkout, which repairs a tree a crash left half checked out. Other passes
 * check the published worktree with file reads only (its {@code .git} pointer and detached HEAD),
 * so a poll that finds nothing new runs a single git process, {@code git fetch}, plus {@code
 * rev-parse} only when the fetched object changed.
 */
public final class SyncPass implements Step {
  private final SyncSettings settings;
  private final Git base;

  /** {@link #base} with the current pass's deadline. */
  private Git git;

  private final Log log;
  private final Clock clock;
  private final AbsPath root;
  private final AbsPath link;
  private final Path gitDir;
  private final AbsPath worktrees;
  private final PublishGate gate;
  private final List<Path> preserve;
  private final Preflight preflight;
  private CommitCheck check = CommitCheck.NONE;

  /** The commit this process last verified with {@link #check}, so a poll verifies nothing. */
  private CommitHash checked;

  private Instant deadline = Instant.MAX;

  private int syncCount;
  private boolean deep = true;

  /** The repository was made in this pass: it has no worktrees to prune. */
  private boolean fresh;

  /**
   * This pass ran {@code git fsck} on the repository: the published worktree shares its objects and
   * that fsck followed every worktree's HEAD, so the worktree's own check does not repeat it.
   */
  private boolean objectsChecked;

  private String lastFetched;
  private CommitHash lastPeeled;

  /** A pass over {@code root} (symlinks resolved) publishing at {@code link}. */
  public SyncPass(
      SyncSettings settings,
      Git git,
      Log log,
      Clock clock,
      AbsPath root,
      AbsPath link,
      PublishGate gate,
      List<Path> preserve,
      Preflight preflight) {
    this.gate = gate;
    this.preflight = preflight;
    this.preserve = List.copyOf(preserve);
    this.settings = settings;
    this.base = git;
    this.git = git;
    this.log = log;
    this.clock = clock;
    this.root = root;
    this.link = link;
    this.gitDir = root.path().resolve(".git");
    this.worktrees = root.resolve(".worktrees");
  }

  /** Checks each fetched commit before it is checked out ({@code --verify}). */
  public SyncPass checking(CommitCheck c) {
    this.check = c;
    return this;
  }

  /**
   * What a pass did.
   *
   * @param hash the commit now published
   * @param changed true when the link was flipped to a new worktree
   * @param first true for the first successful pass in this process
   * @param previous the commit that was published before this pass, if any
   * @param worktree the published worktree
   */
  public record Outcome(
      CommitHash hash,
      boolean changed,
      boolean first,
      Optional<CommitHash> previous,
      AbsPath worktree) {}

  /** Runs one pass within {@code --sync-timeout}. */
  @Override
  public Outcome run() throws SyncException, InterruptedException {
    Instant start = clock.instant();
    deadline = start.plus(settings.syncTimeout());
    fresh = false;
    objectsChecked = false;
    git = base.until(deadline);
    try {
      Outcome o = sync();
      deep = false;
      return o;
    } catch (GitException | IOException | RuntimeException e) {
      deep = true;
      throw new SyncException(
          log.redactor().redact(String.valueOf(e.getMessage())) + lowSpace(), e);
    } catch (VerificationRefused e) {
      throw e; // Nothing was touched: no reason to check the repository in depth.
    } catch (SyncException e) {
      deep = true;
      throw e;
    }
  }

  /**
   * A hint when the root's file system is nearly full: git often says only "unable to write file",
   * so a full disk would otherwise look like a mystery.
   */
  private String lowSpace() {
    try {
      java.nio.file.FileStore store = Files.getFileStore(root.path());
      long free = store.getUsableSpace();
      long total = store.getTotalSpace();
      if (free < LOW_SPACE_BYTES || total > 0 && free * 20 < total) {
        return String.format(
            " (the file system of --root has only %.1f MiB free of %.1f MiB: is it full?)",
            free / 1048576.0, total / 1048576.0);
      }
    } catch (IOException | RuntimeException unknown) {
      // No hint then.
    }
    return "";
  }

  private static final long LOW_SPACE_BYTES = 256L * 1024 * 1024;

  private Outcome sync() throws GitException, IOException, InterruptedException, SyncException {
    preflight.run(deep, deadline);
    if (deep) {
      removeLeftovers();
    }
    initRepo();

    Optional<AbsPath> current = Publisher.currentTarget(link);
    Optional<CommitHash> currentHash =
        current.map(AbsPath::base).filter(CommitHash::isHash).map(CommitHash::of);
    log.info(3, "local state", "link", link.toString(), "currentHash", str(currentHash));

    boolean shallow = Files.exists(gitDir.resolve("shallow"));
    log.info(3, "fetching", "ref", settings.ref(), "repo", settings.repo());
    git.fetch(
        root.path(), settings.repo(), settings.ref(), settings.depth(), shallow, settings.filter());
    CommitHash remote = fetchedCommit();
    Optional<CommitHash> previous = currentHash;
    verify(remote, currentHash);

    AbsPath target = worktrees.resolve(remote.hex());
    if (currentHash.isPresent()
        && currentHash.get().equals(remote)
        && current.get().equals(target)
        && !worktreeIsSane(target, remote)) {
      log.info(0, "worktree failed checks or was empty, removing it", "path", target.toString());
      FileOps.removeAll(target.path());
      currentHash = Optional.empty();
    }

    boolean changed =
        currentHash.isEmpty() || !currentHash.get().equals(remote) || !current.get().equals(target);
    boolean first = syncCount == 0;
    logDecision(changed, currentHash, remote);
    if (changed || first) {
      git.resetSoft(root.path(), remote);
      if (changed) {
        createWorktree(target, remote);
      }
      configureWorktree(target, remote);
      if (changed) {
        gate.check(remote, previous, target, deadline);
        Publisher.publish(link, target, settings.groupWrite());
        if (current.isPresent()) {
          retireOld(current.get(), target);
        }
        log.info(
            0,
            "updated successfully",
            "ref",
            settings.ref(),
            "remote",
            remote.hex(),
            "syncCount",
            syncCount + 1);
      }
    }
    syncCount++;
    return new Outcome(remote, changed, first, previous, target);
  }

  /**
   * {@code --verify}: before anything of the fetched commit is checked out, on the first pass too
   * (so a volume published by a run without it is checked once), and once per commit.
   */
  private void verify(CommitHash remote, Optional<CommitHash> published)
      throws SyncException, InterruptedException {
    if (!remote.equals(checked)) {
      check.check(git, root.path(), fetchedObject(remote), remote, published);
      checked = remote;
    }
  }

  /** Upstream's "update required" (level 0) or "update not required" (level 2). */
  private void logDecision(boolean changed, Optional<CommitHash> local, CommitHash remote) {
    if (changed) {
      log.info(
          0,
          "update required",
          "ref",
          settings.ref(),
          "local",
          str(local),
          "remote",
          remote.hex(),
          "syncCount",
          syncCount);
    } else {
      log.info(
          2,
          "update not required",
          "ref",
          settings.ref(),
          "remote",
          remote.hex(),
          "syncCount",
          syncCount);
    }
  }

  /**
   * Leftovers of a killed process (at startup, and after a failed pass, whose git may have been
   * killed at its deadline): lock files, git's temporary object and pack files, a half-made link.
   */
  private void removeLeftovers() throws IOException {
    for (Path left : LockFiles.removeStale(gitDir)) {
      if (LockFiles.isTemporary(left.getFileName().toString())) {
        log.info(0, "removed a temporary file of a killed git", "path", left.toString());
      } else {
        log.info(0, "removed stale lock file", "path", left.toString());
      }
    }
    if (Publisher.removeStaleTemp(link)) {
      log.info(0, "removed stale temporary link", "path", link.parent().resolve("tmp-link"));
    }
  }

  private void initRepo() throws GitException, IOException, InterruptedException {
    Path r = root.path();
    Files.createDirectories(r);
    boolean needInit;
    if (FileOps.isEmptyExcept(r, preserve)) {
      log.info(0, "repo directory was empty, initializing", "path", root.toString());
      needInit = true;
    } else if (deep || !Files.isDirectory(gitDir)) {
      needInit = !repoIsSane();
      if (needInit) {
        log.info(0, "repo directory failed checks, clearing it", "path", root.toString());
        FileOps.removeContents(r, preserve);
      }
    } else {
      needInit = false;
    }
    if (needInit) {
      git.init(r);
      deep = true;
      fresh = true;
      // A repository just made has no origin: no need to ask git.
      git.setOrigin(r, settings.repo(), false);
    } else if (deep) {
      String url = git.originUrl(r);
      if (!url.equals(settings.repo())) {
        git.setOrigin(r, settings.repo(), !url.isEmpty());
      }
    }
  }

  private boolean repoIsSane() throws InterruptedException {
    if (Files.isSymbolicLink(gitDir)) {
      // git would follow it into another repository, wherever it points.
      log.info(0, "repo directory's .git is a symbolic link", "path", root.toString());
      return false;
    }
    if (!Files.isDirectory(gitDir)) {
      log.info(0, "repo directory has no .git directory", "path", root.toString());
      return false;
    }
    try {
      String top = git.showToplevel(root.path());
      if (!Path.of(top).equals(root.path())) {
        log.info(
            0, "repo directory is inside another repo", "path", root.toString(), "toplevel", top);
        return false;
      }
      git.fsck(root.path());
      objectsChecked = true;
      return true;
    } catch (GitException e) {
      log.error(e.getMessage(), "repo sanity check failed", "path", root.toString());
      return false;
    }
  }

  /** The commit fetched, peeling an annotated tag; rev-parse runs only when FETCH_HEAD changed. */
  private CommitHash fetchedCommit() throws GitException, IOException, InterruptedException {
    String fetched = readFetchHead();
    if (fetched != null && fetched.equals(lastFetched) && lastPeeled != null) {
      return lastPeeled;
    }
    CommitHash peeled = git.revParse(root.path(), "FETCH_HEAD^{}");
    lastFetched = fetched;
    lastPeeled = peeled;
    return peeled;
  }

  /** What the fetch got (an annotated tag's object, or the commit itself). */
  private CommitHash fetchedObject(CommitHash peeled) {
    return lastFetched != null && CommitHash.isHash(lastFetched)
        ? CommitHash.of(lastFetched)
        : peeled;
  }

  private String readFetchHead() throws IOException {
    Path fh = gitDir.resolve("FETCH_HEAD");
    if (!Files.exists(fh)) {
      return null;
    }
    // Only the first line matters; FETCH_HEAD is written by git, but it is read bounded anyway.
    String s = new String(BoundedFiles.readBytes(fh, 1024 * 1024), StandardCharsets.UTF_8);
    int end = 0;
    while (end < s.length() && Character.digit(s.charAt(end), 16) >= 0) {
      end++;
    }
    return end >= 40 ? s.substring(0, end) : null;
  }

  /**
   * The published worktree still is what git-sync made: not empty, its {@code .git} points into our
   * repo, and its HEAD is detached at the hash (a commit made by hand moves it). On a deep pass git
   * also verifies it.
   */
  private boolean worktreeIsSane(AbsPath wt, CommitHash hash) throws InterruptedException {
    Path dir = wt.path();
    Path meta = gitDir.resolve("worktrees").resolve(hash.hex());
    try {
      if (FileOps.isEmptyDir(dir) || !Files.isRegularFile(dir.resolve(".git"))) {
        return false;
      }
      String head =
          new String(BoundedFiles.readBytes(meta.resolve("HEAD"), 4096), StandardCharsets.UTF_8)
              .trim();
      if (!head.equals(hash.hex())) {
        log.info(0, "worktree HEAD does not match its hash", "path", wt.toString(), "head", head);
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    if (deep) {
      try {
        CommitHash h = git.revParse(dir, "HEAD");
        if (!objectsChecked) {
          git.fsck(dir);
        }
        return h.equals(hash);
      } catch (GitException e) {
        log.error(e.getMessage(), "worktree sanity check failed", "path", wt.toString());
        return false;
      }
    }
    return true;
  }

  private void createWorktree(AbsPath wt, CommitHash hash)
      throws GitException, IOException, InterruptedException {
    log.info(1, "adding worktree", "path", wt.toString(), "hash", hash.hex());
    FileOps.removeAll(wt.path());
    if (!fresh) {
      git.worktreePrune(root.path());
    }
    if (FileOps.ensureRealDirectory(worktrees.path(), settings.groupWrite())) {
      log.info(0, "removed a non-directory in place of .worktrees", "path", worktrees.toString());
    }
    git.worktreeAdd(root.path(), wt.path(), hash);
  }

  /**
   * Makes the worktree's {@code .git} pointer relative (so the volume can be mounted elsewhere),
   * applies the sparse-checkout patterns, checks the files out, and updates submodules. Runs on
   * every deep pass too, which repairs a tree that a crash left half checked out.
   */
  private void configureWorktree(AbsPath wt, CommitHash hash)
      throws GitException, IOException, InterruptedException {
    Path meta = gitDir.resolve("worktrees").resolve(hash.hex());
    Path rel = wt.path().relativize(meta);
    writeNoFollow(wt.path().resolve(".git"), "gitdir: " + rel + "\n");
    writeNoFollow(meta.resolve("gitdir"), wt.path().resolve(".git") + "\n");
    if (settings.sparseCheckoutFile().isPresent()) {
      // Re-read every time, so changed patterns apply from the next commit on (as upstream).
      log.info(0, "configuring worktree sparse checkout");
      Path info = meta.resolve("info");
      Files.createDirectories(info);
      Path patterns = Path.of(settings.sparseCheckoutFile().get());
      try {
        Files.copy(
            patterns,
            info.resolve("sparse-checkout"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new IOException(
            "can't read --sparse-checkout-file " + patterns + ": " + e.getClass().getSimpleName(),
            e);
      }
      git.sparseCheckoutInit(wt.path());
    }
    git.resetHard(wt.path(), hash);
    // A tree without .gitmodules has no submodules to update (a sparse checkout may leave the
    // file out while the commit has some, so then git is asked anyway).
    boolean mayHaveSubmodules =
        settings.sparseCheckoutFile().isPresent()
            || Files.exists(wt.path().resolve(".gitmodules"), LinkOption.NOFOLLOW_LINKS);
    if (settings.submodules() != Config.Submodules.OFF && mayHaveSubmodules) {
      git.submoduleUpdate(
          wt.path(), settings.submodules() == Config.Submodules.RECURSIVE, settings.depth());
    }
  }

  /** Writes a small file in place of whatever is there; a symlink is replaced, never followed. */
  private static void writeNoFollow(Path file, String content) throws IOException {
    if (Files.isSymbolicLink(file)) {
      Files.delete(file);
    }
    Files.writeString(
        file,
        content,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * After a flip: touch the old worktree so its {@code --stale-worktree-timeout} counts from now
   * (and survives restarts), or remove it at once when it sits at a v3 path outside {@code
   * .worktrees}.
   */
  private void retireOld(AbsPath old, AbsPath now) throws IOException {
    if (old.equals(now) || !Files.exists(old.path())) {
      return;
    }
    if (old.parent().equals(worktrees)) {
      Files.setLastModifiedTime(old.path(), java.nio.file.attribute.FileTime.from(clock.instant()));
    } else if (old.parent().equals(root)) {
      log.info(0, "removing worktree at a legacy path", "path", old.toString());
      FileOps.removeAll(old.path());
    }
  }

  /**
   * Removes worktrees (and anything else) in {@code .worktrees} other than {@code current} whose
   * mtime is older than {@code --stale-worktree-timeout}; when something was removed, prunes git's
   * worktree list, expires the reflog and runs gc per {@code --git-gc}.
   */
  @Override
  public void cleanup(CommitHash current) throws SyncException, InterruptedException {
    try {
      if (Files.isSymbolicLink(worktrees.path())) {
        // Its entries are somebody else's files: remove the link, never what it points at.
        log.info(
            0, "removing a symbolic link in place of .worktrees", "path", worktrees.toString());
        Files.delete(worktrees.path());
        return;
      }
      Instant cutoff = clock.instant().minus(settings.staleWorktreeTimeout());
      int removed = 0;
      List<Path> entries = FileOps.list(worktrees.path());
      for (Path p : entries) {
        if (p.getFileName().toString().equals(current.hex())) {
          continue;
        }
        Instant mtime =
            Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant();
        if (settings.staleWorktreeTimeout().isZero() || mtime.isBefore(cutoff)) {
          log.info(1, "removing stale worktree", "path", p.toString());
          FileOps.removeAll(p);
          removed++;
        }
      }
      if (removed > 0) {
        git.worktreePrune(root.path());
        git.reflogExpire(root.path());
        switch (settings.gitGc()) {
          case AUTO:
            git.gc(root.path(), "--auto");
            break;
          case ALWAYS:
            git.gc(root.path(), null);
            break;
          case AGGRESSIVE:
            git.gc(root.path(), "--aggressive");
            break;
          default:
            break;
        }
      }
    } catch (GitException | IOException e) {
      deep = true;
      throw new SyncException(log.redactor().redact(String.valueOf(e.getMessage())), e);
    }
  }

  private static String str(Optional<CommitHash> h) {
    return h.map(CommitHash::hex).orElse("");
  }
}
