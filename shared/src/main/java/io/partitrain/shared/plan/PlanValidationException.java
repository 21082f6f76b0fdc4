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

  /**
   * The first line of a refusal, which is what a CI log shows: the first broken rule itself (file,
   * field, value, rule) and how many more there are ({@code ... (and 2 more rules broken)}).
   */
  public static String headline(List<PlanViolation> violations) {
    if (violations.isEmpty()) {
      return "the plan is refused";
    }
    int more = violations.size() - 1;
    return "the plan is refused: "
        + violations.get(0)
        + switch (more) {
          case 0 -> "";
          case 1 -> " (and 1 more rule broken)";
          default -> " (and " + more + " more rules broken)";
        };
  }

  private static String format(List<PlanViolation> violations) {
    // Every violation follows the headline, one per line, the first one included.
    return violations.stream()
        .limit(50)
        .map(v -> "  - " + v)
        .collect(
            Collectors.joining(
                "\n",
                headline(violations) + "\n",
                violations.size() > 50 ? "\n  ... and " + (violations.size() - 50) + " more" : ""));
  }
}
