package dev.gitsync.cli;

import dev.gitsync.cli.OptionDef.Visibility;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The option table: every flag and env var upstream git-sync v4 accepts, declared once. Names, env
 * vars (with their legacy aliases), types and defaults match upstream's main.go; the texts follow
 * upstream's manual.
 */
public final class Options {

  private static final List<OptionDef> REGISTRY = new ArrayList<>();

  private Options() {}

  /** Every option, in the order the manual lists them. */
  public static List<OptionDef> all() {
    return Index.ALL;
  }

  /** Looks up an option by its long name (without dashes), or returns null. */
  public static OptionDef byName(String name) {
    return Index.BY_NAME.get(name);
  }

  /** Built on first use, after every option above has registered. */
  private static final class Index {
    static final List<OptionDef> ALL = List.copyOf(REGISTRY);
    static final Map<String, OptionDef> BY_NAME = index();
  }

  private static <T> Opt<T> register(OptionDef d) {
    REGISTRY.add(d);
    return new Opt<>(d);
  }

  /** Looks up an option by its shorthand letter, or returns null. */
  public static OptionDef byShorthand(char c) {
    for (OptionDef o : Index.ALL) {
      if (o.shorthand() == c) {
        return o;
      }
    }
    return null;
  }

  private static Map<String, OptionDef> index() {
    Map<String, OptionDef> m = new LinkedHashMap<>();
    for (OptionDef o : REGISTRY) {
      m.put(o.name(), o);
    }
    return Collections.unmodifiableMap(m);
  }

