package dev.gitsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadAndBindTest {
  @Test
  void payload_substitutesJsonEscaped_missingIsEmpty() {
    PayloadTemplate t =
        PayloadTemplate.parse("{\"text\":\"{{ ref }} {{hash}} {{previous_hash}}\"}");
    assertThat(t.render(Map.of("ref", "a\"b\\c\nd", "hash", "h")))
        .isEqualTo("{\"text\":\"a\\\"b\\\\c\\nd h \"}");
  }

  @Test
  void payload_unknownVariable_listsTheAvailableOnes() {
    assertThatThrownBy(() -> PayloadTemplate.parse("{{hash}} {{nope}} {{Hash}}"))
        .hasMessageContaining("[nope, Hash]")
        .hasMessageContaining("short_hash");
  }

  @Test
  void bind_goForms() {
    assertThat(BindAddress.parse(":1234")).isEqualTo(new BindAddress("", 1234));
    assertThat(BindAddress.parse("127.0.0.1:80")).isEqualTo(new BindAddress("127.0.0.1", 80));
    assertThat(BindAddress.parse("[::1]:9")).isEqualTo(new BindAddress("::1", 9));
    assertThatThrownBy(() -> BindAddress.parse("1234")).hasMessageContaining("missing port");
    assertThatThrownBy(() -> BindAddress.parse("::1:9")).hasMessageContaining("too many colons");
    assertThatThrownBy(() -> BindAddress.parse("h:99999")).hasMessageContaining("invalid port");
  }
}
