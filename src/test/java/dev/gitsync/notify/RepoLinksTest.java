package dev.gitsync.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RepoLinksTest {
  @Test
  void of_eachForge_fromHttpsSshAndScpUrls() {
    String h = "1".repeat(40);
    String p = "2".repeat(40);
    assertThat(RepoLinks.of("git@github.com:o/r.git").orElseThrow().compare(p, h))
        .isEqualTo("https://github.com/o/r/compare/" + p + "..." + h);
    assertThat(RepoLinks.of("https://u:tok@gitlab.com/g/sub/r.git").orElseThrow().commit(h))
        .isEqualTo("https://gitlab.com/g/sub/r/-/commit/" + h);
    assertThat(RepoLinks.of("ssh://git@bitbucket.org/o/r.git").orElseThrow().commit(h))
        .isEqualTo("https://bitbucket.org/o/r/commits/" + h);
    assertThat(RepoLinks.of("https://codeberg.org/o/r").orElseThrow().commit(h))
        .isEqualTo("https://codeberg.org/o/r/commit/" + h);
    assertThat(RepoLinks.of("file:///tmp/r")).isEmpty();
    assertThat(RepoLinks.of("https://example.com/o/r")).isEmpty();
  }
}
