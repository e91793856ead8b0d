package dev.gitsync.hooks;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a hook is told about a sync.
 *
 * @param hash the synced commit
 * @param previousHash the commit published before, or empty
 * @param ref the ref being synced
 * @param repo the repo URL with credentials removed
 * @param link the published link
 * @param worktree the new worktree (the exec hook's working directory)
 * @param time when the sync completed
 */
public record HookContext(
    String hash,
    String previousHash,
    String ref,
    String repo,
    String link,
    Path worktree,
    Instant time) {

  /** The variables a {@code --webhook-payload} template may use. */
  public Map<String, String> variables() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("hash", hash);
    m.put("short_hash", hash.length() > 7 ? hash.substring(0, 7) : hash);
    m.put("previous_hash", previousHash);
    m.put("ref", ref);
    m.put("repo", repo);
    m.put("link", link);
    m.put("timestamp", time.toString());
    return m;
  }
}
