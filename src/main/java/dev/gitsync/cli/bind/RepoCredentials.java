package dev.gitsync.cli.bind;

import dev.gitsync.config.Credential;
import dev.gitsync.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
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
  static RepoCredentials split(String repo) {
    URI u;
    try {
      u = new URI(repo);
    } catch (URISyntaxException e) {
      return new RepoCredentials(repo, Optional.empty());
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    String info = u.getUserInfo();
    if (!(scheme.equals("http") || scheme.equals("https")) || info == null) {
      return new RepoCredentials(repo, Optional.empty());
    }
    // https://TOKEN@host/repo is common (GitHub, GitLab): the user name alone is the secret, and
    // git sends it with an empty password.
    int colon = info.indexOf(':');
    String user = colon < 0 ? info : info.substring(0, colon);
    String password = colon < 0 ? "" : info.substring(colon + 1);
    String raw = u.getRawUserInfo() + "@";
    int at = repo.indexOf(raw);
    String stripped = repo.substring(0, at) + repo.substring(at + raw.length());
    return new RepoCredentials(
        stripped,
        Optional.of(
            new Credential(stripped, user, Optional.of(Secret.of(password)), Optional.empty())));
  }
}
