package io.partitrain.shared.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JobNamesTest {

  @Test
  void plainIdsKeepTheirReadableShape() {
    assertThat(JobNames.of("weekly-demand-2026-W48", "store-017", 2))
        .matches("weekly-demand-2026-W48-store-017-[0-9a-f]{8}-a2")
        .matches(JobNames.RULE);
  }

  @Test
  void idsThatSplitDifferentlyAroundADashGetDifferentNames() {
    assertThat(JobNames.of("a-b", "c", 1)).isNotEqualTo(JobNames.of("a", "b-c", 1));
    assertThat(JobNames.of("run", "1-x", 1)).isNotEqualTo(JobNames.of("run-1", "x", 1));
  }

  @Test
  void disallowedCharactersAreReplacedButIdsStillCannotCollide() {
    String dotted = JobNames.of("run1", "store.001", 1);
    String underscored = JobNames.of("run1", "store_001", 1);
    assertThat(dotted).startsWith("run1-store_001-").endsWith("-a1").matches(JobNames.RULE);
    assertThat(underscored).startsWith("run1-store_001-").endsWith("-a1");
    assertThat(dotted).isNotEqualTo(underscored);
  }

  @Test
  void sameInputGivesSameNameSoSubmissionIsIdempotent() {
    assertThat(JobNames.of("r", "p.x", 3)).isEqualTo(JobNames.of("r", "p.x", 3));
    assertThat(JobNames.of("r", "p", 1)).isNotEqualTo(JobNames.of("r", "p", 2));
  }

  /**
   * Property: over random run and partition ids drawn from a tiny alphabet rich in separators (so
   * that readable heads collide often), no two distinct (run, partition, attempt) triples share a
   * name, and every name is valid.
   */
  @Test
  void noTwoTriplesShareANameOverRandomIds() {
    Random random = new Random(20261128L);
    Map<String, String> tripleByName = new HashMap<>();
    int headCollisions = 0;
    Map<String, String> pairByHead = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      String run = randomId(random, 6);
      String partition = randomId(random, 5);
      int attempt = 1 + random.nextInt(3);
      String name = JobNames.of(run, partition, attempt);
      String triple = run + "\u0000" + partition + "\u0000" + attempt;
      assertThat(name).matches(JobNames.RULE).hasSizeLessThanOrEqualTo(JobNames.MAX_LENGTH);
      String earlier = tripleByName.putIfAbsent(name, triple);
      assertThat(earlier == null || earlier.equals(triple))
          .as("name %s made for both %s and %s", name, earlier, triple)
          .isTrue();
      String head = (run + "-" + partition).replace('.', '_');
      String pair = run + "\u0000" + partition;
      String earlierPair = pairByHead.putIfAbsent(head, pair);
      if (earlierPair != null && !earlierPair.equals(pair)) {
        headCollisions++;
      }
    }
    // The property above is only meaningful if the readable heads really collided often.
    assertThat(headCollisions).isGreaterThan(1_000);
  }

  @Test
  void longNamesAreShortenedWithAHashAndStayValidAndDistinct() {
    String longRun = "r".repeat(100);
    String a = JobNames.of(longRun, "p".repeat(127) + "a", 1);
    String b = JobNames.of(longRun, "p".repeat(127) + "b", 1);
    String c = JobNames.of(longRun + "x".repeat(200), "p", 12);
    assertThat(a).hasSizeLessThanOrEqualTo(JobNames.MAX_LENGTH).matches(JobNames.RULE);
    assertThat(b).hasSizeLessThanOrEqualTo(JobNames.MAX_LENGTH).matches(JobNames.RULE);
    assertThat(c).hasSizeLessThanOrEqualTo(JobNames.MAX_LENGTH).matches(JobNames.RULE);
    assertThat(c).endsWith("-a12");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void aNameMayNotStartWithAPunctuationCharacter() {
    assertThat(JobNames.of("_x", "p", 1)).matches(JobNames.RULE);
    assertThat(JobNames.of("", "", 1)).matches(JobNames.RULE);
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

  /**
   * A valid-looking id of 1 to {@code maxLength} characters from an alphabet rich in separators.
   */
  private static String randomId(Random random, int maxLength) {
    String alphabet = "ab-._";
    int length = 1 + random.nextInt(maxLength);
    StringBuilder b = new StringBuilder("a");
    for (int i = 1; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
