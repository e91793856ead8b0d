package dev.gitsync.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads files that come from outside (secrets, templates, state left by an earlier run) with a size
 * limit and strict UTF-8, so a 40 MB or binary file is a clear error naming the file, never an
 * {@link OutOfMemoryError} or silently mangled text.
 */
public final class BoundedFiles {
  /** The limit for small files: secrets, tokens, templates, lists of URLs. */
  public static final int SMALL = 1024 * 1024;

  private BoundedFiles() {}

  /**
   * The file's text.
   *
   * @throws IOException when it cannot be read, holds more than {@code max} bytes, or is not UTF-8;
   *     the message names the problem but never the content
   */
  public static String readString(Path file, int max) throws IOException {
    byte[] bytes = readBytes(file, max);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException(file + " is not valid UTF-8", e);
    }
  }

  /**
   * Why reading {@code file} failed, in a few words and without the path (for a message that names
   * the path and the flag itself): "no such file", "permission denied", "a directory", "too large
   * (more than N bytes)", "not valid UTF-8".
   */
  public static String reason(Path file, IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (Files.isDirectory(file)) {
      return "a directory, not a file";
    }
    String m = String.valueOf(e.getMessage());
    String prefix = file + " is ";
    if (m.startsWith(prefix)) {
      return m.substring(prefix.length());
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return m.replace(file.toString(), "").replaceFirst("^[:\\s]+", "");
  }

  /** The file's bytes, at most {@code max} of them. */
  public static byte[] readBytes(Path file, int max) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(max + 1);
      if (b.length > max) {
        throw new IOException(file + " is too large (more than " + max + " bytes)");
      }
      return b;
    }
  }
}
