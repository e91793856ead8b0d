package dev.gitsync.config;

import java.util.List;
import java.util.Optional;

/**
 * How git-sync authenticates to git servers over HTTP(S). SSH settings are in {@link Config.Ssh}.
 *
 * @param credentials credentials stored before each sync: the one for {@code --repo} (from {@code
 *     --username} or the repo URL) first, then each {@code --credential}
 * @param askpassUrl a URL queried for {@code username=} and {@code password=} lines before each
 *     sync, if any
 * @param githubApp GitHub App authentication, if configured
 * @param cookieFile the git cookie file to use, if any
 */
public record AuthSettings(
    List<Credential> credentials,
    Optional<Secret> askpassUrl,
    Optional<GitHubAppSettings> githubApp,
    Optional<String> cookieFile) {
  /** Copies the list. */
  public AuthSettings {
    credentials = List.copyOf(credentials);
  }

  /** True when anything has to be put in git's credential store. */
  public boolean storesCredentials() {
    return !credentials.isEmpty() || askpassUrl.isPresent() || githubApp.isPresent();
  }
}
