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
   * The charge of an attempt that ended: its reservation becomes its actual cost, billable from its
   * first running status to its terminal one (the backend's own timestamps). Null when the attempt
   * holds no reservation (a run without budget).
   */
  public static Charge charge(
      RunState run, PartitionRecord p, JobStatusEvent event, FailureClass fc, Instant now) {
    RunEvent.CostReserved r =
        run.budget() == null ? null : run.budget().openReservation(p.partitionId(), p.attempt());
    if (r == null) {
      return null;
    }
    PartitionState outcome = event.phase().partitionState();
    Instant finished = event.finishedAt() != null ? event.finishedAt() : event.observedAt();
    Duration billable =
        event.startedAt() == null || finished == null
            ? Duration.ZERO
            : Duration.between(event.startedAt(), finished);
    if (billable.isNegative()) {
      billable = Duration.ZERO;
    }
    BigDecimal cost = CostBudget.cost(r.nodes(), r.pricePerNodeHour(), billable);
    if (cost.compareTo(r.amount()) > 0) {
      log.warn(
          "[run={} partition={} attempt={}] billed {} beyond its reserved timeout {}: the backend"
              + " did not stop the job at its limit",
          run.runId(),
          p.partitionId(),
          p.attempt(),
          billable,
          r.timeout());
    }
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
            event.startedAt(),
            finished,
            outcome,
            outcome == PartitionState.SUCCEEDED ? null : fc,
            now));
  }

  /** An attempt's charge and the reservation it settles. */
  public record Charge(RunEvent.CostReserved reserved, RunEvent.CostCharged charged) {}

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

  public static FinOpsRecord computeCapacityWarning(RunEvent.ComputeCapacityWarning w) {
    return new FinOpsRecord.ComputeCapacityWarning(
        Schema.VERSION,
        w.runId(),
        w.computeTarget(),
        w.nodeCap(),
        w.capacity().nodesItHolds(),
        w.problems(),
        w.at());
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
