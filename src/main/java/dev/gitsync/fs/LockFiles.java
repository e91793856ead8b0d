package dev.gitsync.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Finds and removes git lock files ({@code *.lock}) and git's temporary object and pack files
 * ({@code tmp_obj_*}, {@code tmp_pack_*}, {@code tmp_idx_*}, {@code tmp_rev_*}) left in a repo by a
 * git process that was killed: a fetch cut off at {@code --sync-timeout} against a slow or hostile
 * server leaves one pack's worth each time (18 MB a pass was measured), which would fill the disk.
 * Temporaries are never renamed into place once their writer is gone, so removing them is safe for
 * the same reason as locks. git writes a lock and renames it over the real file when done, so a
 * leftover lock means the write never happened and the original file is intact: removing it is safe
 * as long as no git process of ours is running, which is true between passes. Upstream only detects
 * {@code shallow.lock} (and re-clones); this also covers {@code index.lock}, {@code HEAD.lock}, ref
 * locks and the per-worktree locks under {@code .git/worktrees/}.
 */
public final class LockFiles {
  private LockFiles() {}

  /**
   * Removes every {@code *.lock} under {@code gitDir}; returns the paths removed. The walk is
   * breadth-first with one directory open at a time and never follows a link, so a tree as deep as
   * a pusher likes (a submodule's path becomes {@code .git/modules/<path>}) costs neither stack nor
   * descriptors; a directory that cannot be read (a path beyond the system's limit) is skipped.
   */
  public static List<Path> removeStale(Path gitDir) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(gitDir, LinkOption.NOFOLLOW_LINKS)) {
      return removed;
    }
    Deque<Path> dirs = new ArrayDeque<>(List.of(gitDir));
    while (!dirs.isEmpty()) {
      Path dir = dirs.poll();
      List<Path> entries = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        ds.forEach(entries::add);
      } catch (IOException unreadable) {
        continue;
      }
      // Loose-object directories are many and hold no locks, only temporaries, so they are not
      // walked into: their temporaries are found by name.
      boolean objects = dir.getFileName().toString().equals("objects");
      for (Path e : entries) {
        String name = e.getFileName().toString();
        if (Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
          if (objects && name.length() == 2) {
            removeTemporaries(e, removed);
          } else {
            dirs.add(e);
          }
        } else if (name.endsWith(".lock") || isTemporary(name)) {
          try {
            Files.deleteIfExists(e);
            removed.add(e);
          } catch (IOException ignored) {
            // Gone or not ours: the next pass tries again.
          }
        }
      }
    }
    return removed;
  }

  /** Whether a file name is one of git's temporaries (object, pack, index, reverse index). */
  public static boolean isTemporary(String name) {
    return name.startsWith("tmp_obj_")
        || name.startsWith("tmp_pack_")
        || name.startsWith("tmp_idx_")
        || name.startsWith("tmp_rev_");
  }

  private static void removeTemporaries(Path looseDir, List<Path> removed) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(looseDir, "tmp_obj_*")) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
        removed.add(p);
      }
    } catch (IOException ignored) {
      // Unreadable or gone: the next pass tries again.
    }
  }
}
