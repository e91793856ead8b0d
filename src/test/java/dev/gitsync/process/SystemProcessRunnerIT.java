package dev.gitsync.process;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemProcessRunnerIT {
  @TempDir Path tmp;

  private Command sh(String script, Duration timeout) {
    return new Command(List.of("sh", "-c", script), tmp, Map.of("X", "y"), timeout);
  }

  @Test
  void run_largeOutputOnBothStreams_isDrained_andKeptBounded() throws Exception {
    try (SystemProcessRunner r = new SystemProcessRunner(null)) {
      Result res =
          r.run(
              sh(
                  "echo start; head -c 100000000 /dev/zero | tr '\\0' a; head -c 1000000 /dev/zero | tr '\\0' b >&2; echo $X",
                  Duration.ofSeconds(60)));
      assertThat(res.ok()).isTrue();
      assertThat(res.stdout())
          .startsWith("start\naaa")
          .endsWith("aaay\n")
          .contains(
              "[… "
                  + (100_000_008 - BoundedOutput.HEAD - BoundedOutput.TAIL)
                  + " bytes omitted …]");
      assertThat(res.stdout().length()).isLessThan(BoundedOutput.HEAD + BoundedOutput.TAIL + 100);
      assertThat(res.stderr()).startsWith("bbb").hasSizeLessThan(200_000);
    }
  }

  @Test
  void run_outputThatFits_isKeptWhole_evenAcrossTheHeadBoundary() throws Exception {
    try (SystemProcessRunner r = new SystemProcessRunner(null)) {
      int n = BoundedOutput.HEAD + 1000;
      Result res = r.run(sh("head -c " + n + " /dev/zero | tr '\\0' c", Duration.ofSeconds(30)));
      assertThat(res.stdout()).hasSize(n).doesNotContain("omitted");
    }
  }

  @Test
  void variablesTheLauncherSetForTheJvmOnly_areNotPassedOn() throws Exception {
    Map<String, String> env = Map.of(SystemProcessRunner.JVM_ONLY_ENV, "HOME, NOT_SET");
    try (SystemProcessRunner r = new SystemProcessRunner(null, env)) {
      Result res =
          r.run(
              sh(
                  "echo \"${HOME-unset} ${GITSYNC_JVM_ONLY_ENV-unset} ${PATH:+path} $X\"",
                  Duration.ofSeconds(10)));
      assertThat(res.stdout()).isEqualTo("unset unset path y\n");
    }
    try (SystemProcessRunner r = new SystemProcessRunner(null, Map.of())) {
      Result res = r.run(sh("echo \"${HOME:+home}\"", Duration.ofSeconds(10)));
      assertThat(res.stdout()).as("nothing is dropped by default").isEqualTo("home\n");
    }
  }

  @Test
  void run_exitCode_isReported() throws Exception {
    try (SystemProcessRunner r = new SystemProcessRunner(null)) {
      Result res = r.run(sh("echo no >&2; exit 3", Duration.ofSeconds(10)));
      assertThat(res.exitCode()).isEqualTo(3);
      assertThat(res.ok()).isFalse();
      assertThat(res.stderr()).isEqualTo("no\n");
    }
  }

  @Test
  void run_timeout_killsProcessAndChildren() throws Exception {
    Path pid = tmp.resolve("pid");
    try (SystemProcessRunner r = new SystemProcessRunner(null)) {
      Result res = r.run(sh("sleep 300 & echo $! > " + pid + "; wait", Duration.ofMillis(500)));
      assertThat(res.timedOut()).isTrue();
      long child = Long.parseLong(Files.readString(pid).trim());
      await()
          .atMost(60, SECONDS)
          .until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    }
  }

  @Test
  void run_interrupted_terminatesTreeAndRethrows() throws Exception {
    Path pid = tmp.resolve("pid");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try (SystemProcessRunner r = new SystemProcessRunner(null)) {
      Thread t =
          new Thread(
              () -> {
                try {
                  r.run(sh("sleep 300 & echo $! > " + pid + "; wait", Duration.ofMinutes(5)));
                } catch (Exception e) {
                  thrown.set(e);
                }
              },
              "runner-test");
      t.start();
      await().atMost(60, SECONDS).until(() -> Files.exists(pid) && Files.size(pid) > 0);
      t.interrupt();
      t.join(15_000);
      assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
      long child = Long.parseLong(Files.readString(pid).trim());
      await()
          .atMost(60, SECONDS)
          .until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    }
  }

  @Test
  void run_withUmask_appliesItToChildren() throws Exception {
    try (SystemProcessRunner r = new SystemProcessRunner("0002")) {
      assertThat(r.run(sh("umask", Duration.ofSeconds(10))).stdout().trim()).isEqualTo("0002");
    }
  }
}
