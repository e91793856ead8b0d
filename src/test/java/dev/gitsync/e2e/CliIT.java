package dev.gitsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line through the launcher, black box: the exit codes and streams a user sees. The
 * full contract (every flag, every message) is checked in process by {@code MainTest}.
 */
class CliIT {
  @TempDir Path tmp;

  @Test
  void launcher_helpVersionUsageAndConfigErrors_haveUpstreamsExitCodes() throws Exception {
    GitSync.Result help = GitSync.run(tmp, "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--repo", "--root", "--period", "Usage: git-sync");
    GitSync.Result v = GitSync.run(tmp, "--version");
    assertThat(v.code()).isZero();
    assertThat(v.out().trim()).isNotEmpty();
    GitSync.Result usage = GitSync.run(tmp, "--sync-timout=5s");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err()).contains("did you mean --sync-timeout?");
    GitSync.Result config = GitSync.run(tmp, Map.of("GIT_SYNC_ROOT", tmp.toString()), "--depth=-1");
    assertThat(config.code()).isEqualTo(1);
    assertThat(config.err())
        .contains("env $GIT_SYNC_ROOT has been deprecated")
        .contains("--depth must be greater than or equal to 0");
  }
}
