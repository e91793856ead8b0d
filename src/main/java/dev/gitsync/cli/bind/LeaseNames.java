package dev.gitsync.cli.bind;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The Lease's default name and the API server's address, as in-cluster clients find it. */
final class LeaseNames {
  private static final Pattern NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private LeaseNames() {}

  /**
   * {@code git-sync-<repo>-<10 hex of sha256(repo, ref)>}: the same in every replica of a
   * repository and ref, readable, and a valid name (at most 63 characters).
   */
  static String derive(String repo, String ref) {
    String base = repo.replaceAll("[/:]+$", "").replaceFirst("\\.git$", "");
    base = base.substring(Math.max(base.lastIndexOf('/'), base.lastIndexOf(':')) + 1);
    String slug =
        base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (slug.length() > 30) {
      slug = slug.substring(0, 30).replaceAll("-+$", "");
    }
    String hash;
    try {
      hash =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest((repo + "\n" + ref).getBytes(StandardCharsets.UTF_8)))
              .substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return "git-sync-" + (slug.isEmpty() ? "" : slug + "-") + hash;
  }

  /** A valid object name (a DNS subdomain). */
  static boolean valid(String name) {
    return name.length() <= 253 && NAME.matcher(name).matches();
  }

  /**
   * {@code --kube-api-url}, or {@code https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT}
   * (IPv6 hosts bracketed), as client-go's InClusterConfig finds it.
   */
  static Optional<URI> apiUrl(String flag, Map<String, String> env, List<String> errs) {
    String url = flag;
    if (url.isEmpty()) {
      String host = env.getOrDefault("KUBERNETES_SERVICE_HOST", "");
      String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "");
      if (host.isEmpty() || port.isEmpty()) {
        errs.add(
            "invalid flag: --notify-leader-election: not in a Kubernetes pod"
                + " ($KUBERNETES_SERVICE_HOST and $KUBERNETES_SERVICE_PORT are not set); set"
                + " --kube-api-url");
        return Optional.empty();
      }
      url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
    try {
      URI u = URI.create(url.replaceAll("/+$", ""));
      if (!"https".equals(u.getScheme()) || u.getHost() == null) {
        errs.add(
            "invalid flag: --kube-api-url: "
                + url
                + " is not an https URL (the service account token is sent to it)");
        return Optional.empty();
      }
      return Optional.of(u);
    } catch (IllegalArgumentException e) {
      errs.add("invalid flag: --kube-api-url: " + url + " is not a URL");
      return Optional.empty();
    }
  }
}
