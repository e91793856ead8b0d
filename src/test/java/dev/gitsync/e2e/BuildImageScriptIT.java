package dev.gitsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image build's answers to bad input (image/build.py, run by scripts/build-image.sh): an
 * unknown architecture is a usage error naming the supported ones, and a missing or unusable
 * qemu-user emulation for another architecture's in-image step is an error that says what to
 * install or do, before anything runs. Needs only python3 and dpkg; nothing is built.
 */
class BuildImageScriptIT {
  private static final Path IMAGE_DIR = Path.of("image").toAbsolutePath();

  @TempDir Path tmp;

  private record Result(int code, String out) {}

  private static Result python(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("python3"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    return new Result(p.waitFor(), out);
  }

  /** Calls build.ensure_binfmt("arm64") with binfmt_misc and Debian's entries at test paths. */
  private Result ensureBinfmt(Path binfmt, Path conf) throws Exception {
    return python(
        "-c",
        "import sys; sys.path.insert(0, sys.argv[1]); import build;"
            + " build.BINFMT = sys.argv[2]; build.BINFMT_CONF = sys.argv[3];"
            + " build.use_arch('arm64'); build.ensure_binfmt('arm64')",
        IMAGE_DIR.toString(),
        binfmt.toString(),
        conf.toString());
  }

  @Test
  void unknownArch_isAUsageErrorNamingTheSupportedOnes() throws Exception {
    Result r = python(IMAGE_DIR.resolve("build.py").toString(), "--arch=s390", "--rootfs-only");
    assertThat(r.code()).as(r.out()).isEqualTo(2);
    assertThat(r.out()).contains("unknown --arch=s390", "supported: amd64, arm64, ppc64el, s390x");

    Result both = python(IMAGE_DIR.resolve("build.py").toString(), "--arch=arm64", "--all");
    assertThat(both.code()).as(both.out()).isEqualTo(2);
    assertThat(both.out()).contains("--arch or --all");
  }

  @Test
  void missingQemu_saysWhichPackageToInstall() throws Exception {
    Path binfmt = Files.createDirectories(tmp.resolve("binfmt_misc"));
    Path conf = Files.createDirectories(tmp.resolve("binfmt.d"));
    Result r = ensureBinfmt(binfmt, conf);
    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(r.out())
        .contains("running arm64 programs", "needs qemu-user emulation")
        .contains("apt-get install qemu-user-static")
        .doesNotContain("Traceback");
  }

  @Test
  void qemuRegisteredWithoutTheFixBinaryFlag_isRefusedWithTheFix() throws Exception {
    Path binfmt = Files.createDirectories(tmp.resolve("binfmt_misc"));
    Path conf = Files.createDirectories(tmp.resolve("binfmt.d"));
    // What the kernel shows for an entry registered by hand without F: the interpreter is looked
    // up at each exec, inside the chroot, where it is not.
    Files.writeString(
        binfmt.resolve("qemu-aarch64"),
        "enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: OC\noffset 0\n");
    Result r = ensureBinfmt(binfmt, conf);
    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).contains("without binfmt_misc's F flag").doesNotContain("Traceback");

    Files.writeString(
        binfmt.resolve("qemu-aarch64"),
        "disabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: OCF\noffset 0\n");
    Result disabled = ensureBinfmt(binfmt, conf);
    assertThat(disabled.code()).as(disabled.out()).isEqualTo(1);
    assertThat(disabled.out()).contains("qemu-aarch64 is disabled");

    Files.writeString(
        binfmt.resolve("qemu-aarch64"),
        "enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: POCF\noffset 0\n");
    Result ok = ensureBinfmt(binfmt, conf);
    assertThat(ok.code()).as(ok.out()).isZero();
  }
}
