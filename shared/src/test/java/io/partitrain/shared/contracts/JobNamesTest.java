package io.partitrain.shared.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobNamesTest {

  @Test
  void plainIdsKeepTheirReadableShape() {
    assertThat(JobNames.of("weekly-demand-2026-W48", "store-017", 2))
        .isEqualTo("weekly-demand-2026-W48-store-017-a2");
  }

  @Test
  void disallowedCharactersAreReplacedAndTheNameGetsAHashSoIdsCannotCollide() {
    String dotted = JobNames.of("run1", "store.001", 1);
    String underscored = JobNames.of("run1", "store_001", 1);
    assertThat(dotted).startsWith("run1-store_001-a1-").matches(JobNames.RULE);
    assertThat(underscored).isEqualTo("run1-store_001-a1");
    assertThat(dotted).isNotEqualTo(underscored);
  }

  @Test
  void sameInputGivesSameNameSoSubmissionIsIdempotent() {
    assertThat(JobNames.of("r", "p.x", 3)).isEqualTo(JobNames.of("r", "p.x", 3));
    assertThat(JobNames.of("r", "p", 1)).isNotEqualTo(JobNames.of("r", "p", 2));
  }

  @Test
  void longNamesAreShortenedWithAHashAndStayValidAndDistinct() {
    String longRun = "r".repeat(100);
    String a = JobNames.of(longRun, "p".repeat(127) + "a", 1);
    String b = JobNames.of(longRun, "p".repeat(127) + "b", 1);
    assertThat(a).hasSizeLessThanOrEqualTo(JobNames.MAX_LENGTH).matches(JobNames.RULE);
    assertThat(b).hasSizeLessThanOrEqualTo(JobNames.MAX_LENGTH).matches(JobNames.RULE);
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void aNameMayNotStartWithAPunctuationCharacter() {
    assertThat(JobNames.sanitize("_x")).matches(JobNames.RULE);
    assertThat(JobNames.sanitize("")).matches(JobNames.RULE);
  }

  @Test
  void attemptsStartAtOne() {
    assertThatThrownBy(() -> JobNames.of("r", "p", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attempt must be at least 1, but was 0");
  }

  @Test
  void partitionIdRuleRejectsShellAndPathCharacters() {
    assertThat(PartitionIds.isValid("store-001")).isTrue();
    assertThat(PartitionIds.isValid("a.b_c-D9")).isTrue();
    for (String bad :
        new String[] {
          "", "-lead", ".hidden", "a b", "a;rm -rf", "$(x)", "../etc", "a/b", "x".repeat(129)
        }) {
      assertThat(PartitionIds.isValid(bad)).as(bad).isFalse();
    }
    assertThatThrownBy(() -> PartitionIds.requireValid("a b"))
        .hasMessageContaining("'a b'")
        .hasMessageContaining(PartitionIds.RULE);
  }
}
