package dev.gitsync.testing;

import dev.gitsync.process.Command;
import dev.gitsync.process.ProcessRunner;
import dev.gitsync.process.Result;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A scripted {@link ProcessRunner}: records every command and answers each from the first rule
 * whose argv prefix (after the program) matches, else with exit 0 and no output.
 */
public final class FakeProcessRunner implements ProcessRunner {
  private final List<Command> commands = new CopyOnWriteArrayList<>();
  private final List<Map.Entry<List<String>, Function<Command, Result>>> rules =
      new CopyOnWriteArrayList<>();

  /** Answers commands whose arguments start with {@code prefix} with {@code result}. */
  public FakeProcessRunner on(List<String> prefix, Result result) {
    rules.add(Map.entry(List.copyOf(prefix), c -> result));
    return this;
  }

  /** Answers commands whose arguments start with {@code prefix} by calling {@code answer}. */
  public FakeProcessRunner on(List<String> prefix, Function<Command, Result> answer) {
    rules.add(Map.entry(List.copyOf(prefix), answer));
    return this;
  }

  /** A successful result with {@code stdout}. */
  public static Result ok(String stdout) {
    return new Result(0, stdout, "", false);
  }

  /** A failed result. */
  public static Result fail(int code, String stderr) {
    return new Result(code, "", stderr, false);
  }

  @Override
  public Result run(Command command) throws IOException, InterruptedException {
    commands.add(command);
    List<String> args = command.argv().subList(1, command.argv().size());
    for (Map.Entry<List<String>, Function<Command, Result>> r : rules) {
      if (args.size() >= r.getKey().size()
          && args.subList(0, r.getKey().size()).equals(r.getKey())) {
        return r.getValue().apply(command);
      }
    }
    return ok("");
  }

  /** Every command run so far. */
  public List<Command> commands() {
    return new ArrayList<>(commands);
  }

  /** The argument vectors (program included) of every command run so far. */
  public List<List<String>> argvs() {
    List<List<String>> out = new ArrayList<>();
    commands.forEach(c -> out.add(c.argv()));
    return out;
  }
}
