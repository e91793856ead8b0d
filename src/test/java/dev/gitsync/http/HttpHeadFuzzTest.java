package dev.gitsync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * What a stranger on the admin or trigger port sends first: the request head. Properties: the end
 * of the head is found at the same place however the bytes are split across reads (the search
 * resumes, it does not start over); a head parses or is refused with {@link
 * IllegalArgumentException} (a 400), never anything else; a parsed head has a token method, a path
 * target, lower-case token field names, and a Content-Length that is absent, refused or a small
 * non-negative number.
 */
class HttpHeadFuzzTest {
  @FuzzTest(maxDuration = "15s")
  void head_isFoundAlikeHoweverSplit_andParsesOrIsRefused(FuzzedDataProvider data) {
    int split = data.consumeInt(0, 64);
    byte[] bytes = data.consumeRemainingAsBytes();
    int whole = NioHttpServer.headEnd(bytes, bytes.length, 0);
    int scanned = 0;
    int found = -1;
    for (int len = Math.min(split, bytes.length); ; len = Math.min(bytes.length, len + split + 1)) {
      found = NioHttpServer.headEnd(bytes, len, scanned);
      scanned = Math.max(0, len - 2);
      if (found >= 0 || len == bytes.length) {
        break;
      }
    }
    assertThat(found).isEqualTo(whole);
    if (whole < 0) {
      return;
    }
    NioHttpServer.Head h;
    try {
      h = NioHttpServer.Head.parse(new String(bytes, 0, whole, StandardCharsets.ISO_8859_1));
    } catch (IllegalArgumentException refused) {
      return;
    }
    assertThat(NioHttpServer.Head.isToken(h.method, 0, h.method.length())).isTrue();
    assertThat(h.path).startsWith("/");
    for (String name : h.headers.keySet()) {
      assertThat(NioHttpServer.Head.isToken(name, 0, name.length())).as(name).isTrue();
      assertThat(name).isLowerCase();
    }
    try {
      assertThat(h.contentLength()).isBetween(0L, 999_999_999_999L);
    } catch (IllegalArgumentException refused) {
      // A 400.
    }
  }
}
