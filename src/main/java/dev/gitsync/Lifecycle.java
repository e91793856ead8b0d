package dev.gitsync;

import dev.gitsync.log.Log;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Owns what the process starts: each part is registered as it starts, and {@link #close()} stops
 * them in reverse order. A part that fails to stop is logged and the others still stop; the
 * failures are kept for the caller.
 */
final class Lifecycle implements AutoCloseable {
  /** Something to stop. */
  @FunctionalInterface
  interface Stop {
    void stop() throws Exception;
  }

  private record Part(String name, Stop stop) {}

  private final Deque<Part> parts = new ArrayDeque<>();
  private final List<String> failures = new ArrayList<>();
  private final Log log;

  Lifecycle(Log log) {
    this.log = log;
  }

  /** Registers {@code thing}, already started, to be closed at the end; returns it. */
  <T extends AutoCloseable> T own(String name, T thing) {
    parts.push(new Part(name, thing::close));
    return thing;
  }

  /** Registers an action to run at the end, in reverse order with the parts. */
  void atStop(String name, Stop stop) {
    parts.push(new Part(name, stop));
  }

  /** What failed to stop, as "name: error". */
  List<String> failures() {
    return List.copyOf(failures);
  }

  /** Stops everything, last started first. */
  @Override
  public void close() {
    boolean interrupted = Thread.interrupted();
    while (!parts.isEmpty()) {
      Part p = parts.pop();
      try {
        p.stop().stop();
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (Exception e) {
        failures.add(p.name() + ": " + e.getMessage());
        log.error(String.valueOf(e.getMessage()), "error while stopping", "part", p.name());
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
