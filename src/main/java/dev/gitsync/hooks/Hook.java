package dev.gitsync.hooks;

/** One kind of hook: runs once for a sync and says whether it worked. */
public interface Hook {
  /** The name used in logs and metrics: {@code exechook}, {@code webhook}, … */
  String name();

  /**
   * Runs the hook once.
   *
   * @throws HookException when it failed
   * @throws InterruptedException on shutdown
   */
  void run(HookContext context) throws HookException, InterruptedException;
}
