package dev.gitsync.e2e;

import dev.gitsync.json.JsonParser;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A forge's commit-status API, answering as each is documented to, errors included:
 *
 * <ul>
 *   <li>GitHub (docs.github.com/rest/commits/statuses#create-a-commit-status): {@code POST
 *       /repos/O/R/statuses/{sha}}, {@code Authorization: Bearer}; {@code state} one of error,
 *       failure, pending, success; 201 with the status; 401 "Bad credentials"; 404 "Not Found" for
 *       a repository the token cannot see; 422 "Validation Failed" for an unknown commit or a
 *       description over 140 characters; 403 with {@code x-ratelimit-remaining: 0} and {@code
 *       x-ratelimit-reset} when the rate limit is spent. {@code GET /repos/O/R} answers 200.
 *   <li>GitLab (docs.gitlab.com/api/commits/#set-the-pipeline-status-of-a-commit): {@code POST
 *       /api/v4/projects/ID/statuses/{sha}}, {@code PRIVATE-TOKEN}; {@code state} one of pending,
 *       running, success, failed, canceled, skipped; 201; 401 "401 Unauthorized"; 404 "404 Commit
 *       Not Found" / "404 Project Not Found".
 *   <li>Gitea/Forgejo (CreateStatusOption): {@code POST /api/v1/repos/O/R/statuses/{sha}}, {@code
 *       Authorization: token …}; {@code state} one of pending, success, error, failure, warning;
 *       201; 401; 404; 422.
 *   <li>Bitbucket Cloud (commit statuses, "Create a build status for a commit"): {@code POST
 *       /2.0/repositories/W/R/commit/{sha}/statuses/build}, Bearer; {@code key}, {@code state}
 *       (SUCCESSFUL, FAILED, INPROGRESS, STOPPED) and {@code url} required; 201, or 200 when the
 *       key exists; 401; 404.
 *   <li>Azure DevOps (learn.microsoft.com/rest/api/azure/devops/git/statuses/create; the server's
 *       validation and error mapping as its GitApiController and commit-status service have them):
 *       {@code POST
 *       /ORG/PROJECT/_apis/git/repositories/REPO/commits/{sha}/statuses?api-version=6.0} ({@code
 *       api-version} required: 400 without), a personal access token as Basic with an empty user
 *       name ("REST API samples for Azure DevOps"); {@code state} one of pending, succeeded,
 *       failed, error, notApplicable ({@code notSet} refused), {@code context.genre} and {@code
 *       context.name} required and at most 128 characters, {@code description} and {@code
 *       targetUrl} at most 2048: 400 {@code ArgumentException} otherwise; 201 with the status;
 *       errors as {@code {"$id":"1","message":…,"typeKey":…}}: 404 {@code
 *       GitRepositoryNotFoundException} (TF401019), 404 {@code GitCommitDoesNotExistException}; a
 *       wrong personal access token 401; a request it cannot authenticate at all (no credentials,
 *       or a token it does not take as Bearer) 203 with the HTML sign-in page; 429 with {@code
 *       Retry-After} ("Rate and usage limits").
 * </ul>
 */
final class StatusFake implements Function<Receiver.Request, Receiver.Answer> {
  enum Kind {
    GITHUB("github-status", "/repos/o/r", "/statuses/"),
    GITLAB("gitlab-status", "/api/v4/projects/42", "/statuses/"),
    GITEA("gitea-status", "/api/v1/repos/o/r", "/statuses/"),
    BITBUCKET("bitbucket-status", "/2.0/repositories/w/r", "/commit/"),
    AZURE("azure-devops-status", "/org/proj/_apis/git/repositories/repo", "/commits/");

    final String prefix;
    final String base;
    final String after;

    Kind(String prefix, String base, String after) {
      this.prefix = prefix;
      this.base = base;
      this.after = after;
    }
  }

  /** One status as the forge stored it. */
  record Status(String sha, String context, String state, String description, String url) {}

  final Kind kind;
  final String token;
  final Set<String> commits = ConcurrentHashMap.newKeySet();
  final List<Status> statuses = new CopyOnWriteArrayList<>();
  final List<String> rejections = new CopyOnWriteArrayList<>();
  final List<String> answers = new CopyOnWriteArrayList<>();
  final ConcurrentLinkedDeque<String> faults = new ConcurrentLinkedDeque<>();

