package dev.gitsync.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** File-system helpers shared by the sync pass: tree removal, emptying, touching. */
public final class FileOps {
  private FileOps() {}

  /**
   * Removes a file, a symlink (not its target) or a whole directory tree; absent is fine.
   *
   * <p>Design: the tree is a pusher's to shape (a file 2,000 directories deep is one commit), so
   * the removal neither recurses nor holds a descriptor per level, and never builds a path longer
   * than two names below {@code p}. Each directory met inside {@code p} is first moved up to be a
   * direct child of {@code p} (under a fresh random name), then emptied one level deep and removed:
   * at most three directories are open at once (the parent, {@code p}, one child), the work is
   * linear in the entries, and an interrupted removal leaves {@code p} itself, which the next
   * removal finishes. Nothing below {@code p}'s parent is followed: the walk uses {@link
   * SecureDirectoryStream} (openat, renameat and unlinkat relative to an open directory, each
   * opened with {@code O_NOFOLLOW}), so a directory swapped for a symlink while the walk runs loses
   * only the link, never the files it points at. The parent itself must be trusted (the callers
   * pass paths under the resolved root, checked not to be links).
   */
  public static void removeAll(Path p) throws IOException {
    Path parent = p.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IOException("refusing to remove the file-system root");
    }
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
      if (ds instanceof SecureDirectoryStream<Path> sds) {
        removeEntry(sds, p.getFileName());
        return;
      }
    }
    removeByHoisting(p);
  }

  private static void removeEntry(SecureDirectoryStream<Path> parent, Path name)
      throws IOException {
    if (!isDirectoryNoFollow(parent, name)) {
      deleteFile(parent, name);
      return;
    }
    SecureDirectoryStream<Path> top;
    try {
      top = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return;
    } catch (FileSystemException swapped) {
      // Replaced by a symlink (ELOOP) or a file between the check and the open: remove that.
      if (!isDirectoryNoFollow(parent, name)) {
        deleteFile(parent, name);
        return;
      }
      throw swapped;
    }
    try (top) {
      HoistNames hoist = new HoistNames();
      Deque<Path> dirs = new ArrayDeque<>();
      for (Path e : names(top)) {
        dirs.add(e);
      }
      while (!dirs.isEmpty()) {
        Path n = dirs.poll();
        if (!isDirectoryNoFollow(top, n)) {
          deleteFile(top, n);
          continue;
        }
        try (SecureDirectoryStream<Path> d = top.newDirectoryStream(n, LinkOption.NOFOLLOW_LINKS)) {
          for (Path c : names(d)) {
            if (isDirectoryNoFollow(d, c)) {
              Path hoisted = hoist.next();
              d.move(c, top, hoisted);
              dirs.add(hoisted);
            } else {
              deleteFile(d, c);
            }
          }
        } catch (NoSuchFileException gone) {
          continue;
        } catch (FileSystemException swapped) {
          if (!isDirectoryNoFollow(top, n)) {
            deleteFile(top, n);
            continue;
          }
          throw swapped;
        }
        try {
          top.deleteDirectory(n);
        } catch (NoSuchFileException gone) {
          // Removed meanwhile.
        }
      }
    }
    try {
      parent.deleteDirectory(name);
    } catch (NoSuchFileException gone) {
      // Removed meanwhile.
    }
  }

  /**
   * Names for directories hoisted up to be removed: a random prefix (a pusher, who names the
   * entries, cannot aim at it), drawn when the first directory is met, so removing a directory of
   * files does not initialise {@link java.security.SecureRandom} (about 5 ms of every start).
   */
  private static final class HoistNames {
    private String prefix;
    private long counter;

    Path next() {
      if (prefix == null) {
        prefix = ".rm-" + Long.toHexString(Entropy.RANDOM.nextLong()) + "-";
      }
      return Path.of(prefix + counter++);
    }
  }

  /** Initialised on first use. */
  private static final class Entropy {
    static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  }

  /** The names in an open directory, read to the end before any of them is changed. */
  private static List<Path> names(DirectoryStream<Path> d) {
    List<Path> out = new ArrayList<>();
    for (Path e : d) {
      out.add(e.getFileName());
    }
    return out;
  }

  private static boolean isDirectoryNoFollow(SecureDirectoryStream<Path> dir, Path name)
      throws IOException {
    try {
      return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes()
          .isDirectory();
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  private static void deleteFile(SecureDirectoryStream<Path> dir, Path name) throws IOException {
    try {
      dir.deleteFile(name);
    } catch (NoSuchFileException gone) {
      // Removed meanwhile.
    }
  }

  /**
   * For file systems without {@link SecureDirectoryStream}: the same hoisting with paths, never
   * following links, never more than two names below {@code p}.
   */
  private static void removeByHoisting(Path p) throws IOException {
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(p);
      return;
    }
    HoistNames hoist = new HoistNames();
    Deque<Path> dirs = new ArrayDeque<>(list(p));
    while (!dirs.isEmpty()) {
      Path n = dirs.poll();
      if (!Files.isDirectory(n, LinkOption.NOFOLLOW_LINKS)) {
        Files.deleteIfExists(n);
        continue;
      }
      for (Path c : list(n)) {
        if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
          Path hoisted = p.resolve(hoist.next());
          Files.move(c, hoisted);
          dirs.add(hoisted);
        } else {
          Files.deleteIfExists(c);
        }
      }
      Files.deleteIfExists(n);
    }
    Files.deleteIfExists(p);
  }

  /**
   * Makes sure {@code dir} is a real directory: a symlink (or a file) in its place is removed, not
   * followed, and a directory is created. Returns true when something had to be removed.
   */
  public static boolean ensureRealDirectory(Path dir, boolean groupWrite) throws IOException {
    boolean removed = false;
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(dir);
      removed = true;
    }
    mkdirs(dir, groupWrite);
    return removed;
  }

  /**
   * {@link Files#createDirectories}, and with {@code groupWrite} each directory it had to create is
   * made group-writable, as upstream's umask 0002 makes them ({@code --group-write}).
   */
  public static void mkdirs(Path dir, boolean groupWrite) throws IOException {
    if (!groupWrite) {
      Files.createDirectories(dir);
      return;
    }
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        break;
      }
      missing.push(p);
    }
    Files.createDirectories(dir);
    for (Path p : missing) {
      addGroupWrite(p);
    }
  }

  /** Adds group read and write to a file or directory's permissions (not following links). */
  public static void addGroupWrite(Path p) throws IOException {
    Set<PosixFilePermission> perms =
        EnumSet.copyOf(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    if (perms.add(PosixFilePermission.GROUP_WRITE) | perms.add(PosixFilePermission.GROUP_READ)) {
      Files.setPosixFilePermissions(p, perms);
    }
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

  /**
   * The entries of a directory, or an empty list when it does not exist or is a symlink (whose
   * target's entries are not ours to list).
   */
  public static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
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

  /**
   * Creates the file (and its parents) if missing, group-writable with {@code groupWrite}, then
   * sets its mtime to {@code now}.
   */
  public static void touch(Path file, Instant now, boolean groupWrite) throws IOException {
    mkdirs(file.getParent(), groupWrite);
    if (!Files.exists(file)) {
      Files.createFile(file);
      if (groupWrite) {
        addGroupWrite(file);
      }
    }
    Files.setLastModifiedTime(file, FileTime.from(now));
  }
}
