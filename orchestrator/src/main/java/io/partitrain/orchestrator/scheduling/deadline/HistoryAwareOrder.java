package io.partitrain.orchestrator.scheduling.deadline;

import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import java.util.List;
import java.util.Map;

/**
 * Learns how long each partition of each plan takes from the tracker's own decisions (the billable
 * time of every successful attempt's {@code CostCharged}, live and on replay), and puts a new run's
 * partitions in admission order: longest expected first. The order is decided once, when the run
 * starts, and recorded in the partitions' sequence numbers, so a replay admits in the same order
 * without knowing the history that chose it.
 *
 * <p>A plan without history keeps its own order (FIFO). Runs without a budget are not charged, so
 * they teach nothing; their plans keep plan order.
 */
public final class HistoryAwareOrder {

  private final OrchestratorState state;
  private final ExpectedDurations durations = new ExpectedDurations();

  public HistoryAwareOrder(OrchestratorState state) {
    this.state = state;
  }

  /** What the history says so far. */
  public ExpectedDurations durations() {
    return durations;
  }

  /** An observer for {@link OrchestratorState#onApplied}: learns from successful attempts. */
  public void observe(RunEvent event) {
    if (event instanceof RunEvent.CostCharged c
        && c.outcome() == PartitionState.SUCCEEDED
        && c.billable() != null) {
      state
          .run(c.runId())
          .ifPresent(
              run -> {
                PartitionRecord p = run.partition(c.partitionId());
                durations.record(
                    run.definition().planName(),
                    c.partitionId(),
                    p == null ? Map.of() : p.tags(),
                    c.billable().toMillis() / 1000.0);
              });
    }
  }

  /** The start command with its partitions longest-expected-first; unchanged without history. */
  public RunCommand.StartRun inAdmissionOrder(RunCommand.StartRun start) {
    if (start.definition() == null
        || start.partitions().size() < 2
        || durations.partitionsKnown(start.definition().planName()) == 0) {
      return start;
    }
    ExpectedDurations.Estimator estimator =
        durations.forPlan(start.definition().planName(), ExpectedDurations.Estimate.UNKNOWN);
    List<PartitionSpec> ordered =
        AdmissionOrder.longestExpectedFirst(
            start.partitions(), p -> estimator.estimate(p).seconds(), p -> 0);
    return new RunCommand.StartRun(
        start.schemaVersion(),
        start.commandId(),
        start.runId(),
        start.definition(),
        ordered,
        start.requestedBy(),
        start.requestedAt());
  }
}
