package dev.gitsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM settings live in jvm.options alone: ./git-sync, the image's entrypoint and both CDS
 * training runs read that file, and none of them spells a setting of its own.
 */
class LaunchersTest {
  private static final Pattern SETTING = Pattern.compile("-X[^\\s\"\\\\]+");

  @Test
  void jvmOptions_holdTheSidecarSettings() throws Exception {
    List<String> opts =
        Files.readAllLines(Path.of("jvm.options")).stream()
            .filter(l -> !l.startsWith("#") && !l.isBlank())
            .toList();
    assertThat(opts).contains("-XX:+UseSerialGC", "-Xmx32m").hasSizeGreaterThan(6);
  }

  @Test
  void everyLauncher_readsJvmOptions_andSpellsNoSettingOfItsOwn() throws Exception {
    for (String launcher :
        List.of("git-sync", "image/git-sync", "scripts/train-cds.sh", "image/in-image.sh")) {
      String text = Files.readString(Path.of(launcher));
      assertThat(text).as(launcher).contains("jvm.options");
      for (String line : text.split("\n")) {
        java.util.regex.Matcher m = SETTING.matcher(line);
        while (!line.strip().startsWith("#") && m.find()) {
          // Only the class-data-sharing archive differs between them, and its log switches.
          assertThat(m.group())
              .as(launcher + ": " + line)
              .matches(
                  "-XX:(SharedArchiveFile|DumpLoadedClassList|SharedClassListFile)=.*"
                      + "|-Xshare:(off|dump)|-Xlog:cds.*");
        }
      }
    }
  }
}
