package dev.gitsync.trigger;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A repository URL reduced to what identifies the repository across its forms: {@code
 * https://host/org/repo}, {@code https://user:token@host:443/org/repo.git}, {@code
 * ssh://git@host:22/org/repo.git}, {@code git@host:org/repo.git} and GitHub's {@code
 * ssh.github.com} all become {@code host/org/repo} (lower case, no port, no user, no {@code .git}).
 */
record RepoUrl(String host, String path) {
  private static final Pattern SCP = Pattern.compile("^(?:[^@/]+@)?([^:/]+):(?!//)(.+)$");

  /** The normalized form, or empty when {@code url} is no repository URL (a local path). */
  static Optional<RepoUrl> of(String url) {
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    String u = url.strip();
    String host;
    String path;
    if (u.contains("://")) {
      URI uri;
      try {
        uri = URI.create(u);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      if (uri.getHost() == null || uri.getPath() == null) {
        return Optional.empty();
      }
      host = uri.getHost();
      path = uri.getPath();
    } else {
      Matcher m = SCP.matcher(u);
      if (!m.matches()) {
        return Optional.empty();
      }
      host = m.group(1);
      path = m.group(2);
    }
    host = host.toLowerCase(Locale.ROOT).replaceFirst("^(alt)?ssh\\.", "");
    // By hand, not replaceAll("/+$"): that backtracks quadratically over a run of slashes.
    path = stripSlashes(path.toLowerCase(Locale.ROOT));
    if (path.endsWith(".git")) {
      path = path.substring(0, path.length() - 4);
    }
    return path.isEmpty() ? Optional.empty() : Optional.of(new RepoUrl(host, path));
  }

  private static String stripSlashes(String p) {
    int b = 0;
    int e = p.length();
    while (b < e && p.charAt(b) == '/') {
      b++;
    }
    while (e > b && p.charAt(e - 1) == '/') {
      e--;
    }
    return p.substring(b, e);
  }
}
