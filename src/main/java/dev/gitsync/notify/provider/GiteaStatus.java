package dev.gitsync.notify.provider;

import dev.gitsync.notify.event.NotifyEvent;
import java.util.List;
import java.util.Map;

/**
 * Gitea and Forgejo commit statuses (the swagger at {@code /api/swagger}: {@code POST
 * /repos/{owner}/{repo}/statuses/{sha}}, CreateStatusOption): {@code state} (success, failure,
 * error), {@code description}, {@code target_url}, {@code context}; {@code Authorization: token …};
 * 201 is success. 422 (a validation error) drops the message.
 */
final class GiteaStatus extends CommitStatus {
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
    return List.of(Map.entry("Authorization", "token " + token));
  }

  @Override
  String forge() {
    return "Gitea";
  }
}
