package dev.gitsync.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code --add-user}: appends {@code git-sync:x:UID:GID::HOME:/sbin/nologin} to the passwd file so
 * that ssh, which looks the current user up, works under an arbitrary UID. Unlike upstream, nothing
 * is appended when the UID already has an entry, so restarts do not grow the file.
 */
public final class AddUser {
  private AddUser() {}

  /** Adds the entry if the UID has none; returns true when a line was appended. */
  public static boolean ensure(Path passwd, int uid, int gid, String home) throws IOException {
    if (Files.exists(passwd)) {
      for (String line : BoundedFiles.readString(passwd, 16 * BoundedFiles.SMALL).split("\n")) {
        String[] f = line.split(":", -1);
        if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
          return false;
        }
      }
    }
    String entry = "git-sync:x:" + uid + ":" + gid + "::" + home + ":/sbin/nologin\n";
    Files.writeString(
        passwd,
        entry,
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND,
        StandardOpenOption.CREATE);
    return true;
  }
}
