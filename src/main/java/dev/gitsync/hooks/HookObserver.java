package dev.gitsync.hooks;

/** Told about each hook run (the metrics seam). */
@FunctionalInterface
public interface HookObserver {
  /** A run of hook {@code name} ended. */
  void ran(String name, boolean success);
}
