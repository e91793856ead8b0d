package dev.gitsync.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One process to run: its argument vector (never a shell line), working directory, extra
 * environment (added to the inherited one), and the time it may take before it is killed.
 *
 * @param argv the program and its arguments
 * @param cwd the working directory
 * @param env variables added to the inherited environment
 * @param timeout the deadline after which the process and its children are killed
 * @param stdin text written to the process's standard input (may be secret: never logged); empty
 *     for {@code /dev/null}
 */
public record Command(
    List<String> argv, Path cwd, Map<String, String> env, Duration timeout, String stdin) {
  /** Copies the collections so the command is immutable. */
  public Command {
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
  }

  /** A command whose standard input is {@code /dev/null}. */
  public Command(List<String> argv, Path cwd, Map<String, String> env, Duration timeout) {
    this(argv, cwd, env, timeout, "");
  }

  /** Hides the standard input, which carries credentials. */
  @Override
  public String toString() {
    return "Command[" + display() + "]";
  }

  /** The command line as one string, for logs and error messages. */
  public String display() {
    return String.join(" ", argv);
  }
}
