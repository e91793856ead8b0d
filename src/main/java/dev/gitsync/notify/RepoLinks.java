package dev.gitsync.notify;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Web links to a commit and a comparison for repos hosted on GitHub, GitLab, Bitbucket or Gitea
 * (Codeberg, Forgejo), from https, ssh:// or scp-style URLs. Credentials are never carried over.
 */
final class RepoLinks {
  private static final Pattern SCP = Pattern.compile("^(?:[^@/]+@)?([^:/]+):(?!//)(.+)$");

  private final String base;
  private final String host;

  private RepoLinks(String base, String host) {
    this.base = base;
    this.host = host;
  }

  static Optional<RepoLinks> of(String repo) {
    String host;
    String path;
    try {
      if (repo.contains("://")) {
        URI u = URI.create(repo);
        if (u.getHost() == null) {
          return Optional.empty();
        }
        host = u.getHost();
        path = u.getPath();
      } else {
        Matcher m = SCP.matcher(repo);
        if (!m.matches()) {
          return Optional.empty();
        }
        host = m.group(1);
        path = "/" + m.group(2);
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    path = path.replaceAll("/+$", "").replaceAll("\\.git$", "");
    String h = host.toLowerCase(Locale.ROOT);
    if (kind(h) == null || path.split("/").length < 3) {
      return Optional.empty();
    }
    return Optional.of(new RepoLinks("https://" + host + path, h));
  }

  private static String kind(String h) {
    if (h.contains("github")) {
      return "github";
    }
    if (h.contains("gitlab")) {
      return "gitlab";
    }
    if (h.contains("bitbucket")) {
      return "bitbucket";
    }
    if (h.contains("gitea") || h.contains("codeberg") || h.contains("forgejo")) {
      return "gitea";
    }
    return null;
  }

  String commit(String hash) {
    switch (kind(host)) {
      case "gitlab":
        return base + "/-/commit/" + hash;
      case "bitbucket":
        return base + "/commits/" + hash;
      default:
        return base + "/commit/" + hash;
    }
  }

  String compare(String from, String to) {
    switch (kind(host)) {
      case "gitlab":
        return base + "/-/compare/" + from + "..." + to;
      case "bitbucket":
        return base + "/branches/compare/" + to + "%0D" + from;
      default:
        return base + "/compare/" + from + "..." + to;
    }
  }
}
