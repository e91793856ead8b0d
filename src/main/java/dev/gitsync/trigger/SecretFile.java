package dev.gitsync.trigger;

import dev.gitsync.fs.BoundedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The shared secret, read from its file for every request, so a rotated Kubernetes Secret (a new
 * file behind the same path) is in force at once, without a restart and without trusting
 * modification times. The file is small and bounded; trailing line breaks are not part of it.
 */
final class SecretFile {
  private final Path file;

  SecretFile(Path file) {
    this.file = file;
  }

  /** The current secret; empty when the file cannot be read (every request is then refused). */
  byte[] bytes() {
    try {
      return stripLineEnds(BoundedFiles.readString(file, BoundedFiles.SMALL))
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** Drops trailing CR and LF characters (by hand: "[\\r\\n]+$" backtracks quadratically). */
  private static String stripLineEnds(String s) {
    int e = s.length();
    while (e > 0 && (s.charAt(e - 1) == '\r' || s.charAt(e - 1) == '\n')) {
      e--;
    }
    return s.substring(0, e);
  }
}
