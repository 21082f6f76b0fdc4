package io.partitrain.shared.plan;

import io.partitrain.shared.PartitrainException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A plan (or its job.yml or partition CSV) that breaks one or more rules. Thrown before anything is
 * emitted; the message lists every violation, each with file, field, value and rule.
 */
public class PlanValidationException extends PartitrainException {

  private final List<PlanViolation> violations;

  public PlanValidationException(List<PlanViolation> violations) {
    super(format(violations));
    this.violations = List.copyOf(violations);
  }

  public List<PlanViolation> violations() {
    return violations;
  }

  private static String format(List<PlanViolation> violations) {
    String head =
        violations.size() == 1
            ? "the plan is refused: 1 rule is broken"
            : "the plan is refused: " + violations.size() + " rules are broken";
    return violations.stream()
        .limit(50)
        .map(v -> "  - " + v)
        .collect(
            Collectors.joining(
                "\n",
                head + "\n",
                violations.size() > 50 ? "\n  ... and " + (violations.size() - 50) + " more" : ""));
  }
}