  StatusFake(Kind kind, String token) {
    this.kind = kind;
    this.token = token;
  }

  @Override
  public Receiver.Answer apply(Receiver.Request r) {
    Receiver.Answer a = answer(r);
    answers.add(a.status() + " " + r.method() + " " + a.body());
    return a;
  }

  private Receiver.Answer answer(Receiver.Request r) {
    String fault = faults.poll();
    if ("rate_limited".equals(fault)) {
      String reset = Long.toString(System.currentTimeMillis() / 1000 + 2);
      return kind == Kind.GITHUB
          ? new Receiver.Answer(
              403,
              "{\"message\":\"API rate limit exceeded\"}",
              Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", reset))
          : new Receiver.Answer(
              429, "{\"message\":\"Too Many Requests\"}", Map.of("Retry-After", "2"));
    }
    if (kind == Kind.AZURE) {
      return azure(r);
    }
    if (!authorized(r)) {
      return new Receiver.Answer(
          401, kind == Kind.GITLAB ? "{\"message\":\"401 Unauthorized\"}" : bad("Bad credentials"));
    }
    if (r.method().equals("GET") && r.path().equals(kind.base)) {
      return new Receiver.Answer(200, "{\"id\":1,\"full_name\":\"o/r\"}");
    }
    if (!r.method().equals("POST") || !r.path().startsWith(kind.base + kind.after)) {
      return new Receiver.Answer(
          404, kind == Kind.GITLAB ? "{\"message\":\"404 Project Not Found\"}" : bad("Not Found"));
    }
    String rest = r.path().substring((kind.base + kind.after).length());
    String sha = kind == Kind.BITBUCKET ? rest.replaceFirst("/statuses/build$", "") : rest;
    if (!commits.contains(sha)) {
      return kind == Kind.GITLAB
          ? new Receiver.Answer(404, "{\"message\":\"404 Commit Not Found\"}")
          : kind == Kind.BITBUCKET
              ? new Receiver.Answer(
                  404, "{\"type\":\"error\",\"error\":{\"message\":\"Commit not found\"}}")
              : new Receiver.Answer(422, bad("No commit found for SHA: " + sha));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) JsonParser.parse(r.body());
    return store(sha, p);
  }

  private Receiver.Answer store(String sha, Map<String, Object> p) {
    String state = String.valueOf(p.get("state"));
    String description = String.valueOf(p.getOrDefault("description", ""));
    Set<String> states;
    String context;
    String url = String.valueOf(p.getOrDefault(kind == Kind.BITBUCKET ? "url" : "target_url", ""));
    switch (kind) {
      case GITHUB:
        states = Set.of("error", "failure", "pending", "success");
        context = String.valueOf(p.getOrDefault("context", "default"));
        if (description.length() > 140) {
          rejections.add("description over 140 characters");
          return new Receiver.Answer(422, bad("Validation Failed"));
        }
        break;
      case GITLAB:
        states = Set.of("pending", "running", "success", "failed", "canceled", "skipped");
        context = String.valueOf(p.getOrDefault("name", "default"));
        break;
      case GITEA:
        states = Set.of("pending", "success", "error", "failure", "warning");
        context = String.valueOf(p.getOrDefault("context", ""));
        break;
      default:
        states = Set.of("SUCCESSFUL", "FAILED", "INPROGRESS", "STOPPED");
        context = String.valueOf(p.get("key"));
        if (!p.containsKey("key") || !p.containsKey("url") || context.length() > 40) {
          rejections.add("key (at most 40) and url are required");
          return new Receiver.Answer(400, "{\"type\":\"error\",\"error\":{\"message\":\"key\"}}");
        }
        break;
    }
    if (!states.contains(state)) {
      rejections.add("state " + state);
      return new Receiver.Answer(
          kind == Kind.GITLAB || kind == Kind.BITBUCKET ? 400 : 422, bad("invalid state"));
    }
    statuses.add(new Status(sha, context, state, description, url));
    return new Receiver.Answer(201, "{\"id\":" + statuses.size() + ",\"state\":\"" + state + "\"}");
  }

  private Receiver.Answer azure(Receiver.Request r) {
    String auth = String.valueOf(r.header("Authorization"));
    String basic =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString((":" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (auth.startsWith("Basic ") && !auth.equals(basic)) {
      return new Receiver.Answer(
          401, "<html><body>Access Denied</body></html>", Map.of("Content-Type", "text/html"));
    }
    if (!auth.equals(basic) && !auth.equals("Bearer " + token)) {
      return new Receiver.Answer(
          203,
          "<html><head><title>Azure DevOps Services | Sign In</title></head><body></body></html>",
          Map.of("Content-Type", "text/html; charset=utf-8"));
    }
    int q = r.path().indexOf('?');
    String path = q < 0 ? r.path() : r.path().substring(0, q);
    if (q < 0 || !r.path().substring(q + 1).contains("api-version=")) {
      return azureError(400, "VssVersionNotSpecifiedException", "No api-version was supplied");
    }
    if (r.method().equals("GET") && path.equals(kind.base)) {
      return azureJson(200, "{\"id\":\"1b2c\",\"name\":\"repo\"}");
    }
    String prefix = kind.base + kind.after;
    if (!r.method().equals("POST") || !path.startsWith(prefix) || !path.endsWith("/statuses")) {
      return azureError(
          404,
          "GitRepositoryNotFoundException",
          "TF401019: The Git repository with name or identifier repo does not exist or you do not"
              + " have permissions for the operation you are attempting.");
    }
    String sha = path.substring(prefix.length(), path.length() - "/statuses".length());
    if (!commits.contains(sha)) {
      return azureError(404, "GitCommitDoesNotExistException", "Commit " + sha + " not found.");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) JsonParser.parse(r.body());
    String state = String.valueOf(p.get("state"));
    Object c = p.get("context");
    Map<?, ?> context = c instanceof Map ? (Map<?, ?>) c : Map.of();
    String genre = String.valueOf(context.get("genre"));
    String name = String.valueOf(context.get("name"));
    String description = String.valueOf(p.getOrDefault("description", ""));
    String url = String.valueOf(p.getOrDefault("targetUrl", ""));
    if (context.get("genre") == null
        || context.get("name") == null
        || genre.isBlank()
        || name.isBlank()
        || genre.length() > 128
        || name.length() > 128
        || description.length() > 2048
        || url.length() > 2048
        || !Set.of("pending", "succeeded", "failed", "error", "notApplicable").contains(state)) {
      rejections.add("context, state or length");
      return azureError(400, "ArgumentException", "gitCommitStatusToCreate is not valid");
    }
    statuses.add(new Status(sha, genre + "/" + name, state, description, url));
    return azureJson(201, "{\"id\":" + statuses.size() + ",\"state\":\"" + state + "\"}");
  }

  private static Receiver.Answer azureJson(int status, String body) {
    return new Receiver.Answer(
        status, body, Map.of("Content-Type", "application/json; charset=utf-8"));
  }

  private static Receiver.Answer azureError(int status, String typeKey, String message) {
    return azureJson(
        status,
        "{\"$id\":\"1\",\"innerException\":null,\"message\":\""
            + message
            + "\",\"typeName\":\""
            + typeKey
            + "\",\"typeKey\":\""
            + typeKey
            + "\",\"errorCode\":0,\"eventId\":3000}");
  }

  /** Accepts other tokens too (a GitHub App's installation tokens). */
  volatile java.util.function.Predicate<String> alsoValid = t -> false;

  private boolean authorized(Receiver.Request r) {
    String bearer = String.valueOf(r.header("Authorization"));
    if (kind == Kind.GITHUB
        && bearer.startsWith("Bearer ")
        && alsoValid.test(bearer.substring("Bearer ".length()))) {
      return true;
    }
    switch (kind) {
      case GITLAB:
        return token.equals(r.header("PRIVATE-TOKEN"));
      case GITEA:
        return ("token " + token).equals(r.header("Authorization"));
      default:
        return ("Bearer " + token).equals(r.header("Authorization"));
    }
  }

  private static String bad(String message) {
    return "{\"message\":\"" + message + "\",\"documentation_url\":\"https://docs.example\"}";
  }
}
