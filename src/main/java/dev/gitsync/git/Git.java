package dev.gitsync.git;

import dev.gitsync.log.Log;
import dev.gitsync.process.Command;
import dev.gitsync.process.ProcessRunner;
import dev.gitsync.process.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed git operations on top of the {@link ProcessRunner} seam. Every command runs with the
 * private git environment and against this instance's deadline; {@link #until} gives a view with
 * another one ({@code --sync-timeout} for a sync pass). Commands are logged at level 5 and their
 * output at level 6, as upstream does. This class is the boundary where a failure becomes a {@link
 * GitException}: its message and fields are redacted here, once.
 */
public final class Git {
  private final ProcessRunner runner;
  private final String gitCommand;
  private final Map<String, String> env;
  private final Clock clock;
  private final Log log;
  private final Instant deadline;

  /** Git operations run by {@code gitCommand} with {@code env} added to every process. */
  public Git(
      ProcessRunner runner, String gitCommand, Map<String, String> env, Clock clock, Log log) {
    this(runner, gitCommand, env, clock, log, Instant.MAX);
  }

  private Git(
      ProcessRunner runner,
      String gitCommand,
      Map<String, String> env,
      Clock clock,
      Log log,
      Instant deadline) {
    this.runner = runner;
    this.gitCommand = gitCommand;
    this.env = Map.copyOf(env);
    this.clock = clock;
    this.log = log;
    this.deadline = deadline;
  }

  /** The same operations, each command killed at {@code when} (the end of a sync pass). */
  public Git until(Instant when) {
    return new Git(runner, gitCommand, env, clock, log, when);
  }

  /**
   * The same operations with {@code extra} added to every process's environment (it wins over the
   * private environment), e.g. {@code GIT_CONFIG_COUNT} entries and {@code GNUPGHOME}.
   */
  public Git withEnv(Map<String, String> extra) {
    Map<String, String> merged = new java.util.HashMap<>(env);
    merged.putAll(extra);
    return new Git(runner, gitCommand, merged, clock, log, deadline);
  }

  /** The same operations, with {@code limit} from now. */
  public Git within(Duration limit) {
    return until(clock.instant().plus(limit));
  }

  /** {@code git version}. */
  public String version(Path cwd) throws GitException, InterruptedException {
    return run(cwd, "version");
  }

  /** {@code git init -b git-sync}: a fresh repo whose branch name cannot collide with a ref. */
  public void init(Path root) throws GitException, InterruptedException {
    run(root, "init", "-b", "git-sync");
  }

  /** {@code git rev-parse --show-toplevel}. */
  public String showToplevel(Path dir) throws GitException, InterruptedException {
    return run(dir, "rev-parse", "--show-toplevel");
  }

  /** {@code git rev-parse <rev>}: the object name. */
  public CommitHash revParse(Path dir, String rev) throws GitException, InterruptedException {
    String out = run(dir, "rev-parse", rev);
    try {
      return CommitHash.of(out);
    } catch (IllegalArgumentException e) {
      throw new GitException("unexpected output from git rev-parse " + rev + ": " + out, e);
    }
  }

  /** {@code git fsck --no-progress --connectivity-only}. */
  public void fsck(Path dir) throws GitException, InterruptedException {
    run(dir, "fsck", "--no-progress", "--connectivity-only");
  }

  /** The URL of the {@code origin} remote, or empty when there is none. */
  public String originUrl(Path root) throws GitException, InterruptedException {
    Result r = exec(root, List.of("config", "--get", "remote.origin.url"));
    return r.ok() ? r.stdout().trim() : "";
  }

  /**
   * Adds the origin remote, or points it at {@code url}. The URL is a user value: it follows {@code
   * --end-of-options}, so a URL that starts with a dash can never be read as an option.
   */
  public void setOrigin(Path root, String url, boolean exists)
      throws GitException, InterruptedException {
    if (exists) {
      run(root, "remote", "set-url", "--end-of-options", "origin", url);
    } else {
      run(root, "remote", "add", "--end-of-options", "origin", url);
    }
  }

