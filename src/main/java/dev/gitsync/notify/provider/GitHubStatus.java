package dev.gitsync.notify.provider;

import dev.gitsync.notify.event.NotifyEvent;
import java.util.List;
import java.util.Map;

/**
 * GitHub commit statuses (docs.github.com/rest/commits/statuses: "Create a commit status"): {@code
 * POST /repos/OWNER/REPO/statuses/{sha}} with {@code state} (success, failure, error), {@code
 * description}, {@code target_url} and {@code context}; a fine-grained or classic token as {@code
 * Authorization: Bearer}; 201 is success. 422 is a status GitHub refuses (no such commit, or 1,000
 * statuses for this commit and context); 403 with {@code x-ratelimit-remaining: 0} waits until
 * {@code x-ratelimit-reset}; 403 with {@code Retry-After} is a secondary rate limit.
 */
final class GitHubStatus extends CommitStatus {
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
    return List.of(
        Map.entry("Authorization", "Bearer " + token),
        Map.entry("X-GitHub-Api-Version", "2022-11-28"));
  }

  @Override
  String forge() {
    return "GitHub";
  }
}
