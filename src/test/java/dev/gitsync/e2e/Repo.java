package dev.gitsync.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real git repository made by the test with the real git binary, used as the remote. */
final class Repo {
  final Path dir;
  private int n;

  Repo(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    Files.createDirectories(dir);
    git("init", "-q", "-b", "main");
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "Test");
    git("config", "uploadpack.allowAnySHA1InWant", "true");
  }

  /** file:// URL of the repo. */
  String url() {
    return "file://" + dir;
  }

  /** Commits a change to {@code file} and returns the new hash. */
  String commit(String file, String content) throws IOException, InterruptedException {
    Path f = dir.resolve(file);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content, StandardCharsets.UTF_8);
    git("add", "-A");
    git("commit", "-q", "-m", "change " + (++n));
    return head();
  }

  String head() throws IOException, InterruptedException {
    return git("rev-parse", "HEAD");
  }

  String git(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add("git");
    argv.addAll(List.of(args));
    return run(dir, argv);
  }

  static String run(Path cwd, List<String> argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(argv + " failed: " + out);
    }
    return out.trim();
  }
}