  // Source.
  public static final Opt<String> REPO =
      register(
          o("repo", OptionType.STRING, "", "the git repository to sync (required)")
              .env("GITSYNC_REPO", "GIT_SYNC_REPO")
              .man(
                  "The git repository to sync. This flag is required. Credentials embedded in an"
                      + " http(s) URL are never logged.")
              .def());
  public static final Opt<String> REF =
      register(
          o("ref", OptionType.STRING, "HEAD", "the git revision (branch, tag, or hash) to sync")
              .env("GITSYNC_REF")
              .man(
                  "The git revision (branch, tag, or hash) to check out. If not specified, this"
                      + " defaults to \"HEAD\" (of the upstream repo's default branch). A hash must"
                      + " be the full 40 hex digits; once a hash has synced, git-sync stops polling.")
              .def());
  public static final Opt<Integer> DEPTH =
      register(
          o(
                  "depth",
                  OptionType.INT,
                  "1",
                  "create a shallow clone with history truncated to N commits")
              .env("GITSYNC_DEPTH", "GIT_SYNC_DEPTH")
              .man(
                  "Create a shallow clone with history truncated to the specified number of"
                      + " commits. If not specified, this defaults to syncing a single commit."
                      + " Setting this to 0 will sync the full history of the repo (and unshallow a"
                      + " repo that was synced shallow).")
              .def());
  public static final Opt<String> FILTER =
      register(
          o("filter", OptionType.STRING, "", "the filter to pass to git fetch (partial clone)")
              .env("GITSYNC_FILTER")
              .man(
                  "The git object filter to use for partial clones, passed to 'git fetch"
                      + " --filter', for example \"blob:none\". If not specified, no filter is"
                      + " used.")
              .def());
  public static final Opt<String> SUBMODULES =
      register(
          o(
                  "submodules",
                  OptionType.STRING,
                  "recursive",
                  "git submodule behavior: one of 'recursive', 'shallow', or 'off'")
              .env("GITSYNC_SUBMODULES", "GIT_SYNC_SUBMODULES")
              .man(
                  "The git submodule behavior: one of \"recursive\", \"shallow\", or \"off\". If"
                      + " not specified, this defaults to \"recursive\".")
              .def());
  public static final Opt<String> SPARSE_CHECKOUT_FILE =
      register(
          o("sparse-checkout-file", OptionType.STRING, "", "the path to a sparse-checkout file")
              .env("GITSYNC_SPARSE_CHECKOUT_FILE", "GIT_SYNC_SPARSE_CHECKOUT_FILE")
              .man(
                  "The path to a git sparse-checkout file (see git documentation for details)"
                      + " which controls which files and directories will be checked out. If not"
                      + " specified, the default is to check out the entire repo.")
              .def());
  // Destination.
  public static final Opt<String> ROOT =
      register(
          o("root", OptionType.STRING, "", "the root directory for git-sync operations (required)")
              .env("GITSYNC_ROOT", "GIT_SYNC_ROOT")
              .man(
                  "The root directory for git-sync operations, under which --link will be"
                      + " created. This must be a path that either a) does not exist (it will be"
                      + " created); b) is an empty directory; or c) is a directory which can be"
                      + " emptied by removing all of the contents. This flag is required.")
              .def());
  public static final Opt<String> LINK =
      register(
          o(
                  "link",
                  OptionType.STRING,
                  "",
                  "the path (absolute or relative to --root) at which to create a symlink to the synced tree")
              .env("GITSYNC_LINK", "GIT_SYNC_LINK")
              .man(
                  "The path to at which to create a symlink which points to the current git"
                      + " directory, at the currently synced hash. This may be an absolute path or"
                      + " a relative path, in which case it is relative to --root. Consumers of the"
                      + " synced files should always use this link - it is updated atomically and"
                      + " should always be valid. The basename of the target of the link is the"
                      + " current hash. If not specified, this defaults to the leaf dir of --repo.")
              .def());
  public static final Opt<String> ERROR_FILE =
      register(
          o(
                  "error-file",
                  OptionType.STRING,
                  "",
                  "the path (absolute or relative to --root) to an optional file into which errors will be written")
              .env("GITSYNC_ERROR_FILE", "GIT_SYNC_ERROR_FILE")
              .man(
                  "The path to an optional file into which errors will be written. This may be"
                      + " an absolute path or a relative path, in which case it is relative to"
                      + " --root. The file is removed after a successful sync.")
              .def());
  // Loop.
  public static final Opt<Duration> PERIOD =
      register(
          o(
                  "period",
                  OptionType.DURATION,
                  "10s",
                  "how long to wait between syncs, must be >= 10ms; --wait overrides this")
              .env("GITSYNC_PERIOD", "GIT_SYNC_PERIOD")
              .man(
                  "How long to wait between sync attempts. This must be at least 10ms. This"
                      + " flag obsoletes --wait, but if --wait is specified, it will take"
                      + " precedence. If not specified, this defaults to 10 seconds (\"10s\").")
              .def());
  public static final Opt<Duration> INIT_PERIOD =
      register(
          o(
                  "init-period",
                  OptionType.DURATION,
                  "0s",
                  "how long to wait between sync attempts until the first success, must be >= 10ms if set")
              .env("GITSYNC_INIT_PERIOD")
              .man(
                  "How long to wait between sync attempts until the first successful sync. This"
                      + " must be at least 10ms if set. If not specified, --period is used.")
              .def());
  public static final Opt<Duration> BACKOFF_MAX =
      register(
          o(
                  "backoff-max",
                  OptionType.DURATION,
                  "0s",
                  "the longest wait after consecutive failures (0: always --period)")
              .env("GITSYNC_BACKOFF_MAX")
              .man(
                  "When set, each consecutive failure doubles the wait before the next pass, from"
                      + " --period (or --init-period before the first success) up to this maximum,"
                      + " with +/-20% jitter, so hundreds of pods do not hammer a git host that is"
                      + " down; a success resets it, and --sync-on-signal or a push trigger still"
                      + " starts a pass at once. It must not be below --period. If not specified,"
                      + " this defaults to 0, upstream's fixed --period. Not in upstream git-sync.")
              .def());
  public static final Opt<Duration> SYNC_TIMEOUT =
      register(
          o(
                  "sync-timeout",
                  OptionType.DURATION,
                  "2m0s",
                  "the total time allowed for one complete sync, must be >= 10ms; --timeout overrides this")
              .env("GITSYNC_SYNC_TIMEOUT", "GIT_SYNC_SYNC_TIMEOUT")
              .man(
                  "The total time allowed for one complete sync, including cleanup and garbage"
                      + " collection. This must be at least 10ms. A git process still running at"
                      + " the deadline is killed with its children. This flag obsoletes --timeout,"
                      + " but if --timeout is specified, it will take precedence. If not specified,"
                      + " this defaults to 120 seconds (\"120s\").")
              .def());
  public static final Opt<Boolean> ONE_TIME =
      register(
          o("one-time", OptionType.BOOL, "false", "exit after the first sync")
              .env("GITSYNC_ONE_TIME", "GIT_SYNC_ONE_TIME")
              .man(
                  "Exit after one sync: 0 if it succeeded, 1 if it failed. Useful for init"
                      + " containers.")
              .def());
  public static final Opt<String> SYNC_ON_SIGNAL =
      register(
          o(
                  "sync-on-signal",
                  OptionType.STRING,
                  "",
                  "sync on receipt of the specified signal (e.g. SIGHUP)")
              .env("GITSYNC_SYNC_ON_SIGNAL", "GIT_SYNC_SYNC_ON_SIGNAL")
              .man(
                  "Indicates that a sync attempt should occur upon receipt of the specified"
                      + " signal name (e.g. SIGHUP) or number (e.g. 1). If a sync is already in"
                      + " progress, another sync will be triggered as soon as the current one"
                      + " completes. If not specified, signals will not trigger syncs. Signals the"
                      + " Java runtime reserves for itself (such as SIGQUIT) are rejected at"
                      + " startup.")
              .def());
  public static final Opt<Integer> MAX_FAILURES =
      register(
          o(
                  "max-failures",
                  OptionType.INT,
                  "0",
                  "the number of consecutive failures allowed before aborting (-1 will retry forever)")
              .env("GITSYNC_MAX_FAILURES", "GIT_SYNC_MAX_FAILURES")
              .man(
                  "The number of consecutive failures allowed before aborting (the first sync"
                      + " must succeed unless --init-max-failures is also set). Setting this to a"
                      + " negative value will retry forever after the initial sync. If not"
                      + " specified, this defaults to 0, meaning any sync failure will terminate"
                      + " git-sync.")
              .def());
  public static final Opt<Integer> INIT_MAX_FAILURES =
      register(
          o(
                  "init-max-failures",
                  OptionType.INT,
                  "0",
                  "the number of consecutive failures allowed before the first success (-1 will retry forever)")
              .env("GITSYNC_INIT_MAX_FAILURES")
              .man(
                  "The number of consecutive failures allowed before the first successful sync"
                      + " aborts git-sync. Setting this to a negative value will retry forever. It"
                      + " only applies when set; otherwise the first sync must succeed.")
              .def());
  public static final Opt<String> TOUCH_FILE =
      register(
          o(
                  "touch-file",
                  OptionType.STRING,
                  "",
                  "the path (absolute or relative to --root) to an optional file which will be touched whenever a sync completes")
              .env("GITSYNC_TOUCH_FILE", "GIT_SYNC_TOUCH_FILE")
              .man(
                  "The path to an optional file which will be touched whenever a sync completes."
                      + " This may be an absolute path or a relative path, in which case it is"
                      + " relative to --root.")
              .def());
  public static final Opt<Boolean> ADD_USER =
      register(
          o(
                  "add-user",
                  OptionType.BOOL,
                  "false",
                  "add a record to /etc/passwd for the current UID/GID (needed to use SSH with an arbitrary UID)")
              .env("GITSYNC_ADD_USER", "GIT_SYNC_ADD_USER")
              .man(
                  "Add a record to /etc/passwd for the current UID/GID. This is needed to use"
                      + " SSH with an arbitrary UID. This assumes that /etc/passwd is writable by"
                      + " the current UID. Nothing is added when the UID already has a record.")
              .def());
  public static final Opt<Boolean> GROUP_WRITE =
      register(
          o(
                  "group-write",
                  OptionType.BOOL,
                  "false",
                  "ensure that all data (repo, worktrees, etc.) is group writable")
              .env("GITSYNC_GROUP_WRITE", "GIT_SYNC_GROUP_WRITE")
              .man(
                  "Ensure that data written to disk (including the git repo metadata, checked"
                      + " out files, worktrees, and symlink) are all group writable. This"
                      + " corresponds to git's notion of a \"shared repository\". This is useful in"
                      + " cases where data produced by git-sync is used by a different UID. This"
                      + " replaces the older --change-permissions flag.")
              .def());
  public static final Opt<Duration> STALE_WORKTREE_TIMEOUT =
      register(
          o(
                  "stale-worktree-timeout",
                  OptionType.DURATION,
                  "0s",
                  "how long to retain non-current worktrees")
              .env("GITSYNC_STALE_WORKTREE_TIMEOUT")
              .man(
                  "The length of time to retain stale (not the current link target) worktrees"
                      + " before being removed. Once this duration has elapsed, a stale worktree"
                      + " will be removed during the next sync attempt. If not specified, this"
                      + " defaults to 0, meaning that stale worktrees will be removed immediately.")
              .def());
  // Hooks.
  public static final Opt<String> EXECHOOK_COMMAND =
      register(
          o(
                  "exechook-command",
                  OptionType.STRING,
                  "",
                  "an optional command to be run when syncs complete (must be idempotent)")
              .env("GITSYNC_EXECHOOK_COMMAND", "GIT_SYNC_EXECHOOK_COMMAND")
              .man(
                  "An optional command to be executed after syncing a new hash of the remote"
                      + " repository. This command does not take any arguments and executes with"
                      + " the synced repo as its working directory. The $GITSYNC_HASH environment"
                      + " variable will be set to the git hash that was synced. Hooks must be"
                      + " idempotent. This flag obsoletes --sync-hook-command, but if"
                      + " sync-hook-command is specified, it will take precedence.")
              .def());
  public static final Opt<Duration> EXECHOOK_TIMEOUT =
      register(
          o("exechook-timeout", OptionType.DURATION, "30s", "the timeout for the exechook")
              .env("GITSYNC_EXECHOOK_TIMEOUT", "GIT_SYNC_EXECHOOK_TIMEOUT")
              .man("The timeout for the --exechook-command. This must be at least 1s.")
              .def());
  public static final Opt<Duration> EXECHOOK_BACKOFF =
      register(
          o(
                  "exechook-backoff",
                  OptionType.DURATION,
                  "3s",
                  "the time to wait before retrying a failed exechook")
              .env("GITSYNC_EXECHOOK_BACKOFF", "GIT_SYNC_EXECHOOK_BACKOFF")
              .man("The time to wait before retrying a failed --exechook-command (at least 1s).")
              .def());
  public static final Opt<String> PRE_PUBLISH_EXECHOOK_COMMAND =
      register(
          o(
                  "pre-publish-exechook-command",
                  OptionType.STRING,
                  "",
                  "an optional command to be run after a worktree is ready and before it is published")
              .env("GITSYNC_PRE_PUBLISH_EXECHOOK_COMMAND")
              .man(
                  "An optional command to be executed in a new worktree before the --link is"
                      + " switched to it. $GITSYNC_HASH is set to the new hash.")
              .def());
  public static final Opt<Duration> PRE_PUBLISH_EXECHOOK_TIMEOUT =
      register(
          o(
                  "pre-publish-exechook-timeout",
                  OptionType.DURATION,
                  "30s",
                  "the timeout for the pre-publish exechook")
              .env("GITSYNC_PRE_PUBLISH_EXECHOOK_TIMEOUT")
              .man("The timeout for the --pre-publish-exechook-command (at least 1s).")
              .def());
  public static final Opt<Duration> PRE_PUBLISH_EXECHOOK_BACKOFF =
      register(
          o(
                  "pre-publish-exechook-backoff",
                  OptionType.DURATION,
                  "3s",
                  "the time to wait before retrying a failed pre-publish exechook")
              .env("GITSYNC_PRE_PUBLISH_EXECHOOK_BACKOFF")
              .man("The time to wait before retrying a failed --pre-publish-exechook-command.")
              .def());
  public static final Opt<String> WEBHOOK_URL =
      register(
          o(
                  "webhook-url",
                  OptionType.STRING,
                  "",
                  "a URL for optional webhook notifications when syncs complete")
              .env("GITSYNC_WEBHOOK_URL", "GIT_SYNC_WEBHOOK_URL")
              .man(
                  "A URL for optional webhook notifications when syncs complete. The header"
                      + " 'Gitsync-Hash' will be set to the git hash that was synced. The URL is"
                      + " treated as a secret and never logged whole.")
              .secret()
              .def());
  public static final Opt<String> WEBHOOK_METHOD =
      register(
          o("webhook-method", OptionType.STRING, "POST", "the HTTP method for the webhook")
              .env("GITSYNC_WEBHOOK_METHOD", "GIT_SYNC_WEBHOOK_METHOD")
              .man("The HTTP method for the --webhook-url.")
              .def());
  public static final Opt<Integer> WEBHOOK_SUCCESS_STATUS =
      register(
          o(
                  "webhook-success-status",
                  OptionType.INT,
                  "200",
                  "the HTTP status code indicating a successful webhook (0 disables success checks)")
              .env("GITSYNC_WEBHOOK_SUCCESS_STATUS", "GIT_SYNC_WEBHOOK_SUCCESS_STATUS")
              .man(
                  "The HTTP status code indicating a successful --webhook-url. Setting this to"
                      + " 0 disables success checks, which makes webhooks \"fire-and-forget\".")
              .def());
  public static final Opt<Duration> WEBHOOK_TIMEOUT =
      register(
          o("webhook-timeout", OptionType.DURATION, "1s", "the timeout for the webhook")
              .env("GITSYNC_WEBHOOK_TIMEOUT", "GIT_SYNC_WEBHOOK_TIMEOUT")
              .man("The timeout for the --webhook-url (at least 1s).")
              .def());
  public static final Opt<Duration> WEBHOOK_BACKOFF =
      register(
          o(
                  "webhook-backoff",
                  OptionType.DURATION,
                  "3s",
                  "the time to wait before retrying a failed webhook")
              .env("GITSYNC_WEBHOOK_BACKOFF", "GIT_SYNC_WEBHOOK_BACKOFF")
              .man("The time to wait before retrying a failed --webhook-url (at least 1s).")
              .def());
  public static final Opt<List<String>> WEBHOOK_HEADER =
      register(
          o(
                  "webhook-header",
                  OptionType.STRING_LIST,
                  "",
                  "an extra HTTP header for the webhook, as 'Name: value' (repeatable)")
              .env("GITSYNC_WEBHOOK_HEADER")
              .man(
                  "An extra HTTP header to send with the --webhook-url request, written 'Name:"
                      + " value'. This flag may be specified more than once; the env var takes one"
                      + " header per line. Header values are treated as secrets (they often carry"
                      + " tokens) and never logged. Not in upstream git-sync.")
              .secret()
              .def());
  public static final Opt<String> WEBHOOK_PAYLOAD =
      register(
          o(
                  "webhook-payload",
                  OptionType.STRING,
                  "",
                  "a body template for the webhook, e.g. '{\"text\":\"synced {{hash}}\"}'")
              .env("GITSYNC_WEBHOOK_PAYLOAD")
              .man(
                  "A body to send with the --webhook-url request (upstream sends none, which"
                      + " Slack rejects). Variables in double braces are replaced, JSON-escaped:"
                      + " {{hash}}, {{short_hash}}, {{previous_hash}} (empty on the first sync),"
                      + " {{ref}}, {{repo}} (credentials removed), {{link}} and {{timestamp}}"
                      + " (RFC 3339, UTC). An unknown variable is an error at startup. With a"
                      + " payload, Content-Type defaults to application/json (override it with"
                      + " --webhook-header). Example for a Slack incoming webhook:"
                      + " --webhook-payload='{\"text\":\"synced {{ref}} at {{short_hash}}\"}'."
                      + " Not in upstream git-sync.")
              .def());
  // Notifications.
  public static final Opt<List<String>> NOTIFY =
      register(
          o(
                  "notify",
                  OptionType.STRING_LIST,
                  "",
                  "a notification URL (repeatable): Slack, Teams, Discord, Google Chat, Mattermost,"
                      + " Rocket.Chat or any webhook")
              .env("GITSYNC_NOTIFY")
              .man(
                  "Send notifications about syncs (succeeded, failed, recovered, hook failed, giving"
                      + " up) to this URL. This flag may be specified more than once; the env var"
                      + " takes several URLs separated by white space. The service is detected from"
                      + " its native https URL (hooks.slack.com, Teams Workflows, discord.com,"
                      + " chat.googleapis.com) or given as a prefix: slack+, slackbot+, teams+,"
                      + " discord+, gchat+, mattermost+, rocketchat+, generic+. Options go in the"
                      + " query: events=, template_file=, timeout=, min_interval=, and for generic"
                      + " sinks secret_file=, signature=, cloudevents=. See docs/notifications.md."
                      + " The URLs are secrets and never logged. Not in upstream git-sync.")
              .secret()
              .def());
  public static final Opt<String> NOTIFY_FILE =
      register(
          o(
                  "notify-file",
                  OptionType.STRING,
                  "",
                  "a file with one notification URL per line (e.g. a mounted Secret), re-read when it"
                      + " changes")
              .env("GITSYNC_NOTIFY_FILE")
              .man(
                  "A file with one notification URL per line ('#' starts a comment), for example a"
                      + " key of a mounted Kubernetes Secret. It is re-read when it changes, so a"
                      + " rotated Secret takes effect without a restart. Not in upstream git-sync.")
              .def());
  public static final Opt<Boolean> NOTIFY_TEST =
      register(
          o(
                  "notify-test",
                  OptionType.BOOL,
                  "false",
                  "send one test message to every notification sink, report each result, and exit")
              .man(
                  "Send one test message to every configured notification sink, print each result,"
                      + " and exit: 0 if all were delivered, 1 otherwise. Use it to check a new"
                      + " Secret. Not in upstream git-sync.")
              .def());
  public static final Opt<Integer> NOTIFY_FAILURE_THRESHOLD =
      register(
          o(
                  "notify-failure-threshold",
                  OptionType.INT,
                  "1",
                  "consecutive sync failures before the first failure notification")
              .env("GITSYNC_NOTIFY_FAILURE_THRESHOLD")
              .man(
                  "How many consecutive sync failures it takes before a failure is notified. Not in"
                      + " upstream git-sync.")
              .def());
  public static final Opt<Duration> NOTIFY_REPEAT_INTERVAL =
      register(
          o(
                  "notify-repeat-interval",
                  OptionType.DURATION,
                  "1h0m0s",
                  "while syncs keep failing, repeat the failure notification at most this often")
              .env("GITSYNC_NOTIFY_REPEAT_INTERVAL")
              .man(
                  "While syncs keep failing, the failure notification is repeated at most once per"
                      + " this interval. Not in upstream git-sync.")
              .def());
  public static final Opt<Duration> NOTIFY_MAX_AGE =
      register(
          o(
                  "notify-max-age",
                  OptionType.DURATION,
                  "24h0m0s",
                  "how long an undelivered notification is retried before it is dropped")
              .env("GITSYNC_NOTIFY_MAX_AGE")
              .man(
                  "How long an undelivered notification is kept and retried (across restarts)"
                      + " before it is dropped. Not in upstream git-sync.")
              .def());
  public static final Opt<Boolean> NOTIFY_INITIAL_SYNC =
      register(
          o(
                  "notify-initial-sync",
                  OptionType.BOOL,
                  "true",
                  "announce the commit the first sync of a fresh root publishes")
              .env("GITSYNC_NOTIFY_INITIAL_SYNC")
              .man(
                  "Whether the first sync into a fresh root (a new pod's emptyDir, whose"
                      + " notification state is empty) announces the commit it publishes. Turn it"
                      + " off where pods come and go often (autoscaling, rolling updates) and the"
                      + " same commit should not be announced by every new pod; new commits are"
                      + " still announced. With --notify-leader-election the Lease already records"
                      + " what was announced, so a new leader announces nothing twice either way."
                      + " Not in upstream git-sync.")
              .def());
  public static final Opt<String> NOTIFY_OUTBOX =
      register(
          o(
                  "notify-outbox",
                  OptionType.STRING,
                  ".gitsync-notify",
                  "the notification outbox directory (absolute or relative to --root)")
              .env("GITSYNC_NOTIFY_OUTBOX")
              .man(
                  "Where pending notifications are kept until a sink confirms them. Relative paths"
                      + " are under --root; git-sync never removes this directory when it resets"
                      + " --root. Not in upstream git-sync.")
              .def());
  public static final Opt<Boolean> KUBE_EVENTS =
      register(
          o(
                  "kube-events",
                  OptionType.BOOL,
                  "false",
                  "record Kubernetes Events on the pod when syncing fails, recovers, is refused or gives up")
              .env("GITSYNC_KUBE_EVENTS")
              .man(
                  "Record core/v1 Events on this pod ($POD_NAME, the namespace of the service"
                      + " account or $POD_NAMESPACE), so that kubectl describe pod tells what is"
                      + " wrong: SyncFailed (a Warning aggregated with a count while the outage"
                      + " lasts, as the kubelet does), SyncRecovered, VerificationFailed (--verify)"
                      + " and GivingUp. Needs create and patch on events, and get on pods (for the"
                      + " pod's UID), as deploy/components/kube-events grants. An API that refuses"
                      + " is logged once and counted (git_sync_kube_events_total), never fatal."
                      + " Not in upstream git-sync.")
              .def());
  public static final Opt<Boolean> NOTIFY_LEADER_ELECTION =
      register(
          o(
                  "notify-leader-election",
                  OptionType.BOOL,
                  "false",
                  "coordinate notifications between replicas through a Kubernetes Lease")
              .env("GITSYNC_NOTIFY_LEADER_ELECTION")
              .man(
                  "Replicas that sync the same repository and ref elect one notifier through a"
                      + " coordination.k8s.io/v1 Lease (client-go's defaults: 15s lease, 10s renew"
                      + " deadline, 2s retry; see --notify-lease-duration): the leader announces each"
                      + " commit once (a leader change may repeat one), and an outage that every"
                      + " replica sees is alerted (and recovered) once; a failure only one pod sees is"
                      + " still reported by that pod. A replica that publishes a commit first (a push"
                      + " trigger reached it) wakes the leader, which announces it within seconds."
                      + " When every call to the Kubernetes API has failed for four lease durations,"
                      + " a pod sends as if alone (a duplicate beats a lost alert); before that,"
                      + " announcements wait. Needs get and update on the Lease, which"
                      + " deploy/examples/replicas creates (or create on leases). Not in upstream"
                      + " git-sync.")
              .def());
  public static final Opt<Duration> NOTIFY_LEASE_DURATION =
      register(
          o(
                  "notify-lease-duration",
                  OptionType.DURATION,
                  "15s",
                  "how long replicas wait for an unrenewed notify Lease before taking over")
              .env("GITSYNC_NOTIFY_LEASE_DURATION")
              .man(
                  "How long the other replicas wait before taking over the notify Lease of a"
                      + " leader that stopped renewing it (a crash, a partition), in whole seconds"
                      + " from 3s to 10m. The renew deadline and retry period scale with it as"
                      + " client-go's defaults do: 2/3 and 2/15 of it (10s and 2s for the default"
                      + " 15s). A shorter lease takes over sooner and calls the API more often. Used"
                      + " by --notify-leader-election. Not in upstream git-sync.")
              .def());
  public static final Opt<String> NOTIFY_LEASE_NAME =
      register(
          o(
                  "notify-lease-name",
                  OptionType.STRING,
                  "",
                  "the Lease for --notify-leader-election (default: derived from --repo and --ref)")
              .env("GITSYNC_NOTIFY_LEASE_NAME")
              .man(
                  "The name of the Lease that --notify-leader-election uses, in the pod's"
                      + " namespace. The default, git-sync-<repo>-<hash of repo and ref>, is the"
                      + " same in every replica of the same repository and ref. Not in upstream"
                      + " git-sync.")
              .def());
  public static final Opt<String> KUBE_SERVICE_ACCOUNT_DIR =
      register(
          o(
                  "kube-service-account-dir",
                  OptionType.STRING,
                  "/var/run/secrets/kubernetes.io/serviceaccount",
                  "where the service account's token, ca.crt and namespace are mounted")
              .env("GITSYNC_KUBE_SERVICE_ACCOUNT_DIR")
              .man(
                  "The directory with the service account's token (re-read: bound tokens"
                      + " rotate), ca.crt (the only CA trusted for the API server) and namespace, as"
                      + " Kubernetes mounts them. Used by --notify-leader-election. Not in upstream"
                      + " git-sync.")
              .def());
  public static final Opt<String> KUBE_API_URL =
      register(
          o(
                  "kube-api-url",
                  OptionType.STRING,
                  "",
                  "the Kubernetes API server (default: from $KUBERNETES_SERVICE_HOST and _PORT)")
              .env("GITSYNC_KUBE_API_URL")
              .man(
                  "The API server's https URL. Inside a pod the default is"
                      + " https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, as every"
                      + " Kubernetes client finds it. Used by --notify-leader-election. Not in"
                      + " upstream git-sync.")
              .def());
  // Authentication.
  public static final Opt<String> USERNAME =
      register(
          o("username", OptionType.STRING, "", "the username to use for git auth")
              .env("GITSYNC_USERNAME", "GIT_SYNC_USERNAME")
              .man(
                  "The username to use for git authentication (see --password-file or"
                      + " $GITSYNC_PASSWORD). If more than one username and password is required"
                      + " (e.g. with submodules), use --credential.")
              .def());
  public static final Opt<String> ENV_GITSYNC_PASSWORD =
      register(
          o(
                  "__env__GITSYNC_PASSWORD",
                  OptionType.STRING,
                  "",
                  "the password or personal access token to use for git auth (env only)")
              .env("GITSYNC_PASSWORD", "GIT_SYNC_PASSWORD")
              .man(
                  "$GITSYNC_PASSWORD: the password or personal access token to use for git"
                      + " authentication (see --username). Prefer --password-file.")
              .secret()
              .hidden()
              .def());
  public static final Opt<String> PASSWORD_FILE =
      register(
          o(
                  "password-file",
                  OptionType.STRING,
                  "",
                  "the file from which the password or personal access token for git auth will be sourced")
              .env("GITSYNC_PASSWORD_FILE", "GIT_SYNC_PASSWORD_FILE")
              .man(
                  "The file from which the password or personal access token to use for git"
                      + " authentication (see --username) will be read, before every sync.")
              .def());
  public static final Opt<List<String>> CREDENTIAL =
      register(
          o(
                  "credential",
                  OptionType.STRING_LIST,
                  "",
                  "one or more credentials (see --man for details) available for authentication")
              .env("GITSYNC_CREDENTIAL")
              .man(
                  "Make one or more credentials available for authentication. This flag may be"
                      + " specified more than once. The value is a JSON object or list of objects"
                      + " with fields \"url\", \"username\", and one of \"password\" or"
                      + " \"password-file\".")
              .secret()
              .def());
  public static final Opt<List<String>> SSH_KEY_FILE =
      register(
          o("ssh-key-file", OptionType.STRING_LIST, "/etc/git-secret/ssh", "the SSH key(s) to use")
              .env("GITSYNC_SSH_KEY_FILE", "GIT_SYNC_SSH_KEY_FILE", "GIT_SSH_KEY_FILE")
              .man(
                  "The SSH key(s) to use when using git over SSH. This flag may be specified"
                      + " more than once and the environment variable will be parsed like PATH -"
                      + " using a colon (':') to separate elements. If not specified, this"
                      + " defaults to \"/etc/git-secret/ssh\".")
              .def());
  public static final Opt<Boolean> SSH_KNOWN_HOSTS =
      register(
          o("ssh-known-hosts", OptionType.BOOL, "true", "enable SSH known_hosts verification")
              .env("GITSYNC_SSH_KNOWN_HOSTS", "GIT_SYNC_KNOWN_HOSTS", "GIT_KNOWN_HOSTS")
              .man(
                  "Enable SSH known_hosts verification when using git over SSH. If not"
                      + " specified, this defaults to true.")
              .def());
  public static final Opt<String> SSH_KNOWN_HOSTS_FILE =
      register(
          o(
                  "ssh-known-hosts-file",
                  OptionType.STRING,
                  "/etc/git-secret/known_hosts",
                  "the known_hosts file to use")
              .env(
                  "GITSYNC_SSH_KNOWN_HOSTS_FILE",
                  "GIT_SYNC_SSH_KNOWN_HOSTS_FILE",
                  "GIT_SSH_KNOWN_HOSTS_FILE")
              .man(
                  "The known_hosts file to use when --ssh-known-hosts is specified. If not"
                      + " specified, this defaults to \"/etc/git-secret/known_hosts\".")
              .def());
  public static final Opt<Boolean> COOKIE_FILE =
      register(
          o(
                  "cookie-file",
                  OptionType.BOOL,
                  "false",
                  "use a git cookiefile (/etc/git-secret/cookie_file) for authentication")
              .env("GITSYNC_COOKIE_FILE", "GIT_SYNC_COOKIE_FILE", "GIT_COOKIE_FILE")
              .man(
                  "Use a git cookiefile (/etc/git-secret/cookie_file, or --cookie-file-path) for"
                      + " authentication.")
              .def());
  public static final Opt<String> COOKIE_FILE_PATH =
      register(
          o(
                  "cookie-file-path",
                  OptionType.STRING,
                  "/etc/git-secret/cookie_file",
                  "the git cookiefile used when --cookie-file is set")
              .env("GITSYNC_COOKIE_FILE_PATH")
              .man(
                  "The git cookiefile (Netscape format) used when --cookie-file is set. Not in"
                      + " upstream git-sync, where the path is fixed.")
              .def());
  public static final Opt<String> ASKPASS_URL =
      register(
          o(
                  "askpass-url",
                  OptionType.STRING,
                  "",
                  "a URL to query for git credentials (username=<value> and password=<value>)")
              .env("GITSYNC_ASKPASS_URL", "GIT_SYNC_ASKPASS_URL", "GIT_ASKPASS_URL")
              .man(
                  "A URL to query for git credentials. The query must return success (200) and"
                      + " produce a series of key=value lines, including \"username=<value>\" and"
                      + " \"password=<value>\".")
              .secret()
              .def());
  public static final Opt<String> GITHUB_BASE_URL =
      register(
          o(
                  "github-base-url",
                  OptionType.STRING,
                  "https://api.github.com/",
                  "the GitHub base URL to use in GitHub requests when GitHub app auth is used")
              .env("GITSYNC_GITHUB_BASE_URL")
              .man("The GitHub base URL to use in GitHub requests when GitHub app auth is used.")
              .def());
  public static final Opt<String> ENV_GITSYNC_GITHUB_APP_PRIVATE_KEY =
      register(
          o(
                  "__env__GITSYNC_GITHUB_APP_PRIVATE_KEY",
                  OptionType.STRING,
                  "",
                  "the private key for GitHub app auth (env only)")
              .env("GITSYNC_GITHUB_APP_PRIVATE_KEY")
              .man("$GITSYNC_GITHUB_APP_PRIVATE_KEY: the private key to use for GitHub app auth.")
              .secret()
              .hidden()
              .def());
  public static final Opt<String> GITHUB_APP_PRIVATE_KEY_FILE =
      register(
          o(
                  "github-app-private-key-file",
                  OptionType.STRING,
                  "",
                  "the file from which the private key for GitHub app auth will be sourced")
              .env("GITSYNC_GITHUB_APP_PRIVATE_KEY_FILE")
              .man("The file from which the private key to use for GitHub app auth is read.")
              .def());
  public static final Opt<String> GITHUB_APP_CLIENT_ID =
      register(
          o(
                  "github-app-client-id",
                  OptionType.STRING,
                  "",
                  "the GitHub app client ID to use for GitHub app auth")
              .env("GITSYNC_GITHUB_APP_CLIENT_ID")
              .man("The client ID of the GitHub app used for GitHub app auth.")
              .def());
  public static final Opt<Integer> GITHUB_APP_APPLICATION_ID =
      register(
          o(
                  "github-app-application-id",
                  OptionType.INT,
                  "0",
                  "the GitHub app ID to use for GitHub app auth")
              .env("GITSYNC_GITHUB_APP_APPLICATION_ID")
              .man("The application ID of the GitHub app used for GitHub app auth.")
              .def());
  public static final Opt<Integer> GITHUB_APP_INSTALLATION_ID =
      register(
          o(
                  "github-app-installation-id",
                  OptionType.INT,
                  "0",
                  "the GitHub app installation ID to use for GitHub app auth")
              .env("GITSYNC_GITHUB_APP_INSTALLATION_ID")
              .man("The installation ID of the GitHub app used for GitHub app auth.")
              .def());
  // Git.
  public static final Opt<String> GIT =
      register(
          o(
                  "git",
                  OptionType.STRING,
                  "git",
                  "the git command to run (subject to PATH search, mostly for testing)")
              .env("GITSYNC_GIT", "GIT_SYNC_GIT")
              .man("The git command to run (subject to PATH search, mostly for testing).")
              .def());
  public static final Opt<String> GIT_CONFIG =
      register(
          o(
                  "git-config",
                  OptionType.STRING,
                  "",
                  "additional git config options in 'section.var1:val1,\"section.sub.var2\":\"val2\"' format")
              .env("GITSYNC_GIT_CONFIG", "GIT_SYNC_GIT_CONFIG")
              .man(
                  "Additional git config options in a comma-separated 'key:val' format. The"
                      + " parsed keys and values are set with 'git config' semantics (a later value"
                      + " replaces an earlier one) and must be valid for git. Both keys and values"
                      + " can be either quoted or unquoted strings. Within quoted keys and all"
                      + " values (quoted or not), the following escape sequences are supported:"
                      + " '\\n' => [newline], '\\t' => [tab], '\\\"' => '\"', '\\,' => ',', '\\\\'"
                      + " => '\\'. To include a colon within a key (e.g. a URL) the key must be"
                      + " quoted. Within unquoted values commas must be escaped. Within quoted"
                      + " values commas may be escaped, but are not required to be. Any other"
                      + " escape sequence is an error.")
              .def());
  public static final Opt<List<String>> GIT_CONFIG_ADD =
      register(
          o(
                  "git-config-add",
                  OptionType.STRING_LIST,
                  "",
                  "additional git config options in 'key:val' format, added rather than set (repeatable)")
              .man(
                  "Like --git-config, but each value is added ('git config --add') rather than"
                      + " set, for multi-valued keys such as safe.directory. This flag may be"
                      + " specified more than once. It has no env var.")
              .def());
  public static final Opt<String> GIT_GC =
      register(
          o(
                  "git-gc",
                  OptionType.STRING,
                  "always",
                  "git garbage collection behavior: one of 'auto', 'always', 'aggressive', or 'off'")
              .env("GITSYNC_GIT_GC", "GIT_SYNC_GIT_GC")
              .man(
                  "The git garbage collection behavior after worktrees were removed: one of"
                      + " \"auto\" (git gc --auto, which respects git's gc.* config), \"always\""
                      + " (git gc), \"aggressive\" (git gc --aggressive, which may require a longer"
                      + " --sync-timeout), or \"off\". The default is \"always\", as in upstream's"
                      + " code (its manual says \"auto\").")
              .def());
  // HTTP.
  public static final Opt<String> HTTP_BIND =
      register(
          o(
                  "http-bind",
                  OptionType.STRING,
                  "",
                  "the bind address (including port) for git-sync's HTTP endpoint")
              .env("GITSYNC_HTTP_BIND", "GIT_SYNC_HTTP_BIND")
              .man(
                  "The bind address (including port) for git-sync's HTTP endpoint. The '/' URL"
                      + " of this endpoint is suitable for Kubernetes startup and liveness probes,"
                      + " returning a 5xx error until the first sync is complete, and a 200 status"
                      + " thereafter.")
              .def());
  public static final Opt<Boolean> HTTP_METRICS =
      register(
          o("http-metrics", OptionType.BOOL, "false", "enable metrics on git-sync's HTTP endpoint")
              .env("GITSYNC_HTTP_METRICS", "GIT_SYNC_HTTP_METRICS")
              .man("Enable metrics on git-sync's HTTP endpoint at /metrics. Requires --http-bind.")
              .def());
  public static final Opt<Boolean> HTTP_PPROF =
      register(
          o(
                  "http-pprof",
                  OptionType.BOOL,
                  "false",
                  "enable the debug endpoints on git-sync's HTTP endpoint")
              .env("GITSYNC_HTTP_PPROF", "GIT_SYNC_HTTP_PPROF")
              .man(
                  "Enable the debug endpoints on git-sync's HTTP endpoint at /debug/pprof. Go's"
                      + " pprof does not apply to the JVM; the JVM equivalents are served instead:"
                      + " /debug/pprof/goroutine (a thread dump), /debug/pprof/heap (a class"
                      + " histogram of the heap) and /debug/pprof/profile?seconds=N (a Java Flight"
                      + " Recorder CPU profile, 1 to 60 seconds, default 10; open it with JDK"
                      + " Mission Control or 'jfr print'). Requires --http-bind.")
              .def());
  public static final Opt<Integer> HTTP_READY_MAX_PERIODS =
      register(
          o(
                  "http-ready-max-periods",
                  OptionType.INT,
                  "5",
                  "/readyz fails when the last successful sync is older than this many periods (0: never)")
              .env("GITSYNC_HTTP_READY_MAX_PERIODS")
              .man(
                  "The HTTP endpoint's /readyz answers 503 until the first successful sync, and"
                      + " again when the last successful sync is older than this many --period"
                      + " intervals plus --sync-timeout (a stuck or failing sync). 0 turns the age"
                      + " check off. '/' keeps upstream's behaviour (ready forever after the first"
                      + " sync) and /healthz only says the process is alive. Not in upstream"
                      + " git-sync.")
              .def());
  // Verification.
  public static final Opt<String> VERIFY =
      register(
          o(
                  "verify",
                  OptionType.STRING,
                  "none",
                  "publish only signed commits: one of 'none', 'head', 'tag', 'tag-and-head', 'all'")
              .env("GITSYNC_VERIFY")
              .man(
                  "Publish only what is signed by a trusted key (--verify-ssh-allowed-signers,"
                      + " --verify-gpg-keys): \"head\" checks the commit to publish, \"tag\" that"
                      + " --ref names an annotated tag with a good signature, \"tag-and-head\" both,"
                      + " \"all\" every commit between the one published and the new one, merged"
                      + " sides included (fetching what that range needs even with --depth; the first"
                      + " sync checks the head). A refused commit is not checked out: the link stays"
                      + " where it was, the pass fails (counting for --max-failures and readiness),"
                      + " and a sync.verification_failed notification names the signer and the"
                      + " reason. If not specified, this defaults to \"none\". Not in upstream"
                      + " git-sync.")
              .def());
  public static final Opt<String> VERIFY_SSH_ALLOWED_SIGNERS =
      register(
          o(
                  "verify-ssh-allowed-signers",
                  OptionType.STRING,
                  "",
                  "an OpenSSH allowed_signers file of the SSH keys trusted by --verify")
              .env("GITSYNC_VERIFY_SSH_ALLOWED_SIGNERS")
              .man(
                  "An OpenSSH allowed_signers file (ssh-keygen(1); what git's"
                      + " gpg.ssh.allowedSignersFile reads: principals, cert-authority,"
                      + " namespaces, valid-after and valid-before, judged at the commit's date as"
                      + " git does) listing the SSH keys --verify trusts. Read again for every"
                      + " verification, so a rotated Secret applies without a restart. Not in"
                      + " upstream git-sync.")
              .def());
  public static final Opt<String> VERIFY_SSH_REVOKED_KEYS =
      register(
          o(
                  "verify-ssh-revoked-keys",
                  OptionType.STRING,
                  "",
                  "an OpenSSH KRL or list of public keys whose SSH signatures --verify refuses")
              .env("GITSYNC_VERIFY_SSH_REVOKED_KEYS")
              .man(
                  "An OpenSSH key revocation list (ssh-keygen -k) or a file of public keys, one"
                      + " per line (what git's gpg.ssh.revocationFile reads): a signature by a key,"
                      + " or a certificate, in it is refused with the result \"revoked\", even when"
                      + " --verify-ssh-allowed-signers trusts it, e.g. through a cert-authority"
                      + " line. Read again for every verification; a file that cannot be read"
                      + " refuses every SSH signature. Needs --verify-ssh-allowed-signers. Not in"
                      + " upstream git-sync.")
              .def());
  public static final Opt<String> VERIFY_GPG_KEYS =
      register(
          o(
                  "verify-gpg-keys",
                  OptionType.STRING,
                  "",
                  "a file of the OpenPGP public keys trusted by --verify (armored or binary)")
              .env("GITSYNC_VERIFY_GPG_KEYS")
              .man(
                  "A file of OpenPGP public keys, armored or binary, one or many, that --verify"
                      + " trusts. git-sync builds a private, read-only keyring from it (never"
                      + " $HOME or $GNUPGHOME) and builds it again when the file changes. Both key"
                      + " files may be given: a signature verifies if either accepts it. Not in"
                      + " upstream git-sync.")
              .def());
  // Push trigger.
  public static final Opt<String> TRIGGER_BIND =
      register(
          o(
                  "trigger-bind",
                  OptionType.STRING,
                  "",
                  "the bind address (including port) for the push-trigger listener (off if empty)")
              .env("GITSYNC_TRIGGER_BIND")
              .man(
                  "The bind address (including port) of a separate HTTP listener that accepts"
                      + " push webhooks from GitHub, GitLab, Gitea, Forgejo and Bitbucket, and"
                      + " signed requests from scripts, at POST /trigger: each verified push to"
                      + " the synced ref and repository starts a sync at once (see"
                      + " docs/trigger.md). It is separate from --http-bind so that /metrics and"
                      + " /debug/pprof never need to be reachable from where webhooks come."
                      + " Requires --trigger-secret-file. Polling goes on as a safety net. Not in"
                      + " upstream git-sync.")
              .def());
  public static final Opt<String> TRIGGER_SECRET_FILE =
      register(
          o(
                  "trigger-secret-file",
                  OptionType.STRING,
                  "",
                  "the file holding the shared secret that push triggers must prove they know")
              .env("GITSYNC_TRIGGER_SECRET_FILE")
              .man(
                  "The file holding the webhook secret configured in the forge (GitHub, Gitea and"
                      + " Bitbucket sign the body with it, GitLab sends it as a token, scripts send"
                      + " it as a bearer token or sign with Standard Webhooks; a 'whsec_' secret is"
                      + " base64-decoded for that). Re-read when it changes. Required with"
                      + " --trigger-bind. Not in upstream git-sync.")
              .def());
  public static final Opt<Duration> TRIGGER_MIN_INTERVAL =
      register(
          o(
                  "trigger-min-interval",
                  OptionType.DURATION,
                  "1s",
                  "the minimum time between two syncs started by push triggers")
              .env("GITSYNC_TRIGGER_MIN_INTERVAL")
              .man(
                  "The minimum time between two sync passes started by push triggers. Triggers"
                      + " that arrive sooner, or while a sync runs, coalesce into one more pass;"
                      + " requests beyond 20 per interval are answered 429. Not in upstream"
                      + " git-sync.")
              .def());
  // Logging and info.
  public static final Opt<Integer> VERBOSE =
      register(
          o("verbose", OptionType.INT, "0", "logs at this V level and lower will be printed")
              .shorthand('v')
              .env("GITSYNC_VERBOSE")
              .man(
                  "Set the log verbosity level. Logs at this level and lower will be printed."
                      + " 0: minimal, just log updates; 1: more details about updates; 2: log the"
                      + " sync loop; 3: more details about the sync loop; 4: more details; 5: log"
                      + " all executed commands; 6: log stdout/stderr of all executed commands; 9:"
                      + " tracing and debug messages.")
              .def());
  public static final Opt<Boolean> VERSION =
      register(
          o("version", OptionType.BOOL, "false", "print the version and exit")
              .man("Print the version and exit.")
              .def());
  public static final Opt<Boolean> HELP =
      register(
          o("help", OptionType.BOOL, "false", "print help text and exit")
              .shorthand('h')
              .man("Print help text and exit. -? is accepted too.")
              .def());
  public static final Opt<Boolean> MAN =
      register(
          o("man", OptionType.BOOL, "false", "print the full manual and exit")
              .man("Print this manual and exit.")
              .def());
  // Deprecated v3 names.
  public static final Opt<String> BRANCH =
      register(dep("branch", OptionType.STRING, "", "--ref", "GIT_SYNC_BRANCH"));
  public static final Opt<String> REV =
      register(dep("rev", OptionType.STRING, "", "--ref", "GIT_SYNC_REV"));
  public static final Opt<String> DEST =
      register(dep("dest", OptionType.STRING, "", "--link", "GIT_SYNC_DEST"));
  public static final Opt<Double> WAIT =
      register(dep("wait", OptionType.FLOAT, "0", "--period", "GIT_SYNC_WAIT"));
  public static final Opt<Integer> TIMEOUT =
      register(dep("timeout", OptionType.INT, "0", "--sync-timeout", "GIT_SYNC_TIMEOUT"));
  public static final Opt<Integer> MAX_SYNC_FAILURES =
      register(
          dep(
              "max-sync-failures",
              OptionType.INT,
              "0",
              "--max-failures",
              "GIT_SYNC_MAX_SYNC_FAILURES"));
  public static final Opt<String> SYNC_HOOK_COMMAND =
      register(
          dep(
              "sync-hook-command",
              OptionType.STRING,
              "",
              "--exechook-command",
              "GIT_SYNC_HOOK_COMMAND"));
  public static final Opt<String> PASSWORD =
      register(dep("password", OptionType.STRING, "", "$GITSYNC_PASSWORD"));
  public static final Opt<Integer> CHANGE_PERMISSIONS =
      register(
          dep("change-permissions", OptionType.INT, "0", "--group-write", "GIT_SYNC_PERMISSIONS"));
  public static final Opt<Integer> V = register(dep("v", OptionType.INT, "-1", "-v"));
  public static final Opt<Boolean> SSH =
      register(dep("ssh", OptionType.BOOL, "false", "nothing (it is no longer needed)"));

