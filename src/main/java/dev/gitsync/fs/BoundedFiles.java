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