  /**
   * {@code git fetch --verbose --no-progress --prune --no-auto-gc} with {@code --depth N}, or
   * {@code --unshallow} when depth is 0 and the repo is shallow, and {@code --filter}, then {@code
   * --end-of-options <repo> <ref>}: the user's values come after the options, so {@code
   * --ref=--upload-pack=…} is a ref git cannot find, never an option (upstream passes them first).
   */
  public void fetch(Path root, String repo, String ref, int depth, boolean shallow, String filter)
      throws GitException, InterruptedException {
    List<String> args =
        new ArrayList<>(List.of("fetch", "--verbose", "--no-progress", "--prune", "--no-auto-gc"));
    if (depth > 0) {
      args.add("--depth");
      args.add(Integer.toString(depth));
    } else if (shallow) {
      args.add("--unshallow");
    }
    if (!filter.isEmpty()) {
      args.add("--filter=" + filter);
    }
    args.add("--end-of-options");
    args.add(repo);
    args.add(ref);
    run(root, args.toArray(new String[0]));
  }

  /** {@code git reset --soft <hash> --}; the separator avoids clashes with file names. */
  public void resetSoft(Path root, CommitHash hash) throws GitException, InterruptedException {
    run(root, "reset", "--soft", hash.hex(), "--");
  }

  /**
   * {@code git worktree add --force --force --detach <path> <hash> --no-checkout}. Twice: a {@code
   * worktree add} killed halfway leaves its entry locked ("initializing") with no directory, {@code
   * worktree prune} keeps locked entries, and a single {@code --force} refuses "a missing but
   * locked worktree", so that commit could never be published again.
   */
  public void worktreeAdd(Path root, Path path, CommitHash hash)
      throws GitException, InterruptedException {
    run(
        root,
        "worktree",
        "add",
        "--force",
        "--force",
        "--detach",
        path.toString(),
        hash.hex(),
        "--no-checkout");
  }

  /** {@code git worktree prune --verbose}. */
  public void worktreePrune(Path root) throws GitException, InterruptedException {
    run(root, "worktree", "prune", "--verbose");
  }

  /** {@code git reset --hard <hash> --}, which checks the files out. */
  public void resetHard(Path worktree, CommitHash hash) throws GitException, InterruptedException {
    run(worktree, "reset", "--hard", hash.hex(), "--");
  }

