package dev.gitsync.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the on-disk contract: the link's target and the hash it names. */
final class Disk {
  private Disk() {}

  /** The basename of the link's target: the synced hash, by contract. */
  static String linkHash(Path link) throws IOException {
    return Files.readSymbolicLink(link).getFileName().toString();
  }

  /** The link's target if it is a link, else null. */
  static String linkHashOrNull(Path link) {
    try {
      return Files.isSymbolicLink(link) ? linkHash(link) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The file's text, or empty when it does not exist (yet). */
  static String readOrEmpty(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }

  /** Writes an executable shell script. */
  static Path script(Path p, String body) throws IOException {
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    p.toFile().setExecutable(true);
    return p;
  }
}
