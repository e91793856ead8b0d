package dev.gitsync.notify.provider;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.notify.event.NotifyEvent;
import java.util.List;
import java.util.Map;

/**
 * GitLab commit statuses (docs.gitlab.com/api/commits, "Set the pipeline status of a commit"):
 * {@code POST /api/v4/projects/ID/statuses/{sha}} with {@code state} (success, failed), {@code
 * name}, {@code description} and {@code target_url}; the token as {@code PRIVATE-TOKEN}; 201 is
 * success. 404 "Commit Not Found" drops the message (404 "Project Not Found" disables the sink);
 * 400 (e.g. "Cannot transition status") drops it; 429 waits ({@code Retry-After}).
 */
final class GitLabStatus extends CommitStatus {
  @Override
  String path(String sha) {
    return "/statuses/" + sha;
  }

  @Override
  Map<String, Object> body(NotifyEvent e, State s, String description, String context) {
    Map<String, Object> m = common(s == State.SUCCESS ? "success" : "failed", description, link(e));
    m.put("name", context);
    return m;
  }

  @Override
  List<Map.Entry<String, String>> auth(String token) {
    return List.of(Map.entry("PRIVATE-TOKEN", token));
  }

  @Override
  boolean commitNotFound(InboundResponse r) {
    return message(r).contains("Commit Not Found");
  }

  @Override
  String forge() {
    return "GitLab";
  }
}
