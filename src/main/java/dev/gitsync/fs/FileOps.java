package dev.gitsync.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** File-system helpers shared by the sync pass: recursive removal, emptying, touching. */
public final class FileOps {
  private FileOps() {}

  /** Removes a file, a symlink (not its target) or a whole directory tree; absent is fine. */
  public static void removeAll(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(p);
      return;
    }
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Removes everything inside {@code dir} but keeps {@code dir} (it may be a mount point) and the
   * entries in {@code keep}.
   */
  public static void removeContents(Path dir, List<Path> keep) throws IOException {
    for (Path child : list(dir)) {
      if (!keep.contains(child)) {
        removeAll(child);
      }
    }
  }

  /** The entries of a directory, or an empty list when it does not exist. */
  public static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        out.add(p);
      }
    }
    return out;
  }

  /** True when {@code dir} is missing or has no entries other than those in {@code keep}. */
  public static boolean isEmptyExcept(Path dir, List<Path> keep) throws IOException {
    for (Path p : list(dir)) {
      if (!keep.contains(p)) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code dir} is missing or has no entries. */
  public static boolean isEmptyDir(Path dir) throws IOException {
    return isEmptyExcept(dir, List.of());
  }

  /** Creates the file (and its parents) if missing, then sets its mtime to {@code now}. */
  public static void touch(Path file, Instant now) throws IOException {
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      Files.createFile(file);
    }
    Files.setLastModifiedTime(file, FileTime.from(now));
  }
}