  /** {@code git submodule update --init [--recursive] [--depth N]}. */
  public void submoduleUpdate(Path worktree, boolean recursive, int depth)
      throws GitException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("submodule", "update", "--init"));
    if (recursive) {
      args.add("--recursive");
    }
    if (depth > 0) {
      args.add("--depth");
      args.add(Integer.toString(depth));
    }
    run(worktree, args.toArray(new String[0]));
  }

  /**
   * {@code git sparse-checkout init} in a worktree whose {@code info/sparse-checkout} was written.
   */
  public void sparseCheckoutInit(Path worktree) throws GitException, InterruptedException {
    run(worktree, "sparse-checkout", "init");
  }

  /**
   * {@code git credential approve}: stores a username and password for {@code url} in the
   * configured credential helper. The values go through standard input, never the arguments.
   *
   * @throws IllegalArgumentException when a value holds a line break, which would inject fields
   */
  public void credentialApprove(Path cwd, String url, String username, String password)
      throws GitException, InterruptedException {
    for (String v : List.of(url, username, password)) {
      if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("credential values must not contain line breaks");
      }
    }
    String input = "url=" + url + "\nusername=" + username + "\npassword=" + password + "\n\n";
    Result r = exec(cwd, List.of("credential", "approve"), input);
    if (!r.ok()) {
      throw failure(cwd, new String[] {"credential", "approve"}, r);
    }
  }

  /**
   * {@code git log} of {@code from..to} (or just {@code to}): hash, author and subject per commit,
   * newest first, at most {@code max}.
   *
   * <p>Design: commit metadata is the pusher's to choose, so nothing in it may steer the parsing.
   * The hashes come from {@code git rev-list} (hex only); author and subject come from one {@code
   * git log -z} whose fields are separated by NUL, which a commit's author or subject cannot hold,
   * and each record is taken only when its hash is the one asked for at that place (a record that
   * does not line up, as when the output was cut, is read again on its own). git cuts each field to
   * a width in columns; here it is cut again to {@link #MAX_AUTHOR} and {@link #MAX_SUBJECT} code
   * points and 4 bytes a code point at most, since zero-width characters take no column.
   */
  public List<String[]> log(Path root, String from, String to, int max)
      throws GitException, InterruptedException {
    String range = from.isEmpty() ? to : from + ".." + to;
    List<String> hashes = new ArrayList<>();
    for (String h : run(root, "rev-list", "--max-count=" + max, range, "--").split("\n")) {
      if (!h.isBlank()) {
        hashes.add(checkedHash(h.strip()));
      }
    }
    List<String[]> out = new ArrayList<>();
    if (hashes.isEmpty()) {
      return out;
    }
    List<String> args = new ArrayList<>(List.of("log", "--no-walk=unsorted", "-z", LOG_FORMAT));
    args.addAll(hashes);
    args.add("--");
    String[] tokens = run(root, args.toArray(new String[0])).split("\u0000", -1);
    for (int i = 0; i < hashes.size(); i++) {
      int t = 3 * i;
      if (t + 2 < tokens.length && tokens[t].strip().equals(hashes.get(i))) {
        out.add(entry(hashes.get(i), tokens[t + 1], tokens[t + 2]));
      } else {
        out.add(one(root, hashes.get(i)));
      }
    }
    return out;
  }

  private static final String LOG_FORMAT =
      "--format=%H%x00%<(" + Git.MAX_AUTHOR + ",trunc)%an%x00%<(" + Git.MAX_SUBJECT + ",trunc)%s";

  /** One commit's record, read on its own. */
  private String[] one(Path root, String hash) throws GitException, InterruptedException {
    String[] f = run(root, "log", "--no-walk", "-z", LOG_FORMAT, hash, "--").split("\u0000", 3);
    if (f.length < 3 || !f[0].strip().equals(hash)) {
      throw new GitException("git log did not describe commit " + hash);
    }
    return entry(hash, f[1], f[2]);
  }

  private static String[] entry(String hash, String author, String subject) {
    // %<(N,trunc) pads short values with spaces.
    return new String[] {
      hash, clip(author.stripTrailing(), MAX_AUTHOR), clip(subject.stripTrailing(), MAX_SUBJECT)
    };
  }

  /** At most {@code max} code points of {@code s} (so at most 4 × max bytes), "…" when cut. */
  static String clip(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = 0;
    for (int n = 0; n < max && end < s.length(); n++) {
      end += Character.charCount(s.codePointAt(end));
    }
    return end >= s.length() ? s : s.substring(0, end) + "…";
  }

  private static String checkedHash(String h) throws GitException {
    if ((h.length() == 40 || h.length() == 64)
        && h.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
      return h;
    }
    throw new GitException("unexpected output from git rev-list: not a commit hash");
  }

  /** The widest author name {@link #log} returns, in columns. */
  public static final int MAX_AUTHOR = 100;

  /** The widest commit subject {@link #log} returns, in columns. */
  public static final int MAX_SUBJECT = 300;

  /**
   * {@code git verify-commit --raw <hash>} or {@code git verify-tag --raw <hash>}: how it ended and
   * what it wrote, whatever the exit status (a refused signature is an answer, not a failure). The
   * object name is a hash, never a user value.
   *
   * @throws GitException when it could not be run or ran past its deadline
   */
  public Result verifySignature(Path root, boolean tag, CommitHash object)
      throws GitException, InterruptedException {
    String verb = tag ? "verify-tag" : "verify-commit";
    Result r = exec(root, List.of(verb, "--raw", object.hex()));
    if (r.timedOut()) {
      throw failure(root, new String[] {verb, "--raw", object.hex()}, r);
    }
    return r;
  }

  /**
   * The commits in {@code from..to} (or reachable from {@code to} when {@code from} is empty),
   * newest first, at most {@code max}; each checked to be a hash.
   */
  public List<CommitHash> revList(Path root, String from, String to, int max)
      throws GitException, InterruptedException {
    String range = from.isEmpty() ? to : from + ".." + to;
    List<CommitHash> out = new ArrayList<>();
    for (String h : run(root, "rev-list", "--max-count=" + max, range, "--").split("\n")) {
      if (!h.isBlank()) {
        out.add(CommitHash.of(checkedHash(h.strip())));
      }
    }
    return out;
  }

  /**
   * {@code git fetch --deepen=N} (or {@code --unshallow} when {@code n} is 0) of {@code ref} from
   * {@code repo}, the user's values after {@code --end-of-options} as in {@link #fetch}.
   */
  public void deepen(Path root, String repo, String ref, int n)
      throws GitException, InterruptedException {
    run(
        root,
        "fetch",
        "--no-progress",
        "--no-auto-gc",
        n > 0 ? "--deepen=" + n : "--unshallow",
        "--end-of-options",
        repo,
        ref);
  }

  /** {@code git diff --shortstat from to}. */
  public String diffShortstat(Path root, String from, String to)
      throws GitException, InterruptedException {
    return run(root, "diff", "--shortstat", from, to, "--");
  }

  /** {@code git rev-list --count from..to}. */
  public int revListCount(Path root, String from, String to)
      throws GitException, InterruptedException {
    String out = run(root, "rev-list", "--count", from + ".." + to, "--");
    try {
      return Integer.parseInt(out.trim());
    } catch (NumberFormatException e) {
      throw new GitException("unexpected output from git rev-list --count: " + out, e);
    }
  }

  /**
   * Whether {@code hash} names a commit in the repository ({@code git cat-file -e hash^{commit}}).
   */
  public boolean hasCommit(Path root, String hash) throws GitException, InterruptedException {
    return exec(root, List.of("cat-file", "-e", hash + "^{commit}")).ok();
  }

  /** The first parent of {@code hash} ({@code git rev-parse hash^}). */
  public String parentOf(Path root, String hash) throws GitException, InterruptedException {
    return run(root, "rev-parse", hash + "^");
  }

  /** Stops the credential cache daemon listening on {@code socket}. */
  public void stopCredentialCache(Path cwd, Path socket) throws GitException, InterruptedException {
    run(cwd, "credential-cache", "--socket", socket.toString(), "exit");
  }

  /** {@code git reflog expire --expire-unreachable=all --all}. */
  public void reflogExpire(Path root) throws GitException, InterruptedException {
    run(root, "reflog", "expire", "--expire-unreachable=all", "--all");
  }

  /** {@code git gc} with the given extra flag ({@code --auto}, {@code --aggressive} or none). */
  public void gc(Path root, String flag) throws GitException, InterruptedException {
    if (flag == null) {
      run(root, "gc");
    } else {
      run(root, "gc", flag);
    }
  }

  /** Runs {@code git <args>} in {@code cwd}; returns trimmed stdout or throws on failure. */
  private String run(Path cwd, String... args) throws GitException, InterruptedException {
    Result r = exec(cwd, List.of(args));
    if (!r.ok()) {
      throw failure(cwd, args, r);
    }
    return r.stdout().trim();
  }

  private Result exec(Path cwd, List<String> args) throws GitException, InterruptedException {
    return exec(cwd, args, "");
  }

  private Result exec(Path cwd, List<String> args, String stdin)
      throws GitException, InterruptedException {
    List<String> argv = new ArrayList<>(args.size() + 1);
    argv.add(gitCommand);
    argv.addAll(args);
    Command c = new Command(argv, cwd, env, remaining(argv), stdin);
    log.info(5, "running command", "cwd", cwd.toString(), "cmd", c.display());
    Result r;
    try {
      r = runner.run(c);
    } catch (IOException e) {
      throw new GitException(
          log.redactor().redact("Run(" + c.display() + "): " + e.getMessage()), e);
    }
    log.info(6, "command result", "stdout", r.stdout(), "stderr", r.stderr());
    return r;
  }

  private Duration remaining(List<String> argv) throws GitException {
    Duration left = Duration.between(clock.instant(), deadline);
    if (deadline.equals(Instant.MAX)) {
      return Duration.ofDays(365);
    }
    if (left.isNegative() || left.isZero()) {
      throw new GitException(
          log.redactor().redact("Run(" + String.join(" ", argv) + "): context deadline exceeded"));
    }
    return left;
  }

  private GitException failure(Path cwd, String[] args, Result r) {
    String cmd = log.redactor().redact(gitCommand + " " + String.join(" ", args));
    String why =
        r.timedOut() ? "context deadline exceeded (--sync-timeout)" : "exit status " + r.exitCode();
    String stderr = log.redactor().redact(r.stderr());
    return new GitException(
        log.redactor()
            .redact(
                "Run("
                    + cmd
                    + "): "
                    + why
                    + ": { stdout: "
                    + quote(r.stdout())
                    + ", stderr: "
                    + quote(r.stderr())
                    + " }"),
        new GitException.Failure(cmd, r.timedOut() ? -1 : r.exitCode(), stderr, r.timedOut()));
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    dev.gitsync.log.Json.string(sb, s.strip());
    return sb.toString();
  }
}
