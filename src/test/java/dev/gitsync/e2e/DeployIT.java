package dev.gitsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests in deploy/: each example renders with {@code kubectl kustomize} and the
 * result is valid against the Kubernetes API schema and the house rules (deploy/validate). Needs
 * kubectl and node, which .ci/run installs.
 */
class DeployIT {
  private static final Path DEPLOY = Path.of("deploy").toAbsolutePath();
  private static final Path VALIDATE = DEPLOY.resolve("validate");

  @BeforeAll
  static void tools() throws Exception {
    assumeThat(onPath("kubectl")).as("kubectl on PATH").isTrue();
    assumeThat(onPath("node")).as("node on PATH").isTrue();
    if (!Files.isDirectory(VALIDATE.resolve("node_modules"))) {
      Repo.run(VALIDATE, List.of("npm", "ci", "--no-audit", "--no-fund"));
    }
  }

  private static boolean onPath(String tool) {
    try {
      Repo.run(Path.of("/"), List.of("sh", "-c", "command -v " + tool));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sidecar",
        "slack",
        "init-container",
        "push-trigger",
        "replicas",
        "slack-push-trigger",
        "kube-events"
      })
  void example_rendersAndIsValid(String example) throws Exception {
    Path dir = DEPLOY.resolve("examples").resolve(example);
    String rendered =
        Repo.run(
            Path.of("/"),
            List.of("sh", "-c", "kubectl kustomize \"$0\" 2>/dev/null", dir.toString()));
    assertThat(rendered).contains("kind: ", "image: localhost/git-sync-java:dev");
    Path out = Files.createTempFile("rendered-" + example, ".yaml");
    try {
      Files.writeString(out, rendered);
      String result =
          Repo.run(VALIDATE, List.of("sh", "-c", "node validate.mjs < \"$0\"", out.toString()));
      assertThat(result).containsPattern("[1-9][0-9]* objects valid, 0 problems");
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "readOnlyRootFilesystem: true|readOnlyRootFilesytem: true",
        "allowPrivilegeEscalation: false|allowPrivilegeEscalation: true",
        "replicas: 1|replicas: one"
      })
  void validator_catchesMistakes(String edit) throws Exception {
    String[] fromTo = edit.split("\\|");
    String rendered =
        Repo.run(
            Path.of("/"),
            List.of(
                "sh",
                "-c",
                "kubectl kustomize \"$0\" 2>/dev/null",
                DEPLOY.resolve("examples/sidecar").toString()));
    assertThat(rendered).contains(fromTo[0]);
    Path out = Files.createTempFile("broken", ".yaml");
    try {
      Files.writeString(out, rendered.replace(fromTo[0], fromTo[1]));
      Process p =
          new ProcessBuilder("node", "validate.mjs")
              .directory(VALIDATE.toFile())
              .redirectInput(out.toFile())
              .redirectErrorStream(true)
              .start();
      String text = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(text).isEqualTo(1);
      assertThat(text).containsPattern("[1-9][0-9]* problems");
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @Test
  void replicas_shipTheirLease_mayNotCreateLeases_andOnlyGitSyncGetsTheToken() throws Exception {
    String rendered =
        Repo.run(
            Path.of("/"),
            List.of(
                "sh",
                "-c",
                "kubectl kustomize \"$0\" 2>/dev/null",
                DEPLOY.resolve("examples/replicas").toString()));
    assertThat(rendered).contains("kind: Lease", "name: git-sync-web-notify");
    String role = rendered.substring(rendered.indexOf("kind: Role\n"));
    role = role.substring(0, role.indexOf("\n---"));
    assertThat(role).contains("- get", "- update", "resourceNames").doesNotContain("create");
    assertThat(rendered).contains("automountServiceAccountToken: false");
    assertThat(rendered.split("mountPath: /var/run/secrets/kubernetes.io/serviceaccount", -1))
        .as("mounted into one container")
        .hasSize(2);
    String web = rendered.substring(rendered.indexOf("image: nginxinc/"));
    web = web.substring(0, web.indexOf("volumes:"));
    assertThat(web).as("the web server's container").doesNotContain("serviceaccount");
  }

  /** What each component sets in the git-sync container. */
  private static final java.util.Map<String, List<String>> SETS =
      java.util.Map.of(
          "slack", List.of("GITSYNC_NOTIFY_FILE", "mountPath: /etc/git-sync-notify"),
          "kube-events", List.of("GITSYNC_KUBE_EVENTS", "name: git-sync-web-events", "- events"),
          "kube-api",
              List.of(
                  "kind: ServiceAccount",
                  "serviceAccountName: git-sync-web",
                  "automountServiceAccountToken: false",
                  "mountPath: /var/run/secrets/kubernetes.io/serviceaccount"),
          "push-trigger",
              List.of(
                  "GITSYNC_TRIGGER_BIND",
                  "GITSYNC_TRIGGER_SECRET_FILE",
                  "mountPath: /etc/git-sync-trigger",
                  "containerPort: 8082"),
          "replicas",
              List.of(
                  "GITSYNC_NOTIFY_LEADER_ELECTION",
                  "GITSYNC_NOTIFY_LEASE_NAME",
                  "mountPath: /var/run/secrets/kubernetes.io/serviceaccount"));

  /**
   * Layering components loses nothing: every pair (and all three) renders with every setting of
   * each and of the base, without a deprecation warning. The examples used to restate whole args
   * lists, so layering two silently dropped one's flags while its volume mount stayed.
   */
  @Test
  void everyPairOfComponents_rendersTogether_andLosesNoSetting(
      @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    List<List<String>> sets =
        List.of(
            List.of("slack", "push-trigger"),
            List.of("slack", "replicas"),
            List.of("push-trigger", "replicas"),
            List.of("slack", "push-trigger", "replicas"),
            List.of("replicas", "kube-events"),
            List.of("slack", "replicas", "kube-events"),
            List.of("kube-api", "kube-events"),
            List.of("slack", "kube-api", "kube-events"));
    for (List<String> set : sets) {
      Path dir = Files.createDirectories(tmp.resolve(String.join("+", set)));
      StringBuilder k =
          new StringBuilder(
              "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - "
                  + dir.relativize(DEPLOY.resolve("base"))
                  + "\ncomponents:\n");
      for (String c : set) {
        k.append("  - ")
            .append(dir.relativize(DEPLOY.resolve("components").resolve(c)))
            .append('\n');
      }
      Files.writeString(dir.resolve("kustomization.yaml"), k.toString());
      String rendered =
          Repo.run(
              Path.of("/"), List.of("sh", "-c", "kubectl kustomize \"$0\" 2>&1", dir.toString()));
      assertThat(rendered).as(set.toString()).doesNotContain("Warning", "deprecated");
      String gitSync = rendered; // the names and paths checked belong to git-sync alone
      for (String base :
          List.of("GITSYNC_REPO", "GITSYNC_LINK", "GITSYNC_HTTP_BIND", "GITSYNC_MAX_FAILURES")) {
        assertThat(gitSync).as(set + " keeps the base's " + base).contains(base);
      }
      for (String c : set) {
        for (String what : SETS.get(c)) {
          assertThat(gitSync).as(set + " keeps " + c + "'s " + what).contains(what);
        }
      }
      assertThat(gitSync).as("no args to clobber").doesNotContain("args:");
    }
  }
}
