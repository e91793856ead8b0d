package dev.gitsync.fs;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An absolute, lexically clean path, like upstream's {@code absPath}: the type says that relative
 * paths have already been resolved, so code that takes one cannot be handed a path relative to an
 * unknown working directory.
 */
public final class AbsPath {
  private final Path path;

  private AbsPath(Path path) {
    this.path = path;
  }

  /** Makes a path absolute against {@code base} (when relative) and cleans it lexically. */
  public static AbsPath of(String path, Path base) {
    Path p = Path.of(path);
    if (!p.isAbsolute()) {
      p = base.resolve(p);
    }
    return new AbsPath(p.toAbsolutePath().normalize());
  }

  /** Wraps a path that is already absolute. */
  public static AbsPath of(Path path) {
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("not an absolute path: " + path);
    }
    return new AbsPath(path.normalize());
  }

  /** The underlying path. */
  public Path path() {
    return path;
  }

  /** A child path. */
  public AbsPath resolve(String child) {
    return new AbsPath(path.resolve(child).normalize());
  }

  /** The parent directory, or this path for the file-system root. */
  public AbsPath parent() {
    Path parent = path.getParent();
    return parent == null ? this : new AbsPath(parent);
  }

  /** The last path segment. */
  public String base() {
    Path name = path.getFileName();
    return name == null ? "/" : name.toString();
  }

  @Override
  public String toString() {
    return path.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AbsPath && ((AbsPath) o).path.equals(path);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path);
  }
}
