package dev.gitsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/flags.md is generated from the option table; this keeps the two from drifting. */
class ManualTest {
  private static final Path DOC = Path.of("docs/flags.md");

  @Test
  void flagsDoc_matchesOptionTable() throws Exception {
    String expected = Manual.markdown();
    if (Boolean.getBoolean("gitsync.updateDocs")) {
      Files.createDirectories(DOC.getParent());
      Files.writeString(DOC, expected);
    }
    assertThat(DOC)
        .as("regenerate with: mvn test -Dtest=ManualTest -Dgitsync.updateDocs=true")
        .hasContent(expected);
  }

  @Test
  void man_listsEveryOptionOnce_andMarksSecrets() {
    String man = Manual.man();
    for (OptionDef o : Options.all()) {
      String name = o.hasFlag() ? o.flag() : "$" + o.primaryEnv();
      assertThat(man).contains(name);
    }
    assertThat(man).contains("never logged", "EXIT CODES", "CONTRACT");
  }
}
