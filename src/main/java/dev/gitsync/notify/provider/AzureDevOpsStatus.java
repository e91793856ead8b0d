package dev.gitsync.notify.provider;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.json.JsonParser;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Azure DevOps (Azure Repos) commit statuses
 * (learn.microsoft.com/rest/api/azure/devops/git/statuses, "Statuses - Create"): {@code POST
 * {org}/{project}/_apis/git/repositories/{repo}/commits/{sha}/statuses?api-version=6.0} with {@code
 * state} (succeeded, failed, error), {@code description}, {@code targetUrl} and {@code context}
 * ({@code genre} and {@code name}, both required and at most 128 characters); 201 is success. The
 * sink's URL may also be the repository's web URL ({@code …/{project}/_git/{repo}}), as Flux takes
 * it, on Azure DevOps Services or Server.
 *
 * <p>The token file holds a personal access token (scope Code (status)), sent as Basic with an
 * empty user name ("REST API samples"), or a Microsoft Entra access token (a JWT), sent as Bearer.
 *
 * <p>Answers: Azure DevOps does not always say 401 to a token it refuses: it may answer {@code 203
 * Non-Authoritative Information} with its HTML sign-in page, which is not a delivery and disables
 * the sink like a 401 or 403. 404 with {@code typeKey} {@code GitCommitDoesNotExistException} (or
 * {@code GitUnresolvableToCommitException}) is a commit the repository does not have: dropped; any
 * other 404 (no such repository or project, for this token) disables. 400 (a field the server's
 * validation refuses) drops; 429 waits for {@code Retry-After} ("Rate and usage limits").
 */
final class AzureDevOpsStatus extends CommitStatus {
  static final String API_VERSION = "6.0";
  private static final int CONTEXT_MAX = 128;

  @Override
  String apiBase(String base) {
    int git = base.indexOf("/_git/");
    return git < 0
        ? base
        : base.substring(0, git) + "/_apis/git/repositories/" + base.substring(git + 6);
  }

  /**
   * {@code ?api-version=}: the sink URL's own (an older Azure DevOps Server may need {@code 5.0}),
   * else 6.0, which Azure DevOps Services and Server 2020 and later take.
   */
  @Override
  String query(Sink sink) {
    String q = sink.uri().getRawQuery();
    if (q != null) {
      for (String kv : q.split("&")) {
        if (kv.matches("api-version=[0-9a-z.-]{1,20}")) {
          return "?" + kv;
        }
      }
    }
    return "?api-version=" + API_VERSION;
  }

  @Override
  String path(String sha) {
    return "/commits/" + sha + "/statuses";
  }

  @Override
  Map<String, Object> body(NotifyEvent e, State s, String description, String context) {
    String state = s == State.SUCCESS ? "succeeded" : s == State.FAILURE ? "failed" : "error";
    Map<String, Object> m = Providers.map("state", state, "description", description);
    if (!link(e).isEmpty()) {
      m.put("targetUrl", link(e));
    }
    // "git-sync/prod/web" is genre git-sync, name prod/web; a context without a slash gets the
    // genre git-sync (Azure requires both).
    int slash = context.indexOf('/');
    String genre = slash > 0 && slash < context.length() - 1 ? context.substring(0, slash) : "";
    String name = genre.isEmpty() ? context : context.substring(slash + 1);
    m.put(
        "context",
        Providers.map(
            "genre",
            Text.cut(genre.isBlank() ? "git-sync" : genre, CONTEXT_MAX),
            "name",
            Text.cut(name, CONTEXT_MAX)));
    return m;
  }

  @Override
  List<Map.Entry<String, String>> auth(String token) {
    if (isJwt(token)) {
      return List.of(Map.entry("Authorization", "Bearer " + token));
    }
    String basic =
        Base64.getEncoder().encodeToString((":" + token).getBytes(StandardCharsets.UTF_8));
    return List.of(Map.entry("Authorization", "Basic " + basic));
  }

  /** An Entra access token: three base64url parts, the header being a JSON object. */
  static boolean isJwt(String token) {
    return token.startsWith("eyJ") && token.chars().filter(c -> c == '.').count() == 2;
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    if (r.status() == 203) {
      return Verdict.disable(
          forge()
              + " HTTP 203 with its sign-in page instead of the status: the token was not accepted"
              + " (a personal access token needs the Code (status) scope)");
    }
    return super.judge(r, sink);
  }

  @Override
  boolean commitNotFound(InboundResponse r) {
    Object key = JsonParser.objectOrEmpty(r.body()).get("typeKey");
    return "GitCommitDoesNotExistException".equals(key)
        || "GitUnresolvableToCommitException".equals(key);
  }

  @Override
  String forge() {
    return "Azure DevOps";
  }
}
