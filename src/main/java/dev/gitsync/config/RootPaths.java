package dev.gitsync.config;

import dev.gitsync.fs.AbsPath;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The paths that may be given relative to {@code --root}, resolved against the root once its
 * symlinks are resolved ({@link Config#under(AbsPath)}), so no consumer resolves them again.
 *
 * @param root the root, symlinks resolved
 * @param link the published symlink
 * @param touchFile the file touched after each new commit, if any
 * @param outbox the notification outbox directory
 */
public record RootPaths(AbsPath root, AbsPath link, Optional<Path> touchFile, Path outbox) {}
