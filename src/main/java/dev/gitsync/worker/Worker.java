package dev.gitsync.worker;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * An owned, named background thread that runs one step after another until it is closed: the shape
 * every background loop here has (a hook runner, a notification sink). A step that throws a {@link
 * RuntimeException} is reported to {@code onError} and the loop goes on, so no loop dies silently;
 * an {@link InterruptedException} (or {@link #close()}) ends it. Steps wait on their own monitors;
 * {@link #close()} interrupts them and joins the thread.
 */
public final class Worker implements AutoCloseable {
  /** One turn of the loop. */
  @FunctionalInterface
  public interface Step {
    /** Does one unit of work, waiting for it if needed. */
    void run() throws InterruptedException;
  }

  private static final Duration JOIN = Duration.ofSeconds(10);

  private final Thread thread;
  private volatile boolean closed;

  /**
   * A worker (not yet started).
   *
   * @param name the thread's name
   * @param step the loop body
   * @param onError told about a step that failed unexpectedly
   * @param onStop runs on the thread when the loop ends
   */
  public Worker(String name, Step step, Consumer<RuntimeException> onError, Runnable onStop) {
    this.thread =
        new Thread(
            () -> {
              try {
                while (!closed) {
                  try {
                    step.run();
                  } catch (RuntimeException e) {
                    onError.accept(e);
                  }
                }
              } catch (InterruptedException e) {
                // Closed: the loop ends.
              } finally {
                onStop.run();
              }
            },
            name);
    this.thread.setDaemon(true);
  }

  /** Starts the thread. */
  public void start() {
    thread.start();
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Stops the loop: interrupts the running step and waits for the thread to end. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(JOIN.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
