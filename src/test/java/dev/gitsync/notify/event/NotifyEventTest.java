package dev.gitsync.notify.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.testing.Events;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifyEventTest {
  @Test
  void toJson_roundTripsThroughFromJson() {
    NotifyEvent e =
        Events.event(
                EventType.HOOK_FAILED,
                "https://h/o/r",
                List.of(new Commit("c".repeat(40), "A", "S")),
                "boom")
            .withHook("webhook")
            .withId("fixed-id");
    StringBuilder sb = new StringBuilder();
    dev.gitsync.log.Json.append(sb, e.toJson(), null);
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) dev.gitsync.json.JsonParser.parse(sb.toString());
    assertThat(NotifyEvent.fromJson(m)).isEqualTo(e);
  }

  @Test
  void repoName_fromEveryUrlForm() {
    for (String repo :
        List.of("https://h/o/r.git", "git@h:o/r.git", "ssh://git@h/o/r", "file:///x/r/")) {
      assertThat(Events.event(EventType.TEST, repo, List.of(), "").repoName()).isEqualTo("r");
    }
  }
}