  /**
   * A deprecated option that overrides a current one when given a non-zero value, as upstream's
   * main.go:457-555 does ({@code --branch}/{@code --rev} → {@code --ref} follow their own rule, in
   * {@link ConfigFactory}).
   *
   * @param <S> the deprecated option's type
   * @param <T> the current option's type
   * @param deprecated the old option
   * @param target the option it sets
   * @param map its value as the target's, or null when it is unset (0 or empty)
   */
  record Legacy<S, T>(Opt<S> deprecated, Opt<T> target, Function<S, T> map) {}

  /** Every deprecated option that overrides a current one. */
  static final List<Legacy<?, ?>> LEGACY =
      List.of(
          new Legacy<>(DEST, LINK, v -> v.isEmpty() ? null : v),
          new Legacy<>(WAIT, PERIOD, v -> v == 0 ? null : Duration.ofMillis((long) (v * 1000))),
          new Legacy<>(TIMEOUT, SYNC_TIMEOUT, v -> v == 0 ? null : Duration.ofSeconds(v)),
          new Legacy<>(MAX_SYNC_FAILURES, MAX_FAILURES, v -> v == 0 ? null : v),
          new Legacy<>(SYNC_HOOK_COMMAND, EXECHOOK_COMMAND, v -> v.isEmpty() ? null : v),
          new Legacy<>(PASSWORD, ENV_GITSYNC_PASSWORD, v -> v.isEmpty() ? null : v),
          new Legacy<>(V, VERBOSE, v -> v >= 0 ? v : null));

