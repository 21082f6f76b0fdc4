package io.partitrain.orchestrator.console;

import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** Builders for the run and FinOps events the console folds. */
final class ConsoleEvents {

  static final Instant T0 = Instant.parse("2026-11-23T06:00:00Z");

  private ConsoleEvents() {}

  static RunEvent.RunStarted runStarted(String runId, int partitions, BigDecimal cap) {
    CostBudget budget =
        cap == null ? null : new CostBudget(cap, "EUR", Map.of("local", new BigDecimal("0.10")));
    return new RunEvent.RunStarted(
        Schema.VERSION,
        runId,
        new RunDefinition(
            "weekly-demand", "plan.yml", null, RetryPolicy.defaults(), new RunLimits(4, budget)),
        partitions,
        "cmd-start-" + runId,
        "scheduler",
        T0);
  }

  static RunEvent.PartitionTransitioned moved(
      String runId, String partition, PartitionState from, PartitionState to, int attempt) {
    return moved(runId, partition, from, to, attempt, null, null);
  }

  static RunEvent.PartitionTransitioned moved(
      String runId,
      String partition,
      PartitionState from,
      PartitionState to,
      int attempt,
      FailureClass failure,
      String logPath) {
    return RunEvent.PartitionTransitioned.move(runId, partition, to, T0.plusSeconds(attempt * 10L))
        .from(from)
        .attempt(attempt)
        .reason(failure == null ? null : "exit 1")
        .failureClass(failure)
        .jobName(runId + "-" + partition + "-a" + attempt)
        .tags(Map.of("region", partition.hashCode() % 2 == 0 ? "north" : "south"))
        .logPath(logPath)
        .build();
  }

  static FinOpsRecord.LedgerEntry ledger(String runId, String partition, String cost) {
    return new FinOpsRecord.LedgerEntry(
        Schema.VERSION,
        runId,
        "weekly-demand",
        partition,
        1,
        "local",
        null,
        1,
        36.0,
        new BigDecimal("0.10"),
        new BigDecimal(cost),
        new BigDecimal("0.01"),
        "EUR",
        PartitionState.SUCCEEDED,
        null,
        Map.of("region", "north"),
        T0.plusSeconds(60));
  }

  static FinOpsRecord.CostCapChanged capChanged(String runId, String by, String reason) {
    return new FinOpsRecord.CostCapChanged(
        Schema.VERSION,
        runId,
        "EUR",
        new BigDecimal("1.00"),
        new BigDecimal("2.00"),
        by,
        reason,
        T0.plusSeconds(90));
  }
}
