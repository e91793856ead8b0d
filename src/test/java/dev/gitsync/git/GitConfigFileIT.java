package dev.gitsync.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitsync.config.GitConfigEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file we write is read back by the real git exactly as intended. */
class GitConfigFileIT {
  @TempDir Path tmp;

  private String get(Path file, String... args) throws Exception {
    List<String> argv =
        new java.util.ArrayList<>(List.of("git", "config", "--file", file.toString()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void render_valuesWithSpecialCharacters_roundTripThroughGit() throws Exception {
    GitConfigFile f = new GitConfigFile();
    f.apply(new GitConfigEntry("core.askPass", "true", false));
    f.apply(new GitConfigEntry("credential.helper", "cache --timeout 3600", false));
    f.apply(new GitConfigEntry("url.https://x.example/a b\"c.insteadOf", "git@x:", false));
    f.apply(new GitConfigEntry("my.value", " lead; # hash \\ \"q\"\n\ttab", false));
    Path file = tmp.resolve("cfg");
    f.write(file);
    assertThat(get(file, "--get", "credential.helper")).isEqualTo("cache --timeout 3600\n");
    assertThat(get(file, "--get", "url.https://x.example/a b\"c.insteadOf")).isEqualTo("git@x:\n");
    assertThat(get(file, "--get", "my.value")).isEqualTo(" lead; # hash \\ \"q\"\n\ttab\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void apply_setReplaces_addAppends_caseInsensitiveNames() throws Exception {
    GitConfigFile f = new GitConfigFile();
    f.apply(new GitConfigEntry("safe.directory", "*", false));
    f.apply(new GitConfigEntry("safe.directory", "/a", true));
    f.apply(new GitConfigEntry("Core.AskPass", "one", false));
    f.apply(new GitConfigEntry("core.askpass", "two", false));
    Path file = tmp.resolve("cfg");
    f.write(file);
    assertThat(get(file, "--get-all", "safe.directory")).isEqualTo("*\n/a\n");
    assertThat(get(file, "--get-all", "core.askpass")).isEqualTo("two\n");
  }

  @Test
  void apply_invalidKey_isRejected() {
    GitConfigFile f = new GitConfigFile();
    assertThatThrownBy(() -> f.apply(new GitConfigEntry("nodot", "v", false)))
        .hasMessageContaining("invalid git config key \"nodot\"");
    assertThatThrownBy(() -> f.apply(new GitConfigEntry("a.1bad", "v", false)))
        .hasMessageContaining("invalid git config key");
  }
}
