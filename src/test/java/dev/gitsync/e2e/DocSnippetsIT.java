package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gitsync.testing.Forges;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The env blocks docs/migrating.md shows (between {@code <!-- snippet: NAME -->} markers), run
 * against ./git-sync as written: only the repository URL, the root and the files and port the block
 * names are pointed at the test's own, so that the docs cannot drift from what works.
 */
class DocSnippetsIT {
  static final Path DOC = Path.of("docs/migrating.md");
  static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir Path tmp;
  Repo repo;
  Receiver rx;
  GitSync g;

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("dags"));
    repo.commit("dag_one.py", "print('one')");
    rx = new Receiver();
  }

  @AfterEach
  void tearDown() {
    if (g != null) {
      g.kill();
    }
    rx.close();
  }

  /** The name/value pairs of a snippet's env list, in order. */
  static Map<String, String> env(String snippet) throws Exception {
    String doc = Files.readString(DOC);
    int start = doc.indexOf("<!-- snippet: " + snippet + " -->");
    int end = doc.indexOf("<!-- /snippet -->", start);
    assertThat(start).as("snippet " + snippet + " in " + DOC).isNotNegative();
    Matcher m =
        Pattern.compile("- name: (\\S+)\\n\\s+value: \"?([^\"\\n]*)\"?")
            .matcher(doc.substring(start, end));
    Map<String, String> env = new LinkedHashMap<>();
    while (m.find()) {
      env.put(m.group(1), m.group(2));
    }
    assertThat(env).as(snippet).isNotEmpty();
    return env;
  }

  /** The text of a snippet's fenced block. */
  static String block(String snippet) throws Exception {
    String doc = Files.readString(DOC);
    int start = doc.indexOf("<!-- snippet: " + snippet + " -->");
    assertThat(start).as("snippet " + snippet + " in " + DOC).isNotNegative();
    int open = doc.indexOf('\n', doc.indexOf("```", start)) + 1;
    return doc.substring(open, doc.indexOf("```", open));
  }

  /** The chart's block, with the repository and root pointed at the test's. */
  private Map<String, String> chartEnv() throws Exception {
    Map<String, String> env = env("airflow-env");
    for (String k : env.keySet()) {
      if (k.endsWith("_REPO")) {
        env.put(k, repo.url());
      } else if (k.endsWith("_ROOT")) {
        env.put(k, tmp.resolve("git").toString());
      }
    }
    return env;
  }

  @Test
  void theAirflowChartsEnvBlock_syncsTheDags_likeItsInitContainer() throws Exception {
    Map<String, String> env = chartEnv();
    GitSync.Result r = GitSync.run(tmp, env, "--one-time");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(tmp.resolve("git/repo/dag_one.py")).hasContent("print('one')");
  }

  @Test
  void theSparseCheckoutFile_checksOutOnlyTheDirectoriesItLists() throws Exception {
    repo.commit("dags/etl.py", "print('etl')");
    repo.commit("plugins/hooks.py", "print('hooks')");
    repo.commit("services/api/main.go", "package main");
    Path dirs = Files.writeString(tmp.resolve("dirs"), block("sparse-file"));
    Map<String, String> env = env("sparse-env");
    assertThat(env).containsKey("GITSYNC_SPARSE_CHECKOUT_FILE");
    env.put("GITSYNC_SPARSE_CHECKOUT_FILE", dirs.toString());
    env.put("GITSYNC_REPO", repo.url());
    env.put("GITSYNC_ROOT", tmp.resolve("git").toString());
    env.put("GITSYNC_LINK", "repo");
    GitSync.Result r = GitSync.run(tmp, env, "--one-time");
    assertThat(r.code()).as(r.err()).isZero();
    Path link = tmp.resolve("git/repo");
    assertThat(link.resolve("dags/etl.py")).hasContent("print('etl')");
    assertThat(link.resolve("plugins/hooks.py")).exists();
    assertThat(link.resolve("dag_one.py")).as("top-level files stay").exists();
    assertThat(link.resolve("services")).doesNotExist();
  }

  @Test
  void theChartsBlockWithTheDocsExtraEnv_servesTriggers_andNotifies_andTheNotifyTestWorks()
      throws Exception {
    Map<String, String> env = chartEnv();
    Path notifyFile = tmp.resolve("urls");
    Files.writeString(notifyFile, "# the team's sink\ngeneric+" + rx.url("/events") + "\n");
    Path secret = Files.writeString(tmp.resolve("secret"), SECRET + "\n");
    Map<String, String> extra = env("airflow-extra-env");
    assertThat(extra)
        .containsKeys(
            "GITSYNC_NOTIFY_FILE",
            "GITSYNC_TRIGGER_BIND",
            "GITSYNC_TRIGGER_SECRET_FILE",
            "GITSYNC_NOTIFY_INITIAL_SYNC");
    extra.put("GITSYNC_NOTIFY_FILE", notifyFile.toString());
    extra.put("GITSYNC_TRIGGER_SECRET_FILE", secret.toString());
    extra.put("GITSYNC_TRIGGER_BIND", "127.0.0.1:0");
    env.putAll(extra);
    env.put("GITSYNC_PERIOD", "1h"); // Only the trigger may start the second pass.
    env.put("GIT_SYNC_WAIT", "3600");
    g = GitSync.start(tmp, env);
    await().atMost(60, SECONDS).until(() -> Files.exists(tmp.resolve("git/repo/dag_one.py")));
    String hash = repo.commit("dag_two.py", "print('two')");
    Forges.Delivery push =
        Forges.github(SECRET, "push", "refs/heads/main", repo.url(), false, "doc-1");
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.triggerPort() + "/trigger"))
            .POST(HttpRequest.BodyPublishers.ofString(push.body()));
    push.headers().forEach(b::header);
    HttpResponse<String> answer =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    await().atMost(60, SECONDS).until(() -> Files.exists(tmp.resolve("git/repo/dag_two.py")));
    await()
        .atMost(30, SECONDS)
        .until(() -> rx.requests.stream().anyMatch(q -> q.body().contains(hash)));
    assertThat(rx.requests)
        .as("GITSYNC_NOTIFY_INITIAL_SYNC=false: the first sync was quiet")
        .hasSize(1);
    // The doc's check from inside the pod: the git-sync part of the kubectl exec line.
    GitSync.Result test =
        GitSync.run(tmp, Map.of(), "--notify-file=" + notifyFile, "--notify-test");
    assertThat(test.code()).as(test.out() + test.err()).isZero();
    assertThat(test.out()).contains("all notification sinks work");
  }
}
