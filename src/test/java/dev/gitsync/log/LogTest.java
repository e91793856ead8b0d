package dev.gitsync.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Clock clock =
      Clock.fixed(Instant.parse("2024-11-06T16:58:01.097240Z"), ZoneOffset.UTC);

  private Log log(int v, Redactor r, Optional<ErrorFile> ef) {
    return new Log("", v, new PrintStream(bytes, true, StandardCharsets.UTF_8), clock, r, ef);
  }

  private String out() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void info_upstreamFieldOrderAndTimestamp() {
    log(0, new Redactor(), Optional.empty())
        .info(0, "starting up", "pid", 11, "flags", List.of("--a=b"));
    assertThat(out())
        .matches(
            "\\{\"logger\":\"\",\"ts\":\"2024-11-06 16:58:01.097240\",\"caller\":\\{\"file\":"
                + "\"LogTest.java\",\"line\":\\d+},\"level\":0,\"msg\":\"starting up\",\"pid\":11,"
                + "\"flags\":\\[\"--a=b\"]}\n");
  }

  @Test
  void info_aboveVerbosity_isDropped() {
    Log l = log(2, new Redactor(), Optional.empty());
    l.info(3, "hidden");
    l.info(2, "shown");
    assertThat(out()).contains("shown").doesNotContain("hidden");
  }

  @Test
  void error_hasNoLevel_andWritesErrorFileAsJson() throws Exception {
    Path f = tmp.resolve("a/b/err");
    log(0, new Redactor(), Optional.of(new ErrorFile(f)))
        .error("boom \"quoted\"\n", "error syncing repo, will retry", "failCount", 1);
    assertThat(out())
        .contains(
            "\"msg\":\"error syncing repo, will retry\",\"error\":\"boom \\\"quoted\\\"\\n\","
                + "\"failCount\":1}")
        .doesNotContain("\"level\"");
    assertThat(Files.readString(f))
        .isEqualTo(
            "{\"Msg\":\"error syncing repo, will retry\",\"Err\":\"boom \\\"quoted\\\"\\n\","
                + "\"Args\":{\"failCount\":1}}");
  }

  @Test
  void everyValue_isRedacted() throws Exception {
    Redactor r = new Redactor();
    r.register("sekrit-token");
    Path f = tmp.resolve("err");
    Log l = log(0, r, Optional.of(new ErrorFile(f)));
    l.info(
        0,
        "msg sekrit-token",
        "url",
        "https://user:pw12345@host/x",
        "list",
        List.of("sekrit-token"));
    l.error("failed with sekrit-token", "oops https://a:bcdefg@h/");
    assertThat(out()).doesNotContain("sekrit-token", "pw12345", "bcdefg").contains("REDACTED");
    assertThat(Files.readString(f)).doesNotContain("sekrit-token", "bcdefg");
  }
}
