package dev.gitsync.config;

import java.time.Duration;
import java.util.Optional;

/**
 * What one sync pass needs of the configuration, and nothing else ({@link Config#sync()}).
 *
 * @param repo the repository URL, credentials removed
 * @param ref the branch, tag, commit hash or {@code HEAD} to sync
 * @param depth the fetch depth; 0 means full history
 * @param filter the {@code git fetch --filter} spec, or empty
 * @param submodules how submodules are updated
 * @param sparseCheckoutFile the absolute path of the sparse-checkout patterns file, if any
 * @param gitGc the garbage collection mode
 * @param groupWrite make everything written group-writable
 * @param staleWorktreeTimeout how long an old worktree is kept
 * @param syncTimeout the time allowed for one whole pass
 */
public record SyncSettings(
    String repo,
    String ref,
    int depth,
    String filter,
    Config.Submodules submodules,
    Optional<String> sparseCheckoutFile,
    Config.GitGc gitGc,
    boolean groupWrite,
    Duration staleWorktreeTimeout,
    Duration syncTimeout) {}
