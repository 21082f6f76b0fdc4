package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Refusals lead with the rule (issue 25, item 6): in a CI log the first line is what people read,
 * so it names file, field, value and rule, and how many more rules are broken.
 */
class PlanValidationExceptionTest {

  static final PlanViolation TYPO =
      new PlanViolation(
          "plan.yml", "retry.backof", "{}", "unknown retry key; did you mean 'backoff'?");
  static final PlanViolation COUNT =
      new PlanViolation(
          "job.yml", "resources.instance_count", "0", "must be an integer of at least 1");
  static final PlanViolation MODE =
      new PlanViolation("job.yml", "inputs.x.mode", "mount", "must be one of [download, ro_mount]");

  static String firstLine(List<PlanViolation> v) {
    return new PlanValidationException(v).getMessage().lines().findFirst().orElseThrow();
  }

  @Test
  void oneBrokenRuleIsTheFirstLineItself() {
    assertThat(firstLine(List.of(TYPO)))
        .isEqualTo(
            "the plan is refused: plan.yml: retry.backof = '{}': unknown retry key; did you mean"
                + " 'backoff'?");
  }

  @Test
  void severalBrokenRulesNameTheFirstAndHowManyMore() {
    assertThat(firstLine(List.of(COUNT, TYPO)))
        .isEqualTo(
            "the plan is refused: job.yml: resources.instance_count = '0': must be an integer of"
                + " at least 1 (and 1 more rule broken)");
    assertThat(firstLine(List.of(COUNT, TYPO, MODE))).endsWith(" (and 2 more rules broken)");
    assertThat(new PlanValidationException(List.of(COUNT, TYPO, MODE)).getMessage().lines())
        .hasSize(4)
        .element(3)
        .isEqualTo("  - " + MODE);
  }
}
