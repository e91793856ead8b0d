package dev.gitsync.config;

import dev.gitsync.fs.AbsPath;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The validated, immutable configuration of one git-sync process. Built once at startup by the
 * {@code cli} package; the rest of the program never sees flags, env vars or duration strings.
 *
 * @param repo the repository URL; credentials given in an http(s) URL are moved to {@code auth}
 * @param ref the branch, tag, commit hash or {@code HEAD} to sync
 * @param depth the fetch depth; 0 means full history
 * @param filter the {@code git fetch --filter} spec, or empty
 * @param submodules how submodules are updated
 * @param root the root directory, absolute and lexically clean (symlinks not yet resolved)
 * @param link the path of the published symlink, as given (absolute, or relative to root)
 * @param errorFile the error file as given (absolute, or relative to root), if any
 * @param touchFile the touch file as given (absolute, or relative to root), if any
 * @param period the wait between syncs
 * @param initPeriod the wait between syncs until the first success
 * @param syncTimeout the time allowed for one whole sync pass
 * @param oneTime exit after one sync
 * @param syncOnSignal a signal that triggers a sync, if any
 * @param maxFailures consecutive failures tolerated after the first success (negative: forever)
 * @param initMaxFailures consecutive failures tolerated before the first success, if set
 * @param addUser append the current UID to /etc/passwd
 * @param groupWrite make everything written group-writable (umask 0002)
 * @param staleWorktreeTimeout how long an old worktree is kept
 * @param git the git command
 * @param gitConfig extra git config entries, in order
 * @param gitGc the garbage collection mode
 * @param verbosity the log level
 * @param ssh SSH settings for ssh:// and scp-style repos
 * @param auth HTTP(S) authentication: credentials, askpass, GitHub App, cookie file
 * @param sparseCheckoutFile the absolute path of the sparse-checkout patterns file, if any
 * @param exechook the hook run after each new commit is published, if any
 * @param prePublishHook the hook that must pass before a new commit is published, if any
 * @param webhook the webhook called after each new commit is published, if any
 * @param http the HTTP endpoint's settings
 * @param notifications the notification settings
 * @param trigger the push-trigger listener, if it is on
 * @param startupFlags the flags to list in the "starting up" line, secrets redacted
 */
public record Config(
    String repo,
    String ref,
    int depth,
    String filter,
    Submodules submodules,
    AbsPath root,
    String link,
    Optional<String> errorFile,
    Optional<String> touchFile,
    Duration period,
    Duration initPeriod,
    Duration syncTimeout,
    boolean oneTime,
    Optional<SyncSignal> syncOnSignal,
    int maxFailures,
    OptionalInt initMaxFailures,
    boolean addUser,
    boolean groupWrite,
    Duration staleWorktreeTimeout,
    String git,
    List<GitConfigEntry> gitConfig,
    GitGc gitGc,
    int verbosity,
    Ssh ssh,
    AuthSettings auth,
    Optional<String> sparseCheckoutFile,
    Optional<HookSettings> exechook,
    Optional<HookSettings> prePublishHook,
    Optional<WebhookSettings> webhook,
    HttpSettings http,
    NotifySettings notifications,
    Optional<TriggerSettings> trigger,
    VerifySettings verify,
    Duration backoffMax,
    Optional<KubeEventsSettings> kubeEvents,
    List<String> startupFlags) {

  /** Submodule handling, as {@code --submodules}. */
  public enum Submodules {
    /** {@code git submodule update --init --recursive}. */
    RECURSIVE,
    /** {@code git submodule update --init} (top level only). */
    SHALLOW,
    /** No submodule update. */
    OFF
  }

  /** Garbage collection after worktrees were removed, as {@code --git-gc}. */
  public enum GitGc {
    /** {@code git gc --auto}. */
    AUTO,
    /** {@code git gc}. */
    ALWAYS,
    /** {@code git gc --aggressive}. */
    AGGRESSIVE,
    /** No gc. */
    OFF
  }

  /**
   * SSH settings, composed into {@code GIT_SSH_COMMAND} as upstream does.
   *
   * @param keyFiles the identity files
   * @param knownHosts whether host keys are checked
   * @param knownHostsFile the known_hosts file used when they are
   */
  public record Ssh(List<String> keyFiles, boolean knownHosts, String knownHostsFile) {}

  /** What one sync pass needs. */
  public SyncSettings sync() {
    return new SyncSettings(
        repo,
        ref,
        depth,
        filter,
        submodules,
        sparseCheckoutFile,
        gitGc,
        groupWrite,
        staleWorktreeTimeout,
        syncTimeout);
  }

  /** The paths given relative to the root, resolved against {@code realRoot}. */
  public RootPaths under(AbsPath realRoot) {
    return new RootPaths(
        realRoot,
        AbsPath.of(link, realRoot.path()),
        touchFile.map(f -> AbsPath.of(f, realRoot.path()).path()),
        AbsPath.of(notifications.outbox(), realRoot.path()).path());
  }

  /** What the sync loop needs. */
  public LoopSettings loop() {
    return new LoopSettings(
        ref,
        refIsHash(),
        period,
        initPeriod,
        oneTime,
        maxFailures,
        initMaxFailures,
        groupWrite,
        backoffMax);
  }

  /**
   * True when {@code --ref} is a full lowercase commit hash, so syncing stops once it is synced.
   */
  public boolean refIsHash() {
    return ref.matches("[0-9a-f]{40}|[0-9a-f]{64}");
  }
}
