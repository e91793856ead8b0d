package dev.gitsync.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs processes with {@link ProcessBuilder}. Both output streams are drained on owned, named
 * threads so a chatty child never blocks, and kept bounded ({@link BoundedOutput}) so a child that
 * prints without end costs a fixed amount of memory. At the timeout the process and all its
 * descendants (git's remote helpers, ssh) are killed. When the caller is interrupted (graceful
 * shutdown), the tree is sent SIGTERM first, so git can remove its lock files, and SIGKILL after a
 * grace period.
 *
 * <p>Java cannot set its own umask, so with {@code --group-write} each command runs behind {@code
 * sh -c 'umask 0002 && exec "$@"'}.
 *
 * <p>Variables the launcher set for the JVM alone (named in {@code $GITSYNC_JVM_ONLY_ENV}, such as
 * {@code MALLOC_ARENA_MAX=1}) are not passed on: git and hooks run as they would without git-sync.
 */
public final class SystemProcessRunner implements ProcessRunner, AutoCloseable {
  private static final long GRACE_MILLIS = 5_000;

  /** Names the launcher lists (comma-separated) as set for the JVM only. */
  public static final String JVM_ONLY_ENV = "GITSYNC_JVM_ONLY_ENV";

  private final String umask;
  private final List<String> jvmOnly;
  private final ExecutorService drainers;

  /** A runner; {@code umask} is applied to every child when non-null (e.g. {@code "0002"}). */
  public SystemProcessRunner(String umask) {
    this(umask, System.getenv());
  }

  /**
   * A runner whose children do not inherit the variables {@code env}'s {@link #JVM_ONLY_ENV} names.
   */
  public SystemProcessRunner(String umask, java.util.Map<String, String> env) {
    this.umask = umask;
    List<String> only = new ArrayList<>();
    for (String n : env.getOrDefault(JVM_ONLY_ENV, "").split(",")) {
      if (!n.isBlank()) {
        only.add(n.strip());
      }
    }
    if (!only.isEmpty()) {
      only.add(JVM_ONLY_ENV);
    }
    this.jvmOnly = List.copyOf(only);
    AtomicInteger n = new AtomicInteger();
    this.drainers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "process-output-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public Result run(Command command) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    if (umask != null) {
      argv.addAll(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
    }
    argv.addAll(command.argv());
    ProcessBuilder pb = new ProcessBuilder(argv).directory(command.cwd().toFile());
    jvmOnly.forEach(pb.environment()::remove);
    pb.environment().putAll(command.env());
    boolean feed = !command.stdin().isEmpty();
    if (!feed) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    Process p = pb.start();
    if (feed) {
      // Small enough for the pipe buffer: credentials are a few lines.
      try (java.io.OutputStream in = p.getOutputStream()) {
        in.write(command.stdin().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // The child exited without reading; its exit status tells what went wrong.
      }
    }
    Future<String> out = drainers.submit(() -> read(p.getInputStream()));
    Future<String> err = drainers.submit(() -> read(p.getErrorStream()));
    boolean finished;
    try {
      finished = p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      terminate(p);
      throw e;
    }
    if (!finished) {
      kill(p);
    }
    String stdout = collect(out);
    String stderr = collect(err);
    return new Result(finished ? p.exitValue() : -1, stdout, stderr, !finished);
  }

  /** SIGTERM to the tree, then SIGKILL to whatever is left after the grace period. */
  private static void terminate(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
    while (true) {
      try {
        if (p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          break;
        }
        kill(p);
        break;
      } catch (InterruptedException again) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String read(InputStream in) throws IOException {
    return BoundedOutput.drain(in).text();
  }

  private static String collect(Future<String> f) throws IOException, InterruptedException {
    try {
      return f.get(GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("reading process output: " + e.getCause().getMessage(), e);
    } catch (java.util.concurrent.TimeoutException e) {
      // A grandchild that escaped the kill still holds the pipe open; give up on its output.
      f.cancel(true);
      return "";
    }
  }

  @Override
  public void close() {
    drainers.shutdownNow();
  }
}
