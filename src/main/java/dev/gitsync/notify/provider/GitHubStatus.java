package dev.gitsync.notify.provider;

import dev.gitsync.notify.event.NotifyEvent;
import java.util.List;
import java.util.Map;

/**
 * The forges whose status API is GitHub's shape: {@code POST {base}/statuses/{sha}} with {@code
 * state} (success, failure, error), {@code description}, {@code target_url} and {@code context};
 * 201 is success.
 *
 * <ul>
 *   <li>GitHub (docs.github.com/rest/commits/statuses: "Create a commit status"): a fine-grained or
 *       classic token, or the App's installation token, as {@code Authorization: Bearer}. 422 is a
 *       status GitHub refuses (no such commit, or 1,000 statuses for this commit and context); 403
 *       with {@code x-ratelimit-remaining: 0} waits until {@code x-ratelimit-reset}; 403 with
 *       {@code Retry-After} is a secondary rate limit.
 *   <li>Gitea and Forgejo (the swagger at {@code /api/swagger}, CreateStatusOption, under {@code
 *       /api/v1/repos/{owner}/{repo}}): {@code Authorization: token …}; 422 (a validation error)
 *       drops the message.
 * </ul>
 */
final class GitHubStatus extends CommitStatus {
  private final String forge;
  private final String scheme;

  private GitHubStatus(String forge, String scheme) {
    this.forge = forge;
    this.scheme = scheme;
  }

  /** GitHub's statuses. */
  static GitHubStatus github() {
    return new GitHubStatus("GitHub", "Bearer ");
  }

  /** Gitea's and Forgejo's statuses. */
  static GitHubStatus gitea() {
    return new GitHubStatus("Gitea", "token ");
  }

  @Override
  String path(String sha) {
    return "/statuses/" + sha;
  }

  @Override
  Map<String, Object> body(NotifyEvent e, State s, String description, String context) {
    Map<String, Object> m =
        common(s.name().toLowerCase(java.util.Locale.ROOT), description, link(e));
    m.put("context", context);
    return m;
  }

  @Override
  List<Map.Entry<String, String>> auth(String token) {
    return forge.equals("GitHub")
        ? List.of(
            Map.entry("Authorization", scheme + token),
            Map.entry("X-GitHub-Api-Version", "2022-11-28"))
        : List.of(Map.entry("Authorization", scheme + token));
  }

  @Override
  String forge() {
    return forge;
  }
}
