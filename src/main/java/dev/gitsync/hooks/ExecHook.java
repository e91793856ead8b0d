package dev.gitsync.hooks;

import dev.gitsync.config.HookSettings;
import dev.gitsync.log.Log;
import dev.gitsync.process.Command;
import dev.gitsync.process.ProcessRunner;
import dev.gitsync.process.Result;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An exec hook: runs the command directly (no shell, no arguments, as upstream does) in the new
 * worktree, with the process environment plus {@code GITSYNC_HASH}, killed at its timeout. Its
 * output is logged at level 1 on success and carried in the error on failure.
 */
public final class ExecHook implements Hook {
  private final String name;
  private final HookSettings settings;
  private final ProcessRunner runner;
  private final Map<String, String> env;
  private final Log log;

  /** A hook called {@code name} ({@code exechook} or {@code pre-publish-exechook}). */
  public ExecHook(
      String name, HookSettings settings, ProcessRunner runner, Map<String, String> env, Log log) {
    this.name = name;
    this.settings = settings;
    this.runner = runner;
    this.env = Map.copyOf(env);
    this.log = log;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void run(HookContext c) throws HookException, InterruptedException {
    Map<String, String> e = new HashMap<>(env);
    e.put("GITSYNC_HASH", c.hash());
    log.info(0, "running " + name, "command", settings.command(), "hash", c.hash());
    Result r;
    try {
      r = runner.run(new Command(List.of(settings.command()), c.worktree(), e, settings.timeout()));
    } catch (IOException ex) {
      throw new HookException(
          "can't run --"
              + name
              + "-command "
              + settings.command()
              + ": "
              + ex.getMessage()
              + " (the command is executed directly, without a shell or arguments)",
          true);
    }
    if (r.timedOut()) {
      throw new HookException(
          "Run("
              + settings.command()
              + "): killed after --"
              + name
              + "-timeout="
              + dev.gitsync.config.GoDuration.format(settings.timeout())
              + output(r));
    }
    if (!r.ok()) {
      throw new HookException(
          "Run(" + settings.command() + "): exit status " + r.exitCode() + output(r));
    }
    log.info(1, name + " succeeded", "hash", c.hash(), "stdout", r.stdout(), "stderr", r.stderr());
  }

  private static String output(Result r) {
    return ": { stdout: \"" + r.stdout().strip() + "\", stderr: \"" + r.stderr().strip() + "\" }";
  }
}
