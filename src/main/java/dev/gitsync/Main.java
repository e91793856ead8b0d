package dev.gitsync;

import dev.gitsync.cli.ArgParser;
import dev.gitsync.cli.Manual;
import dev.gitsync.cli.Options;
import dev.gitsync.cli.ParsedOptions;
import dev.gitsync.cli.bind.ConfigFactory;
import dev.gitsync.config.Config;
import dev.gitsync.fs.AbsPath;
import dev.gitsync.http.JdkHttpTransport;
import dev.gitsync.log.ErrorFile;
import dev.gitsync.log.Log;
import dev.gitsync.log.Redactor;
import dev.gitsync.notify.Notifier;
import dev.gitsync.notify.NotifyTest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The composition root: parse the command line, then either answer at once ({@code --help}, {@code
 * --man}, {@code --version}, configuration errors, {@code --notify-test}) or run the {@link
 * Sidecar}, and pick the exit code. It is the only class that calls {@link System#exit}.
 */
public final class Main {
  private Main() {}

  /** Runs git-sync and exits with its exit code. */
  public static void main(String[] args) {
    int code = run(List.of(args), System.getenv(), System.out, System.err);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** The program version, from the jar manifest. */
  public static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Runs git-sync in this process (tests call it directly) and returns the exit code: 0 done, 1 a
   * configuration or runtime failure, 2 a usage error, 128+N stopped by signal N.
   */
  public static int run(
      List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    ParsedOptions p = ArgParser.parse(args, env);
    p.warnings().forEach(err::println);
    if (!p.envErrors().isEmpty()) {
      p.envErrors().forEach(err::println);
      return 1;
    }
    if (!p.usageErrors().isEmpty()) {
      p.usageErrors().forEach(e -> err.println("ERROR: " + e));
      err.println("Run 'git-sync --help' for usage.");
      return 2;
    }
    if (p.get(Options.HELP)) {
      out.print(Manual.help());
      return 0;
    }
    if (p.get(Options.MAN)) {
      out.print(Manual.man());
      return 0;
    }
    if (p.get(Options.VERSION)) {
      out.println(version());
      return 0;
    }
    Path cwd = Path.of("").toAbsolutePath();
    ConfigFactory.Result r = ConfigFactory.build(p, cwd, env);
    if (r.config().isEmpty()) {
      r.errors().forEach(e -> err.println("ERROR: " + Redactor.redactUrls(e)));
      err.println("Run 'git-sync --help' for usage.");
      writeConfigErrorFile(p, cwd, r.errors(), err);
      return 1;
    }
    Config config = r.config().get();
    if (config.notifications().test()) {
      return notifyTest(config, env, out, err);
    }
    return new Sidecar(config, env, err).run();
  }

  /** What the notifier needs from the configuration and the environment. */
  static Notifier.Settings notifySettings(Config config, Path outbox, Map<String, String> env) {
    String pod = env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", ""));
    if (pod.isEmpty()) {
      try {
        pod = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        pod = "unknown";
      }
    }
    List<String> urls = new ArrayList<>();
    config.notifications().urls().forEach(u -> urls.add(u.reveal()));
    return new Notifier.Settings(
        urls,
        config.notifications().file().map(f -> AbsPath.of(f, Path.of("").toAbsolutePath()).path()),
        outbox,
        config.notifications().failureThreshold(),
        config.notifications().repeatInterval(),
        config.notifications().maxAge(),
        pod,
        env.getOrDefault("POD_NAMESPACE", ""),
        config.groupWrite(),
        config.notifications().initialSync());
  }

  /**
   * {@code --notify-test}: one message to every sink, one line per result, exit 0 if all worked.
   */
  private static int notifyTest(
      Config config, Map<String, String> env, PrintStream out, PrintStream err) {
    Log log =
        new Log(
            "notify",
            config.verbosity(),
            err,
            Clock.systemDefaultZone(),
            new Redactor(),
            Optional.empty());
    Path outbox = config.under(config.root()).outbox();
    try (JdkHttpTransport transport = new JdkHttpTransport(false)) {
      return NotifyTest.run(
          notifySettings(config, outbox, env),
          transport,
          log,
          Clock.systemDefaultZone(),
          out,
          config.repo(),
          config.ref());
    } catch (InterruptedException e) {
      return 130;
    }
  }

  /** Config errors also go to the error file, as plain text, when its path is known. */
  private static void writeConfigErrorFile(
      ParsedOptions p, Path cwd, List<String> errors, PrintStream err) {
    String file = p.get(Options.ERROR_FILE);
    String root = p.get(Options.ROOT);
    if (file.isEmpty() || root.isEmpty() && !Path.of(file).isAbsolute()) {
      return;
    }
    try {
      Path base = root.isEmpty() ? cwd : AbsPath.of(root, cwd).path();
      new ErrorFile(AbsPath.of(file, base).path())
          .write(Redactor.redactUrls(String.join("\n", errors)) + "\n");
    } catch (IOException | RuntimeException e) {
      err.println("ERROR: can't write error file: " + e.getMessage());
    }
  }
}
