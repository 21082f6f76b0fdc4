package io.partitrain.orchestrator.admission;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunBudget;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.Money;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The cost cap of a run, as an {@link Admission}, and everything admission does with money: the
 * checks a budgeted run must pass before it starts, the reservation an admitted attempt holds, and
 * the timeout the job is submitted with. The accounts themselves ({@code spent}, {@code reserved},
 * the cap) are the run's {@link RunBudget}, part of the fold.
 *
 * <p>The rule (DESIGN.md, invariant 4): {@code spent + reserved + nodes × price × timeout ≤ cap},
 * else DEFER. The job is submitted with exactly the timeout it reserved for, so the reservation
 * bounds the bill.
 */
public final class CostCap implements Admission {

  @Override
  public AdmissionDecision decide(RunState run, PartitionRecord partition) {
    RunBudget budget = run.budget();
    if (budget == null) {
      return AdmissionDecision.ADMIT;
    }
    RunBudget.Reservation r = budget.reservationOf(partition.job());
    return budget.fits(r.amount())
        ? AdmissionDecision.ADMIT
        : AdmissionDecision.defer(deferReason(budget, r.amount()));
  }

  /**
   * Why a partition was deferred, in the figures of that moment (screens show the budget now while
   * it waits: {@link io.partitrain.shared.contracts.RunSummary.Budget#waitReason}).
   */
  private static String deferReason(RunBudget budget, BigDecimal need) {
    String cur = budget.currency();
    return "cost cap "
        + Money.format(budget.cap(), cur)
        + " "
        + cur
        + " reached: spent "
        + Money.format(budget.spent(), cur)
        + ", reserved "
        + Money.format(budget.reserved(), cur)
        + ", next attempt needs "
        + Money.format(need, cur);
  }

  /** The reservation an admitted attempt holds, as its event; null for a run without budget. */
  public static RunEvent.CostReserved reservation(
      RunState run, PartitionRecord p, int attempt, Instant now) {
    if (run.budget() == null) {
      return null;
    }
    JobSpec job = p.job();
    RunBudget.Reservation r = run.budget().reservationOf(job);
    return new RunEvent.CostReserved(
        Schema.VERSION,
        run.runId(),
        p.partitionId(),
        attempt,
        job.computeTarget(),
        job.resources().instanceType(),
        job.nodes(),
        r.pricePerNodeHour(),
        r.timeout(),
        r.amount(),
        now);
  }

  /** The job as submitted: with exactly the timeout its reservation was computed from. */
  public static JobSpec submitted(RunState run, PartitionRecord p) {
    RunBudget budget = run.budget();
    JobSpec job = p.job();
    return budget == null ? job : job.withTimeout(budget.reservationOf(job).timeout());
  }

  /** Why a budgeted run cannot start: a job without a timeout or without a price. */
  public static Optional<String> problemWith(RunState run, List<PartitionSpec> partitions) {
    var limits = run.definition().limits();
    CostBudget budget = limits == null ? null : limits.budget();
    if (budget == null) {
      return Optional.empty();
    }
    for (PartitionSpec p : partitions) {
      JobSpec job = run.render(p);
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
