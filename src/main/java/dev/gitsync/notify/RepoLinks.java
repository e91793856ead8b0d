package dev.gitsync.notify;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Web links to a commit and a comparison for repos hosted on GitHub, GitLab, Bitbucket, Gitea
 * (Codeberg, Forgejo) or Azure DevOps ({@code dev.azure.com/ORG/PROJECT/_git/REPO}, {@code
 * ORG.visualstudio.com}, and {@code ssh.dev.azure.com:v3/ORG/PROJECT/REPO}), from https, ssh:// or
 * scp-style URLs. Credentials are never carried over.
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
    if (h.equals("ssh.dev.azure.com") || h.equals("vs-ssh.visualstudio.com")) {
      // v3/ORG/PROJECT/REPO over SSH is dev.azure.com/ORG/PROJECT/_git/REPO on the web.
      String[] p = path.split("/");
      if (p.length != 5 || !p[1].equals("v3")) {
        return Optional.empty();
      }
      h = host = "dev.azure.com";
      path = "/" + p[2] + "/" + p[3] + "/_git/" + p[4];
    }
    if (kind(h) == null || path.split("/").length < 3) {
      return Optional.empty();
    }
    if (kind(h).equals("azure") && !path.contains("/_git/")) {
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
    if (h.equals("dev.azure.com") || h.endsWith(".visualstudio.com")) {
      return "azure";
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
      case "azure":
        return base + "/branchCompare?baseVersion=GC" + from + "&targetVersion=GC" + to;
      default:
        return base + "/compare/" + from + "..." + to;
    }
  }
}
