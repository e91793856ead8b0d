package dev.gitsync.verify;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The key files are the operator's, but a Secret is easily filled with the wrong thing. Property:
 * the parsers refuse with an IllegalArgumentException (named at startup), never anything else, in
 * time linear in the file.
 */
class KeyFilesFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void keyFiles_refuseCleanly(FuzzedDataProvider data) {
    byte[] bytes = data.consumeRemainingAsBytes();
    try {
      OpenPgpKeys.binary(bytes);
    } catch (IllegalArgumentException refused) {
      // Fine.
    }
    try {
      AllowedSigners.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalArgumentException refused) {
      // Fine.
    }
  }
}
