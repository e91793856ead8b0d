package dev.gitsync.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged program through the README's launcher, {@code ./git-sync}, as a user would. */
final class GitSync {
  static final Path LAUNCHER =
      Path.of(System.getProperty("gitsync.launcher", "git-sync")).toAbsolutePath();

  final Process process;
  final Path stdout;
  final Path stderr;

  private GitSync(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts git-sync with {@code args} and extra {@code env} (GITSYNC_* from the test JVM are
   * cleared).
   */
  static GitSync start(Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(LAUNCHER.toString());
    argv.addAll(List.of(args));
    return startCommand(workDir, env, argv);
  }

  /** Starts an arbitrary command line (for tests that wrap the launcher, e.g. in a namespace). */
  static GitSync startCommand(Path workDir, Map<String, String> env, List<String> argv)
      throws IOException {
    Files.createDirectories(workDir);
    Path out = Files.createTempFile(workDir, "stdout", ".log");
    Path err = Files.createTempFile(workDir, "stderr", ".log");
    ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("GITSYNC_") || k.startsWith("GIT_"));
    pb.environment().putAll(env);
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    return new GitSync(pb.start(), out, err);
  }

  static GitSync start(Path workDir, String... args) throws IOException {
    return start(workDir, new HashMap<>(), args);
  }

  /** Runs to completion and returns the exit code. */
  static Result run(Path workDir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    GitSync g = start(workDir, env, args);
    int code = g.waitFor(60);
    return new Result(code, g.out(), g.err());
  }

  static Result run(Path workDir, String... args) throws IOException, InterruptedException {
    return run(workDir, new HashMap<>(), args);
  }

  int waitFor(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("git-sync did not exit within " + seconds + "s; stderr:\n" + err());
    }
    return process.exitValue();
  }

  /** The port of the admin endpoint, once the "serving HTTP" line is logged. */
  int httpPort() {
    return loggedPort("serving HTTP");
  }

  /** The port of the push-trigger listener, once the "serving push triggers" line is logged. */
  int triggerPort() {
    return loggedPort("serving push triggers");
  }

  private int loggedPort(String msg) {
    java.util.regex.Pattern endpoint =
        java.util.regex.Pattern.compile("\"msg\":\"" + msg + "\",\"endpoint\":\"[^\"]*:(\\d+)\"");
    org.awaitility.Awaitility.await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> endpoint.matcher(err()).find());
    java.util.regex.Matcher m = endpoint.matcher(err());
    m.find();
    return Integer.parseInt(m.group(1));
  }

  /** The JVM's process id (the launcher execs it). */
  long pid() {
    return process.pid();
  }

  String out() {
    return read(stdout);
  }

  String err() {
    return read(stderr);
  }

  void signal(String name) throws IOException, InterruptedException {
    // The launcher execs the JVM, so the process we started is the JVM itself.
    Repo.run(Path.of("/"), List.of("kill", "-" + name, Long.toString(process.pid())));
  }

  /** Kills git-sync and its git children and waits for them, so the test can delete its files. */
  void kill() {
    // Freeze it first: a JVM still running could start a git process after the list of its
    // children is taken, and that orphan would go on writing into the test's directory.
    if (process.isAlive()) {
      try {
        new ProcessBuilder("kill", "-STOP", Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start()
            .waitFor(10, TimeUnit.SECONDS);
      } catch (IOException e) {
        // Killing below still works; only the race is back.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      for (ProcessHandle h : tree) {
        h.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("git-sync's children did not exit", e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<unreadable: " + e + ">";
    }
  }

  /** A finished run. */
  record Result(int code, String out, String err) {}
}
