package dev.gitsync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * What git prints while verifying comes in part from the signature a pusher made. Properties: a
 * verdict is good only when git exited 0 and the output carries a good-signature line of its own
 * kind; no refusal, signer or reason outgrows its bounds or carries a control character.
 */
class VerdictFuzzTest {
  @FuzzTest(maxDuration = "15s")
  void goodOnlyWhenGitSaysGood_andBounded(FuzzedDataProvider data) {
    int exit = data.consumeInt(-1, 2);
    String prefix = data.pickValue(new String[] {"", "[GNUPG:] ", "Good \"git\" signature "});
    String out = prefix + data.consumeRemainingAsString();
    Verdict v = Verdict.parse(exit, out, Optional.empty());
    if (v.good()) {
      assertThat(exit).isZero();
      assertThat(out).containsAnyOf("[GNUPG:] GOODSIG", "Good \"git\" signature for ");
    }
    assertThat(v.signer().length()).isLessThanOrEqualTo(2 * 201 + 4);
    assertThat(v.reason().length()).isLessThanOrEqualTo(400);
    assertThat(v.signer().chars().noneMatch(Character::isISOControl)).isTrue();
    assertThat(v.reason().chars().noneMatch(Character::isISOControl)).isTrue();
  }
}
