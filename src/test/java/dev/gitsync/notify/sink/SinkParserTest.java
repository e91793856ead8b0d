package dev.gitsync.notify.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitsync.notify.event.EventType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SinkParserTest {
  @Test
  void nativeUrls_areDetectedByHost() {
    assertThat(SinkParser.parse("https://hooks.slack.com/services/T0/B0/X").kind())
        .isEqualTo(SinkKind.SLACK);
    assertThat(SinkParser.parse("https://discord.com/api/webhooks/1/tok").kind())
        .isEqualTo(SinkKind.DISCORD);
    assertThat(SinkParser.parse("https://chat.googleapis.com/v1/spaces/S/messages?key=k").kind())
        .isEqualTo(SinkKind.GCHAT);
    assertThat(
            SinkParser.parse(
                    "https://prod-01.westeurope.logic.azure.com:443/workflows/x/triggers/manual/paths/invoke?sig=s")
                .kind())
        .isEqualTo(SinkKind.TEAMS);
  }

  @Test
  void prefix_setsKind_andOurOptionsAreRemovedFromTheUrl() {
    Sink s =
        SinkParser.parse(
            "mattermost+https://mm.example/hooks/KEY?events=failed,recovered&timeout=3s&x=1");
    assertThat(s.kind()).isEqualTo(SinkKind.MATTERMOST);
    assertThat(s.uri().toString()).isEqualTo("https://mm.example/hooks/KEY?x=1");
    assertThat(s.events())
        .containsExactlyInAnyOrder(EventType.SYNC_FAILED, EventType.SYNC_RECOVERED, EventType.TEST);
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.minInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void slackbotShorthand_needsTokenFile() {
    Sink s = SinkParser.parse("slackbot://C123?token_file=/etc/slack/token");
    assertThat(s.kind()).isEqualTo(SinkKind.SLACKBOT);
    assertThat(s.channel()).isEqualTo("C123");
    assertThat(s.uri().toString()).isEqualTo("https://slack.com/api/chat.postMessage");
    assertThatThrownBy(() -> SinkParser.parse("slackbot://C123"))
        .hasMessageContaining("token_file=");
  }

  @Test
  void errors_neverContainTheUrl() {
    assertThatThrownBy(() -> SinkParser.parse("https://secret-host.example/p/TOPSECRET"))
        .hasMessageContaining("prefix it with the kind")
        .hasMessageNotContaining("TOPSECRET");
    assertThatThrownBy(() -> SinkParser.parse("nope+https://h/TOPSECRET"))
        .hasMessageContaining("unknown notification kind")
        .hasMessageNotContaining("TOPSECRET");
    assertThatThrownBy(() -> SinkParser.parse("generic+https://h/x?events=sometimes"))
        .hasMessageContaining("unknown event \"sometimes\"");
    assertThatThrownBy(() -> SinkParser.parse("slack+https://h/x?signature=github"))
        .hasMessageContaining("secret_file=");
  }

  @Test
  void id_isStable_andNotTheUrl() {
    Sink a = SinkParser.parse("generic+https://h/TOKEN");
    Sink b = SinkParser.parse("generic+https://h/TOKEN");
    assertThat(a.id()).isEqualTo(b.id()).hasSize(8).doesNotContain("TOKEN");
    assertThat(a.name()).isEqualTo("generic-" + a.id());
  }
}
