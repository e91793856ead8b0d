package dev.gitsync.cli.bind;

import dev.gitsync.fs.AbsPath;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Startup checks on {@code --root} and {@code --link} that upstream does not make.
 *
 * <p>Design: when the root holds no repository, git-sync (like upstream) deletes everything in it
 * and starts afresh, so {@code --root=$HOME} or {@code --root=/} would wipe a home directory or a
 * system. Such roots are refused, naming a few of the entries that would have been deleted. A link
 * inside {@code .worktrees} or {@code .git} would be deleted by git-sync's own cleanup, and a link
 * under {@code /proc}, {@code /sys} or {@code /dev} cannot be made, so they are refused too.
 */
final class RootCheck {
  private static final Set<String> SYSTEM =
      Set.of(
          "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32",
          "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp",
          "/usr", "/var");
  private static final List<String> PSEUDO = List.of("/proc", "/sys", "/dev");

  private RootCheck() {}

  /** Why {@code root} is refused, or empty when it is fine. */
  static Optional<String> check(AbsPath root, String home) {
    List<Path> forms = new ArrayList<>(List.of(root.path()));
    try {
      forms.add(root.path().toRealPath());
    } catch (IOException missing) {
      // A root that does not exist yet is created; nothing in it can be lost.
    }
    for (Path p : forms) {
      if (Files.exists(p) && !Files.isDirectory(p)) {
        return Optional.of("invalid flag: --root " + root + " exists and is not a directory");
      }
      String why = null;
      String s = p.toString();
      if (!home.isEmpty() && p.equals(Path.of(home).toAbsolutePath().normalize())) {
        why = "is your home directory ($HOME)";
      } else if (SYSTEM.contains(s) || isSystemChild(p)) {
        why = "is a system directory";
      } else if (under(p, PSEUDO)) {
        why = "is under " + p.getName(0) + ", which is not a place for files";
      }
      if (why != null) {
        return Optional.of(
            "invalid flag: --root "
                + root
                + " "
                + why
                + "; git-sync deletes the contents of a root that holds no repository"
                + sample(p)
                + ". Use a directory of its own, e.g. "
                + root.resolve("git"));
      }
    }
    return Optional.empty();
  }

  /** Why {@code link} (absolute or relative to {@code root}) is refused, or empty. */
  static Optional<String> checkLink(AbsPath root, String link) {
    if (link.isEmpty()) {
      return Optional.empty();
    }
    Path l = AbsPath.of(link, root.path()).path();
    Path r = root.path();
    if (l.equals(r) || r.startsWith(l)) {
      return Optional.of("invalid flag: --link " + link + " must not be --root or contain it");
    }
    for (String inner : List.of(".worktrees", ".git")) {
      if (l.startsWith(r.resolve(inner))) {
        return Optional.of(
            "invalid flag: --link "
                + link
                + " must not be inside "
                + r.resolve(inner)
                + ", which git-sync manages (its cleanup would delete the link)");
      }
    }
    if (under(l, PSEUDO)) {
      return Optional.of("invalid flag: --link " + link + " must not be under /proc, /sys or /dev");
    }
    return Optional.empty();
  }

  private static boolean isSystemChild(Path p) {
    return p.getNameCount() == 2
        && (p.startsWith("/usr") || p.startsWith("/var") || p.startsWith("/etc"));
  }

  private static boolean under(Path p, List<String> dirs) {
    for (String d : dirs) {
      if (p.startsWith(d)) {
        return true;
      }
    }
    return false;
  }

  /** " (it holds a, b, c, …)" or "" when the directory is empty or unreadable. */
  private static String sample(Path dir) {
    List<String> names = new ArrayList<>();
    boolean more = false;
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(dir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path e : ds) {
          if (names.size() == 5) {
            more = true;
            break;
          }
          names.add(e.getFileName().toString());
        }
      } catch (IOException | RuntimeException unreadable) {
        return "";
      }
    }
    if (names.isEmpty()) {
      return "";
    }
    names.sort(null);
    return " (it holds " + String.join(", ", names) + (more ? ", …" : "") + ")";
  }
}
