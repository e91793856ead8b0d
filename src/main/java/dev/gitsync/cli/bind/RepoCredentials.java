package dev.gitsync.cli.bind;

import dev.gitsync.config.Credential;
import dev.gitsync.config.Secret;
import java.util.Locale;
import java.util.Optional;

/**
 * An http(s) {@code --repo} URL split into the URL without its {@code user:password@} (or
 * token-only {@code TOKEN@}) part and a credential for it, so the password goes to git's credential
 * store rather than into {@code .git/config}, process arguments and logs (upstream
 * main.go:720-737).
 *
 * @param url the URL without credentials
 * @param credential the credential that was in it, if any
 */
record RepoCredentials(String url, Optional<Credential> credential) {
  /**
   * Splits as Go's {@code net/url} (upstream) does: the authority runs from {@code ://} to the
   * first {@code /}, {@code ?} or {@code #}, and the user info is everything before its
   * <em>last</em> {@code @}, so a password holding a raw {@code @} stays whole ({@code
   * java.net.URI} gives up on it, which left the credential in the URL). User and password are
   * percent-decoded; a bad escape leaves the URL as it is, and git reports it.
   */
  static RepoCredentials split(String repo) {
    int sep = repo.indexOf("://");
    if (sep < 0) {
      return new RepoCredentials(repo, Optional.empty());
    }
    String scheme = repo.substring(0, sep).toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))) {
      return new RepoCredentials(repo, Optional.empty());
    }
    int start = sep + 3;
    int end = start;
    while (end < repo.length() && "/?#".indexOf(repo.charAt(end)) < 0) {
      end++;
    }
    int at = repo.lastIndexOf('@', end - 1);
    if (at < start) {
      return new RepoCredentials(repo, Optional.empty());
    }
    String info = repo.substring(start, at);
    // https://TOKEN@host/repo is common (GitHub, GitLab): the user name alone is the secret, and
    // git sends it with an empty password.
    int colon = info.indexOf(':');
    Optional<String> user = unescape(colon < 0 ? info : info.substring(0, colon));
    Optional<String> password = unescape(colon < 0 ? "" : info.substring(colon + 1));
    if (user.isEmpty() || password.isEmpty()) {
      return new RepoCredentials(repo, Optional.empty());
    }
    String stripped = repo.substring(0, start) + repo.substring(at + 1);
    return new RepoCredentials(
        stripped,
        Optional.of(
            new Credential(
                stripped, user.get(), Optional.of(Secret.of(password.get())), Optional.empty())));
  }

  /** Percent-decoding as Go's {@code url.PathUnescape} ('+' stays '+'); empty on a bad escape. */
  private static Optional<String> unescape(String s) {
    if (s.indexOf('%') < 0) {
      return Optional.of(s);
    }
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '%') {
        int next = s.indexOf('%', i);
        String run = s.substring(i, next < 0 ? s.length() : next);
        byte[] u = run.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        b.write(u, 0, u.length);
        i += run.length() - 1;
        continue;
      }
      if (i + 2 >= s.length()
          || Character.digit(s.charAt(i + 1), 16) < 0
          || Character.digit(s.charAt(i + 2), 16) < 0) {
        return Optional.empty();
      }
      b.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
      i += 2;
    }
    return Optional.of(b.toString(java.nio.charset.StandardCharsets.UTF_8));
  }
}
