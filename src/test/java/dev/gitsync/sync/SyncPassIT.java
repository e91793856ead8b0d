package dev.gitsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.cli.ArgParser;
import dev.gitsync.cli.bind.ConfigFactory;
import dev.gitsync.config.Config;
import dev.gitsync.fs.AbsPath;
import dev.gitsync.git.Git;
import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import dev.gitsync.process.Command;
import dev.gitsync.process.ProcessRunner;
import dev.gitsync.process.Result;
import dev.gitsync.process.SystemProcessRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One pass against the real git binary, counting the processes each pass spawns. */
class SyncPassIT {
  @TempDir Path tmp;

  /** Delegates to the real runner and records every command. */
  static final class Recording implements ProcessRunner {
    final SystemProcessRunner real = new SystemProcessRunner(null);
    final List<List<String>> commands = new ArrayList<>();

    @Override
    public Result run(Command c) throws IOException, InterruptedException {
      commands.add(c.argv());
      return real.run(c);
    }
  }

  private static String git(Path dir, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void pollWithNothingNew_runsOnlyGitFetch() throws Exception {
    Path remote = tmp.resolve("remote");
    Files.createDirectories(remote);
    git(remote, "init", "-q", "-b", "main");
    Files.writeString(remote.resolve("f"), "1");
    git(remote, "add", "f");
    git(remote, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one");
    Path root = tmp.resolve("root");
    Config c =
        ConfigFactory.build(
                ArgParser.parse(List.of("--repo=file://" + remote, "--root=" + root), Map.of()),
                tmp)
            .config()
            .orElseThrow();
    Recording runner = new Recording();
    Log log =
        new Log(
            "",
            0,
            new PrintStream(OutputStream.nullOutputStream()),
            Clock.systemUTC(),
            new Redactor(),
            Optional.empty());
    Files.createDirectories(root);
    Git g = new Git(runner, "git", Map.of("GIT_CONFIG_NOSYSTEM", "true"), Clock.systemUTC(), log);
    SyncPass pass =
        new SyncPass(
            c.sync(),
            g,
            log,
            Clock.systemUTC(),
            AbsPath.of(root),
            AbsPath.of(root.resolve("l")),
            PublishGate.OPEN,
            List.of(),
            Preflight.NONE);

    assertThat(pass.run().changed()).isTrue();
    runner.commands.clear();
    SyncPass.Outcome second = pass.run();
    assertThat(second.changed()).isFalse();
    assertThat(runner.commands).hasSize(1);
    assertThat(runner.commands.get(0)).contains("fetch");
    runner.real.close();
  }
}
