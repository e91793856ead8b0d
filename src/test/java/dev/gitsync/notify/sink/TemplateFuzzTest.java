package dev.gitsync.notify.sink;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;

/**
 * A sink's message template ({@code template_file}), and the values a pusher controls (subjects,
 * authors). Properties: a template parses or is refused with {@link IllegalArgumentException}
 * (nesting included: no stack overflow); one that parses renders any values without an exception.
 */
class TemplateFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyTemplate_parsesOrIsRefused_andRendersAnyValues(FuzzedDataProvider data) {
    String subject = data.consumeString(100);
    String text = data.consumeRemainingAsString();
    Template t;
    try {
      t = Template.parse(text);
    } catch (IllegalArgumentException refused) {
      return;
    }
    Map<String, Object> commit =
        Map.of("hash", "a".repeat(40), "subject", subject, "author", subject);
    t.render(
        Map.of("repo", subject, "commits", List.of(commit, commit), "failures", 0, "hash", subject),
        s -> s.replace("<", "&lt;"));
  }
}
