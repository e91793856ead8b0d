package dev.gitsync.git;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gitsync.testing.FakeProcessRunner;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.testing.TestLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * git's output about commits a pusher wrote (authors and subjects with any bytes, separators
 * included), possibly cut short. Properties: {@link Git#log} returns or throws {@link
 * GitException}; every commit it lists is one {@code rev-list} named, in rev-list's order, none
 * twice; authors and subjects are bounded in code points.
 */
class GitLogFuzzTest {
  @FuzzTest(maxDuration = "15s")
  void log_listsOnlyTheCommitsAskedFor_boundedAndInOrder(FuzzedDataProvider data) throws Exception {
    List<String> hashes = new ArrayList<>();
    for (int i = data.consumeInt(0, 4); i > 0; i--) {
      hashes.add(String.format("%040x", data.consumeLong() & Long.MAX_VALUE));
    }
    String revList = data.consumeBoolean() ? String.join("\n", hashes) : data.consumeString(200);
    String log = data.consumeString(4000);
    String single = data.consumeRemainingAsString();
    FakeProcessRunner runner = new FakeProcessRunner();
    runner.on(List.of("rev-list"), FakeProcessRunner.ok(revList));
    runner.on(List.of("log", "--no-walk=unsorted"), FakeProcessRunner.ok(log));
    runner.on(List.of("log", "--no-walk", "-z"), FakeProcessRunner.ok(single));
    Git git = new Git(runner, "git", Map.of(), new FakeTime(), new TestLog().log());
    List<String[]> out;
    try {
      out = git.log(Path.of("/r"), "", "HEAD", 11);
    } catch (GitException refused) {
      return;
    }
    // Only commits rev-list named, each in rev-list's order: nothing forged, nothing reordered.
    int from = 0;
    for (String[] e : out) {
      int at = revList.indexOf(e[0], from);
      assertThat(at)
          .as("listed %s, not named by rev-list after offset %d", e[0], from)
          .isNotNegative();
      from = at + e[0].length();
    }
    for (String[] e : out) {
      assertThat(e).hasSize(3);
      assertThat(e[1].codePointCount(0, e[1].length())).isLessThanOrEqualTo(Git.MAX_AUTHOR + 1);
      assertThat(e[2].codePointCount(0, e[2].length())).isLessThanOrEqualTo(Git.MAX_SUBJECT + 1);
    }
  }
}
