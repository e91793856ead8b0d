package dev.gitsync.notify.provider;

import dev.gitsync.notify.event.NotifyEvent;
import java.util.List;
import java.util.Map;

/**
 * Bitbucket Cloud build statuses (developer.atlassian.com, "Create a build status for a commit"):
 * {@code POST /2.0/repositories/WORKSPACE/REPO/commit/{sha}/statuses/build} with {@code key} (at
 * most 40 characters), {@code state} (SUCCESSFUL, FAILED), {@code name}, {@code description} and
 * {@code url}, which Bitbucket requires (the commit's page, else the repository's); a repository or
 * workspace access token as {@code Authorization: Bearer}; 200 or 201 is success.
 */
final class BitbucketStatus extends CommitStatus {
  @Override
  String path(String sha) {
    return "/commit/" + sha + "/statuses/build";
  }

  @Override
  Map<String, Object> body(NotifyEvent e, State s, String description, String context) {
    String url = link(e).isEmpty() ? web(e.repo()) : link(e);
    return Providers.map(
        "key",
        Text.cut(context, 39),
        "state",
        s == State.SUCCESS ? "SUCCESSFUL" : "FAILED",
        "name",
        context,
        "description",
        description,
        "url",
        url);
  }

  private static String web(String repo) {
    return repo.startsWith("https://") ? repo.replaceFirst("\\.git$", "") : "https://bitbucket.org";
  }

  @Override
  List<Map.Entry<String, String>> auth(String token) {
    return List.of(Map.entry("Authorization", "Bearer " + token));
  }

  @Override
  String forge() {
    return "Bitbucket";
  }
}
