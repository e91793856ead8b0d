package dev.gitsync.notify.event;

import java.util.List;

/**
 * What changed between two commits, for a success message.
 *
 * @param commits the commits, newest first (bounded)
 * @param more how many more there were
 * @param diffSummary git's {@code --shortstat} line, or empty
 * @param partial true when older commits are missing because the clone is shallow
 */
public record Changes(List<Commit> commits, int more, String diffSummary, boolean partial) {
  /** Nothing known. */
  public static final Changes NONE = new Changes(List.of(), 0, "", false);
}
