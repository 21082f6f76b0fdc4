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
    // The first line is what a CI log shows: it names the first broken rule itself (file, field,
    // value, rule) and how many there are; every one of them follows, one per line.
    String head =
        violations.isEmpty()
            ? "the plan is refused"
            : "the plan is refused: "
                + violations.get(0)
                + (violations.size() == 1
                    ? ""
                    : " (1 of " + violations.size() + " broken rules, all listed below)");
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
