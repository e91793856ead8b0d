package dev.gitsync.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedOutputTest {
  @Test
  void drain_smallOutput_isKeptWhole() throws Exception {
    BoundedOutput o = BoundedOutput.drain(stream("hello\n"));
    assertThat(o.text()).isEqualTo("hello\n");
    assertThat(o.truncated()).isFalse();
  }

  @Test
  void drain_hugeOutput_keepsHeadAndTail_andCountsTheRest() throws Exception {
    String head = "H".repeat(BoundedOutput.HEAD);
    String middle = "m".repeat(5_000_000);
    String tail = "T".repeat(BoundedOutput.TAIL);
    BoundedOutput o = BoundedOutput.drain(stream(head + middle + tail));
    assertThat(o.truncated()).isTrue();
    assertThat(o.total()).isEqualTo(head.length() + middle.length() + tail.length());
    assertThat(o.text()).isEqualTo(head + "\n[… " + middle.length() + " bytes omitted …]\n" + tail);
  }

  @Test
  void text_multibyteCharacterAcrossHeadAndTail_isDecodedWhole() {
    BoundedOutput o = new BoundedOutput();
    byte[] pad = "a".repeat(BoundedOutput.HEAD - 1).getBytes(StandardCharsets.US_ASCII);
    o.write(pad, 0, pad.length);
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    o.write(euro, 0, euro.length);
    assertThat(o.text()).endsWith("a€").hasSize(BoundedOutput.HEAD);
  }

  private static ByteArrayInputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
