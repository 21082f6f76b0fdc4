package io.partitrain.orchestrator.finops;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunBudget;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FinOps trail: one cost-cap event per cap decision and one ledger entry per finished attempt,
 * and the charge that turns an attempt's reservation into its actual cost. It builds the records;
 * the tracker writes them in the same round (so the same Kafka transaction) as the decision itself.
 */
public final class FinOpsTrail {

  private static final Logger log = LoggerFactory.getLogger(FinOpsTrail.class);

  private FinOpsTrail() {}

  /**
   * How an attempt ended, as the tracker judged it (an outside cancel, for one, is FAILED here).
   *
   * @param seenRunning whether this attempt was seen RUNNING before its end
   */
  public record AttemptEnd(
      PartitionState outcome, FailureClass failureClass, boolean seenRunning) {}

  /**
   * The charge of an attempt that ended: its reservation becomes its actual cost, billable from its
   * start to its end by the backend's own timestamps. Never 0 for a job that may have run: when the
   * start was not seen (the job succeeded, or was seen running) or the times contradict each other,
   * the whole reservation is charged and a {@link FinOpsRecord.ChargeEstimated} says why; an
   * attempt that ended without a start, never seen running and not successful, never started and
   * costs nothing. An attempt that cost more than it reserved gets a {@link
   * FinOpsRecord.CostOverrun}. Null when the attempt holds no reservation (a run without budget).
   */
  public static Charge charge(
      RunState run, PartitionRecord p, JobStatusEvent event, AttemptEnd end, Instant now) {
    RunEvent.CostReserved r =
        run.budget() == null ? null : run.budget().openReservation(p.partitionId(), p.attempt());
    if (r == null) {
      return null;
    }
    Instant started = event.startedAt();
    Instant finished = event.finishedAt() != null ? event.finishedAt() : event.observedAt();
    String unknownBecause = null;
    Duration billable;
    if (started != null && finished != null && !finished.isBefore(started)) {
      billable = Duration.between(started, finished);
    } else if (started == null && !end.seenRunning() && end.outcome() != PartitionState.SUCCEEDED) {
      billable = Duration.ZERO; // ended before it ever ran
    } else {
      billable = r.timeout();
      unknownBecause =
          started == null
              ? "its end was seen ("
                  + end.outcome()
                  + ") but not its start: charged the whole reservation"
              : "the backend's times contradict each other (started "
                  + started
                  + ", finished "
                  + finished
                  + "): charged the whole reservation";
    }
    BigDecimal cost = CostBudget.cost(r.nodes(), r.pricePerNodeHour(), billable);
    FinOpsRecord review = null;
    if (unknownBecause != null) {
      log.warn(
          "[run={} partition={} attempt={}] {}",
          run.runId(),
          p.partitionId(),
          p.attempt(),
          unknownBecause);
      review =
          new FinOpsRecord.ChargeEstimated(
              Schema.VERSION,
              run.runId(),
              p.partitionId(),
              p.attempt(),
              run.budget().currency(),
              cost,
              unknownBecause,
              now);
    } else if (cost.compareTo(r.amount()) > 0) {
      log.warn(
          "[run={} partition={} attempt={}] billed {} beyond its reserved timeout {}: the backend"
              + " did not stop the job at its limit",
          run.runId(),
          p.partitionId(),
          p.attempt(),
          billable,
          r.timeout());
      review =
          new FinOpsRecord.CostOverrun(
              Schema.VERSION,
              run.runId(),
              p.partitionId(),
              p.attempt(),
              run.budget().currency(),
              r.amount(),
              cost,
              billable.toMillis() / 1000.0,
              r.timeout().toMillis() / 1000.0,
              now);
    }
    PartitionState outcome = end.outcome();
    return new Charge(
        r,
        new RunEvent.CostCharged(
            Schema.VERSION,
            run.runId(),
            p.partitionId(),
            p.attempt(),
            r.amount(),
            cost,
            billable,
            started,
            finished,
            outcome,
            outcome == PartitionState.SUCCEEDED ? null : end.failureClass(),
            now),
        review);
  }

  /**
   * An attempt's charge and the reservation it settles.
   *
   * @param review a FinOps event about the charge (an overrun, an estimate), or null
   */
  public record Charge(
      RunEvent.CostReserved reserved, RunEvent.CostCharged charged, FinOpsRecord review) {}

  public static FinOpsRecord capReached(RunState run, List<String> deferred, Instant now) {
    RunBudget b = run.budget();
    return new FinOpsRecord.CostCapReached(
        Schema.VERSION,
        run.runId(),
        b.currency(),
        b.cap(),
        b.spent(),
        b.reserved(),
        projected(run),
        deferred,
        now);
  }

  public static FinOpsRecord deferredAdmitted(RunState run, List<String> admitted, Instant now) {
    RunBudget b = run.budget();
    return new FinOpsRecord.DeferredAdmitted(
        Schema.VERSION,
        run.runId(),
        b.currency(),
        b.cap(),
        b.spent(),
        b.reserved(),
        admitted,
        run.deferred().size(),
        now);
  }

  public static FinOpsRecord costCapChanged(RunState run, RunEvent.CostCapChanged c) {
    return new FinOpsRecord.CostCapChanged(
        Schema.VERSION,
        run.runId(),
        run.budget().currency(),
        c.from(),
        c.to(),
        c.requestedBy(),
        c.reason(),
        c.at());
  }

  public static FinOpsRecord nodeCapChanged(RunEvent.NodeCapChanged c) {
    return new FinOpsRecord.NodeCapChanged(
        Schema.VERSION,
        c.runId(),
        c.computeTarget(),
        c.from(),
        c.to(),
        c.requestedBy(),
        c.reason(),
        c.at());
  }

  /** The ledger entry of a charged attempt. */
  public static FinOpsRecord ledger(RunState run, PartitionRecord p, Charge charge) {
    RunEvent.CostReserved r = charge.reserved();
    RunEvent.CostCharged c = charge.charged();
    return new FinOpsRecord.LedgerEntry(
        Schema.VERSION,
        run.runId(),
        run.definition().planName(),
        p.partitionId(),
        c.attempt(),
        r.computeTarget(),
        r.instanceType(),
        r.nodes(),
        c.billable().toMillis() / 1000.0,
        r.pricePerNodeHour(),
        c.cost(),
        r.amount(),
        run.budget().currency(),
        c.outcome(),
        c.failureClass(),
        p.tags(),
        c.at());
  }

  public static FinOpsRecord settled(RunState run, Instant now) {
    RunBudget b = run.budget();
    BigDecimal projected = BigDecimal.ZERO;
    for (PartitionRecord p : run.partitions()) {
      projected = projected.add(b.reservationOf(run.jobOf(p)).amount());
    }
    List<String> deferred = run.deferred().stream().map(PartitionRecord::partitionId).toList();
    return new FinOpsRecord.RunCostSettled(
        Schema.VERSION,
        run.runId(),
        b.currency(),
        b.cap(),
        b.spent(),
        projected,
        b.spent().compareTo(projected) > 0,
        deferred,
        now);
  }

  /** Spent, plus held, plus the worst case of every partition not admitted yet. */
  private static BigDecimal projected(RunState run) {
    RunBudget b = run.budget();
    BigDecimal total = b.spent().add(b.reserved());
    for (PartitionRecord p : run.partitions()) {
      if (p.state() == PartitionState.SCHEDULED
          || p.state() == PartitionState.DEFERRED_BY_COST
          || p.hasRetryPending()) {
        total = total.add(b.reservationOf(run.jobOf(p)).amount());
      }
    }
    return total;
  }
}
