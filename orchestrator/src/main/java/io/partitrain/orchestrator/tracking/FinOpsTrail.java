package io.partitrain.orchestrator.tracking;

import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.Topics;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Writes the FinOps trail: one cost-cap event per cap decision and one ledger entry per finished
 * attempt, into the same {@link Outbox} (so the same Kafka transaction) as the decision itself.
 */
final class FinOpsTrail {

  private final Topics topics;

  FinOpsTrail(Topics topics) {
    this.topics = topics;
  }

  void capReached(RunState run, List<String> deferred, Instant now, Outbox out) {
    RunBudget b = run.budget();
    send(
        out,
        new FinOpsRecord.CostCapReached(
            Schema.VERSION,
            run.runId(),
            b.currency(),
            b.cap(),
            b.spent(),
            b.reserved(),
            projected(run),
            deferred,
            now));
  }

  void deferredAdmitted(RunState run, List<String> admitted, Instant now, Outbox out) {
    RunBudget b = run.budget();
    send(
        out,
        new FinOpsRecord.DeferredAdmitted(
            Schema.VERSION,
            run.runId(),
            b.currency(),
            b.cap(),
            b.spent(),
            b.reserved(),
            admitted,
            run.deferred().size(),
            now));
  }

  void costCapChanged(RunState run, RunEvent.CostCapChanged c, Outbox out) {
    send(
        out,
        new FinOpsRecord.CostCapChanged(
            Schema.VERSION,
            run.runId(),
            run.budget().currency(),
            c.from(),
            c.to(),
            c.requestedBy(),
            c.reason(),
            c.at()));
  }

  void nodeCapChanged(RunEvent.NodeCapChanged c, Outbox out) {
    send(
        out,
        new FinOpsRecord.NodeCapChanged(
            Schema.VERSION,
            c.runId(),
            c.computeTarget(),
            c.from(),
            c.to(),
            c.requestedBy(),
            c.reason(),
            c.at()));
  }

  void ledger(
      RunState run,
      PartitionRecord p,
      RunEvent.CostReserved r,
      RunEvent.CostCharged c,
      Outbox out) {
    send(
        out,
        new FinOpsRecord.LedgerEntry(
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
            c.at()));
  }

  void settled(RunState run, Instant now, Outbox out) {
    RunBudget b = run.budget();
    BigDecimal projected = BigDecimal.ZERO;
    for (PartitionRecord p : run.partitions()) {
      projected = projected.add(b.reservationOf(run.jobOf(p)).amount());
    }
    List<String> deferred = run.deferred().stream().map(PartitionRecord::partitionId).toList();
    send(
        out,
        new FinOpsRecord.RunCostSettled(
            Schema.VERSION,
            run.runId(),
            b.currency(),
            b.cap(),
            b.spent(),
            projected,
            b.spent().compareTo(projected) > 0,
            deferred,
            now));
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

  private void send(Outbox out, FinOpsRecord record) {
    out.send(topics.finops(), record.runId(), record);
  }

  static String nodeCapKey(String target) {
    return RunCommand.SetNodeCap.keyOf(target);
  }
}
