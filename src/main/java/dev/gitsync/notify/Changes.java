package dev.gitsync.notify;

import java.util.List;

/**
 * What changed between two commits, for a success message.
 *
 * @param commits the commits, newest first (bounded)
 * @param more how many more there were
 * @param diffSummary git's {@code --shortstat} line, or empty
 */
public record Changes(List<Commit> commits, int more, String diffSummary) {
  /** Nothing known. */
  public static final Changes NONE = new Changes(List.of(), 0, "");
}
