package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.admission.AdmissionDecision;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.plan.JobTemplate;
import java.util.Optional;

/** The cost cap's admission rule and the checks a budgeted run must pass before it starts. */
final class CostCaps {

  private CostCaps() {}

  /** {@code spent + reserved + nodes × price × timeout ≤ cap}, else DEFER. */
  static AdmissionDecision decide(RunBudget budget, JobSpec job) {
    if (budget == null) {
      return AdmissionDecision.ADMIT;
    }
    RunBudget.Reservation r = budget.reservationOf(job);
    return budget.fits(r.amount())
        ? AdmissionDecision.ADMIT
        : AdmissionDecision.defer(
            "cost cap "
                + budget.cap()
                + " "
                + budget.currency()
                + " reached: spent "
                + budget.spent()
                + ", reserved "
                + budget.reserved()
                + ", next attempt needs "
                + r.amount());
  }

  /** The job as submitted: with exactly the timeout its reservation was computed from. */
  static JobSpec submitted(RunBudget budget, JobSpec job) {
    return budget == null ? job : job.withTimeout(budget.reservationOf(job).timeout());
  }

  /** Why a budgeted run cannot start: a job without a timeout or without a price. */
  static Optional<String> problemWith(RunCommand.StartRun start) {
    var limits = start.definition().limits();
    CostBudget budget = limits == null ? null : limits.budget();
    if (budget == null) {
      return Optional.empty();
    }
    JobTemplate template =
        JobTemplate.fromTree(start.definition().jobTemplate(), start.definition().planSource());
    for (PartitionSpec p : start.partitions()) {
      JobSpec job = template.render(start.runId(), p);
      if (job.limits().timeout() == null) {
        return Optional.of(
            "the plan has a budget but the job of partition "
                + p.id()
                + " has no limits.timeout; the reservation is nodes x price x timeout");
      }
      if (budget.priceOf(job).isEmpty()) {
        return Optional.of(
            "the budget has no price for partition "
                + p.id()
                + " (instance_type "
                + job.resources().instanceType()
                + ", compute target "
                + job.computeTarget()
                + ")");
      }
    }
    return Optional.empty();
  }
}
