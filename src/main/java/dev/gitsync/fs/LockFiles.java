package dev.gitsync.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and removes git lock files ({@code *.lock}) left in a repo by a git process that was
 * killed. git writes a lock and renames it over the real file when done, so a leftover lock means
 * the write never happened and the original file is intact: removing it is safe as long as no git
 * process of ours is running, which is true between passes. Upstream only detects {@code
 * shallow.lock} (and re-clones); this also covers {@code index.lock}, {@code HEAD.lock}, ref locks
 * and the per-worktree locks under {@code .git/worktrees/}.
 */
public final class LockFiles {
  private LockFiles() {}

  /** Removes every {@code *.lock} under {@code gitDir}; returns the paths removed. */
  public static List<Path> removeStale(Path gitDir) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(gitDir)) {
      return removed;
    }
    Files.walkFileTree(
        gitDir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            // Loose-object directories are many and never hold locks.
            String name = dir.getFileName().toString();
            boolean loose =
                name.length() == 2 && dir.getParent().getFileName().toString().equals("objects");
            return loose ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (file.getFileName().toString().endsWith(".lock")) {
              Files.deleteIfExists(file);
              removed.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
    return removed;
  }
}
