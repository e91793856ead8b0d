package dev.gitsync.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Publishes a worktree by pointing the {@code --link} symlink at it atomically.
 *
 * <p>Design: the new link is created under a temporary name ({@code tmp-link}) in the link's own
 * directory, then renamed over the link; rename(2) replaces the old link in one step, so a consumer
 * resolving the link sees either the old tree or the new one, never a missing or partial one. The
 * target is relative to the link's directory, so the volume can be mounted at another path. A
 * {@code tmp-link} left by a crash between the two steps is removed first (upstream fails on it
 * forever).
 */
public final class Publisher {
  static final String TMP_NAME = "tmp-link";

  private Publisher() {}

  /**
   * Points {@code link} at {@code target}, creating the link's directory if needed (group-writable
   * with {@code groupWrite}).
   */
  public static void publish(AbsPath link, AbsPath target, boolean groupWrite) throws IOException {
    Path dir = link.parent().path();
    FileOps.mkdirs(dir, groupWrite);
    Path relative = dir.relativize(target.path());
    Path tmp = dir.resolve(TMP_NAME);
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, relative);
    Files.move(tmp, link.path(), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes a {@code tmp-link} left next to {@code link} by a crash; true if one was there. */
  public static boolean removeStaleTemp(AbsPath link) throws IOException {
    Path tmp = link.parent().path().resolve(TMP_NAME);
    if (Files.isSymbolicLink(tmp)) {
      Files.delete(tmp);
      return true;
    }
    return false;
  }

  /**
   * The absolute, lexically clean path the link points at, or empty when there is no link (a
   * regular file or directory in its place counts as no link).
   */
  public static Optional<AbsPath> currentTarget(AbsPath link) throws IOException {
    if (!Files.isSymbolicLink(link.path())) {
      if (Files.exists(link.path(), LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("--link path " + link + " exists and is not a symlink; move it away");
      }
      return Optional.empty();
    }
    Path t = Files.readSymbolicLink(link.path());
    return Optional.of(AbsPath.of(link.parent().path().resolve(t)));
  }
}
