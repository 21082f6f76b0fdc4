package io.partitrain.orchestrator.console.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.SubmittedJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One run as the console shows it, immutable: built by {@link RunsFold} on its own thread and read
 * by any number of HTTP threads.
 *
 * @param completedAt when the run settled; null while its outcome is not settled
 * @param outcome decided by {@link RunOutcome#of(Map, boolean, boolean)}, as everywhere else
 * @param partitions sorted by partition id
 * @param cost null when the run has no prices
 * @param submissions per partition and attempt, the job as its worker submitted it (code hash,
 *     resolved inputs and outputs, the backend's request, the worker), where the worker reported it
 * @param failureClasses failed partitions per failure class
 * @param summary the orchestrator's latest published summary of the run (as {@code run list} reads
 *     it), if one was read
 * @param cancel the operator's accepted cancel, if any
 * @param costEvents the decisions a FinOps report is built from (budget, cap changes, reservations,
 *     charges, deferrals), in order
 * @param finopsRecords the run's records on the FinOps topic, in order
 * @param detailEvicted true when the console dropped this finished run's detail (partitions, jobs,
 *     ledger, cost timeline, cap events) to bound its memory; the summary stays exact
 * @param warnings the compute targets whose node cap their cluster or quota could not hold at start
 * @param deadlineAtRisk the latest warning that the run will miss its deadline; null when none
 * @param fromFinalSnapshot true when the run's decisions are past the runs topic's retention
 *     ({@code PARTITRAIN_RUNS_RETENTION}) and it is shown from its final snapshot on the state
 *     topic: the same summary, start, cancel and cost totals, each partition's last state and
 *     attempt, but no transition history, no earlier attempt, and no decision other than the start
 *     and the cancel
 * @param retryPending FAILED partitions (counted in {@code byState}) whose next attempt is
 *     scheduled: shown apart, as {@code run show} shows them (RETRY_PENDING)
 */
public record RunView(
    String runId,
    String planName,
    String requestedBy,
    Instant startedAt,
    Instant completedAt,
    RunOutcome outcome,
    int total,
    Map<PartitionState, Integer> byState,
    int attempts,
    List<PartitionView> partitions,
    CostView cost,
    List<CapEventView> capEvents,
    List<FinOpsRecord.LedgerEntry> ledger,
    List<ActionView> actions,
    String planSource,
    JsonNode jobTemplate,
    Map<String, Map<Integer, SubmittedJob>> submissions,
    Map<FailureClass, Integer> failureClasses,
    boolean detailEvicted,
    RunSummary summary,
    RunEvent.CancelAccepted cancel,
    List<RunEvent> costEvents,
    List<FinOpsRecord> finopsRecords,
    List<RunEvent.ComputeCapacityWarning> warnings,
    RunEvent.DeadlineAtRisk deadlineAtRisk,
    boolean fromFinalSnapshot,
    int retryPending) {

  public RunView {
    byState = Map.copyOf(byState);
    partitions = List.copyOf(partitions);
    capEvents = List.copyOf(capEvents);
    ledger = List.copyOf(ledger);
    actions = List.copyOf(actions);
    submissions = submissions == null ? Map.of() : Map.copyOf(submissions);
    failureClasses = failureClasses == null ? Map.of() : Map.copyOf(failureClasses);
    costEvents = costEvents == null ? List.of() : List.copyOf(costEvents);
    finopsRecords = finopsRecords == null ? List.of() : List.copyOf(finopsRecords);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** What the worker submitted for this attempt of this partition, if it said. */
  public SubmittedJob submission(String partitionId, int attempt) {
    Map<Integer, SubmittedJob> byAttempt = submissions.get(partitionId);
    return byAttempt == null ? null : byAttempt.get(attempt);
  }

  /** Whether the run has settled (SUCCEEDED, FAILED or CANCELED): its outcome says so. */
  public boolean complete() {
    return outcome.isSettled();
  }

  public int count(PartitionState state) {
    return byState.getOrDefault(state, 0);
  }
}
