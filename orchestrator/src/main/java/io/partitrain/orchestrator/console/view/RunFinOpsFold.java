package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.Money;
import io.partitrain.shared.contracts.RunEvent;
import java.util.List;

/**
 * What one FinOps record tells about its run: the record kept for the report, a ledger entry, or a
 * cap event with the one line the console shows for it.
 */
final class RunFinOpsFold {

  private RunFinOpsFold() {}

  static void apply(RunAcc a, FinOpsRecord record) {
    if (!a.evicted) {
      a.finopsRecords.add(record);
    }
    if (record instanceof FinOpsRecord.LedgerEntry e) {
      a.ledger(e);
    } else if (record instanceof FinOpsRecord.CostCapReached e) {
      a.capEvent(
          "CostCapReached",
          e.at(),
          null,
          null,
          String.format(
              "cap %s %s reached: spent %s, reserved %s; %d deferred",
              Money.format(e.cap(), e.currency()),
              e.currency(),
              Money.format(e.spent(), e.currency()),
              Money.format(e.reserved(), e.currency()),
              e.deferred().size()),
          e.deferred());
    } else if (record instanceof FinOpsRecord.DeferredAdmitted e) {
      a.capEvent(
          "DeferredAdmitted",
          e.at(),
          null,
          null,
          e.admitted().size() + " admitted, " + e.stillDeferred() + " still deferred",
          e.admitted());
    } else if (record instanceof FinOpsRecord.CostCapChanged e) {
      a.capEvent(
          "CostCapChanged",
          e.at(),
          e.requestedBy(),
          e.reason(),
          "cap "
              + Money.format(e.from(), e.currency())
              + " → "
              + Money.format(e.to(), e.currency())
              + " "
              + e.currency(),
          List.of());
    } else if (record instanceof FinOpsRecord.NodeCapChanged e) {
      a.capEvent(
          "NodeCapChanged",
          e.at(),
          e.requestedBy(),
          e.reason(),
          e.computeTarget() + ": " + e.from() + " → " + e.to() + " nodes",
          List.of());
    } else if (record instanceof RunEvent.ComputeCapacityWarning e) {
      a.capEvent(
          "ComputeCapacityWarning", e.at(), null, null, String.join("; ", e.problems()), List.of());
    } else if (record instanceof FinOpsRecord.CostOverrun e) {
      a.capEvent(
          "CostOverrun",
          e.at(),
          null,
          null,
          e.partitionId()
              + " attempt "
              + e.attempt()
              + " cost "
              + Money.format(e.charged(), e.currency())
              + " of "
              + Money.format(e.reserved(), e.currency())
              + " reserved "
              + e.currency(),
          List.of(e.partitionId()));
    } else if (record instanceof FinOpsRecord.ChargeEstimated e) {
      a.capEvent(
          "ChargeEstimated",
          e.at(),
          null,
          e.reason(),
          e.partitionId()
              + " attempt "
              + e.attempt()
              + " charged "
              + Money.format(e.charged(), e.currency()),
          List.of(e.partitionId()));
    } else if (record instanceof FinOpsRecord.RunCostSettled e) {
      a.capEvent(
          "RunCostSettled",
          e.at(),
          null,
          null,
          "spent "
              + Money.format(e.spent(), e.currency())
              + " of cap "
              + Money.format(e.cap(), e.currency())
              + " "
              + e.currency(),
          e.deferred());
    } else if (record instanceof RunEvent.DeadlineAtRisk e) {
      a.capEvent("DeadlineAtRisk", e.at(), null, null, e.detail(), List.of());
    }
  }
}
