package dev.gitsync.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code --error-file}: holds the last error, written atomically (temp file and rename, mode
 * 0644) so a reader never sees half of it; removed after a successful sync. Runtime errors are JSON
 * {@code {"Msg":…,"Err":…,"Args":{…}}} as upstream writes them; config errors are plain text.
 * Unlike upstream, missing parent directories are all created.
 */
public final class ErrorFile {
  private final Path path;

  /** An error file at {@code path}. */
  public ErrorFile(Path path) {
    this.path = path;
  }

  /** Writes a runtime error as upstream's JSON. Failures are reported to the caller. */
  public void writeJson(String msg, String err, Map<String, Object> args, Redactor redactor)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Msg", msg);
    m.put("Err", err);
    m.put("Args", args);
    StringBuilder sb = new StringBuilder();
    Json.append(sb, m, redactor);
    write(sb.toString());
  }

  /** Writes plain text (used for configuration errors). */
  public void write(String text) throws IOException {
    Path dir = path.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "tmp-err-", "");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Removes the file if present. */
  public void remove() throws IOException {
    Files.deleteIfExists(path);
  }
}
