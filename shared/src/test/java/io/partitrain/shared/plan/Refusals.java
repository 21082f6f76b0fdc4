package io.partitrain.shared.plan;

import java.nio.file.Path;
import java.util.List;

/** How the plan tests read a refusal: its violations, or the first line a CI log shows. */
final class Refusals {

  private Refusals() {}

  /** The refusal of loading {@code plan}; fails the test when the plan is accepted. */
  static PlanValidationException of(Path plan) {
    try {
      PlanLoader.load(plan);
    } catch (PlanValidationException e) {
      return e;
    }
    throw new AssertionError("the plan was accepted: " + plan);
  }

  static List<PlanViolation> violations(Path plan) {
    return of(plan).violations();
  }

  static String firstLine(Path plan) {
    return of(plan).getMessage().lines().findFirst().orElseThrow();
  }
}
