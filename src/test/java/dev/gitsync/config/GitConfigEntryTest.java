package dev.gitsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GitConfigEntryTest {
  private static GitConfigEntry e(String k, String v) {
    return new GitConfigEntry(k, v, false);
  }

  @Test
  void parse_unquotedAndQuoted_keysAndValues() {
    assertThat(GitConfigEntry.parse("a.b:c,\"d.e\":\"f,g\"", false))
        .containsExactly(e("a.b", "c"), e("d.e", "f,g"));
  }

  @Test
  void parse_quotedKeyWithColon_andEscapes() {
    assertThat(
            GitConfigEntry.parse(
                "\"url.https://x/.insteadOf\":git@x:,k.v:a\\,b\\n\\t\\\"\\\\", false))
        .containsExactly(e("url.https://x/.insteadOf", "git@x:"), e("k.v", "a,b\n\t\"\\"));
  }

  @Test
  void parse_emptyValueBeforeComma_isAllowed() {
    assertThat(GitConfigEntry.parse("a.b:,c.d:e", false))
        .containsExactly(e("a.b", ""), e("c.d", "e"));
  }

  @Test
  void parse_errors_areNamed() {
    assertThatThrownBy(() -> GitConfigEntry.parse("a.b", false)).hasMessageContaining("end of key");
    assertThatThrownBy(() -> GitConfigEntry.parse("a.b:", false)).hasMessageContaining("no value");
    assertThatThrownBy(() -> GitConfigEntry.parse("a.b:\\q", false))
        .hasMessageContaining("unhandled escape");
    assertThatThrownBy(() -> GitConfigEntry.parse("a.b:\"x", false))
        .hasMessageContaining("unexpected end of quoted value");
    assertThatThrownBy(() -> GitConfigEntry.parse("a.b:\"x\"y", false))
        .hasMessageContaining("unexpected character after quoted value");
    assertThatThrownBy(() -> GitConfigEntry.parse("\"a.b\"x", false))
        .hasMessageContaining("missing ':'");
  }

  @Test
  void parse_add_marksEntries() {
    assertThat(GitConfigEntry.parse("safe.directory:/x", true))
        .isEqualTo(List.of(new GitConfigEntry("safe.directory", "/x", true)));
  }
}