  private static OptionDef dep(
      String name, OptionType type, String def, String replacement, String... envs) {
    Builder b =
        o(name, type, def, "DEPRECATED: use " + replacement + " instead")
            .env(envs)
            .man("DEPRECATED: use " + replacement + " instead.");
    b.visibility = Visibility.DEPRECATED;
    b.replacement = replacement;
    if (name.equals("password")) {
      b.secret = true;
    }
    return b.def();
  }

  private static Builder o(String name, OptionType type, String def, String help) {
    return new Builder(name, type, def, help);
  }

  /** Fluent declaration of one option; keeps the table above readable. */
  private static final class Builder {
    private final String name;
    private final OptionType type;
    private final String def;
    private final String help;
    private char shorthand;
    private List<String> envs = List.of();
    private String manual;
    private boolean secret;
    private Visibility visibility = Visibility.NORMAL;
    private String replacement;

    Builder(String name, OptionType type, String def, String help) {
      this.name = name;
      this.type = type;
      this.def = def;
      this.help = help;
      this.manual = help;
    }

    Builder env(String... names) {
      envs = Arrays.asList(names);
      return this;
    }

    Builder shorthand(char c) {
      shorthand = c;
      return this;
    }

    Builder man(String text) {
      manual = text;
      return this;
    }

    Builder secret() {
      secret = true;
      return this;
    }

    Builder hidden() {
      visibility = Visibility.HIDDEN;
      return this;
    }

    OptionDef def() {
      return new OptionDef(
          name,
          shorthand,
          type,
          def,
          List.copyOf(envs),
          help,
          manual,
          secret,
          visibility,
          replacement);
    }
  }
}
