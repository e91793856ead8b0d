package dev.gitsync.trigger;

import dev.gitsync.fs.BoundedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared secret, read from its file and read again when the file changes (a rotated Kubernetes
 * Secret), so a new secret is in force without a restart. Trailing line breaks are not part of it.
 */
final class SecretFile {
  private final Path file;
  private long stamp = -1;
  private byte[] secret = new byte[0];

  SecretFile(Path file) {
    this.file = file;
  }

  /** The current secret; empty when the file cannot be read (every request is then refused). */
  synchronized byte[] bytes() {
    try {
      long now = Files.getLastModifiedTime(file).toMillis() * 31 + Files.size(file);
      if (now != stamp) {
        String text = BoundedFiles.readString(file, BoundedFiles.SMALL).replaceAll("[\r\n]+$", "");
        secret = text.getBytes(StandardCharsets.UTF_8);
        stamp = now;
      }
    } catch (IOException e) {
      secret = new byte[0];
      stamp = -1;
    }
    return secret.clone();
  }
}
