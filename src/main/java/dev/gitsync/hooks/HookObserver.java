package dev.gitsync.hooks;

/** Told about each hook run (the metrics seam). */
@FunctionalInterface
public interface HookObserver {
  /**
   * A run of hook {@code name} for {@code hash} ended.
   *
   * @param error the failure, or empty on success
   */
  void ran(String name, boolean success, String hash, String error);
}
