package dev.gitsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The image's entrypoint and ./git-sync give the JVM the same sidecar settings. */
class LaunchersTest {
  private static final Pattern FLAG = Pattern.compile("-X[^\\s\"]+");

  private static List<String> jvmFlags(String launcher) throws Exception {
    List<String> flags = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(Path.of(launcher))) {
      if (line.startsWith("opts=") && !line.contains("SharedArchiveFile")) {
        Matcher m = FLAG.matcher(line);
        while (m.find()) {
          flags.add(m.group());
        }
      }
    }
    return flags;
  }

  @Test
  void imageEntrypoint_usesTheLaunchersJvmSettings() throws Exception {
    List<String> repo = jvmFlags("git-sync");
    assertThat(repo).contains("-XX:+UseSerialGC", "-Xmx32m").hasSizeGreaterThan(6);
    assertThat(jvmFlags("image/git-sync")).isEqualTo(repo);
  }
}
