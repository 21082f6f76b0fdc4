package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.RetryScheduled;
import io.partitrain.shared.contracts.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's rerun of a run's failed partitions ({@code partitrain run rerun --failed}): every
 * FAILED partition without a retry pending gets a new attempt now, with a fresh retry budget, and
 * nothing else is touched (DESIGN.md, invariant 5: a SUCCEEDED partition is never resubmitted).
 *
 * <p>The decision is one {@link RetryScheduled} of cause RERUN per partition, then the {@link
 * RunEvent.RerunAccepted} answer naming them. What a RERUN does to a partition (its attempt budget
 * restarts, the run reopens) is the fold's rule for that event, in {@code RunState}.
 */
final class Rerun {

  private static final Logger log = LoggerFactory.getLogger(Rerun.class);

  private final OrchestratorState state;
  private final DecisionLog decisions;

  Rerun(OrchestratorState state, DecisionLog decisions) {
    this.state = state;
    this.decisions = decisions;
  }

  /**
   * Why a rerun is refused, with the way on: a canceled run stays canceled, so its failures run
   * again in a new run (issue 23, item 8: "was canceled" left operators stuck).
   */
  static String refusal(String runId, RunState run) {
    if (run == null) {
      return "no run " + runId;
    }
    return "run "
        + runId
        + " was canceled by "
        + (run.cancel() == null ? "an operator" : run.cancel().requestedBy())
        + " and stays canceled; to run its partitions again, start a new run of plan "
        + run.definition().planName()
        + " with another run id (partitrain run start --plan PLAN --run-id NEW_ID)";
  }

  void rerun(RunCommand.RerunFailed rerun, Instant now, Outbox out) {
    RunState run = state.run(rerun.runId()).orElse(null);
    if (run == null || run.isCanceling()) {
      decisions.reject(rerun, refusal(rerun.runId(), run), now, out);
      return;
    }
    List<String> ids = new ArrayList<>();
    for (PartitionRecord p : run.partitions()) {
      if (p.state() == PartitionState.FAILED && !p.hasRetryPending()) {
        ids.add(p.partitionId());
        decisions.emit(RunEvents.retry(run, p, now, RetryScheduled.Cause.RERUN, now), out);
      }
    }
    decisions.emit(
        new RunEvent.RerunAccepted(
            Schema.VERSION,
            run.runId(),
            rerun.commandId(),
            rerun.requestedBy(),
            rerun.reason(),
            ids,
            now),
        out);
    log.info(
        "[run={}] rerun of {} failed partitions requested by {}",
        run.runId(),
        ids.size(),
        rerun.requestedBy());
  }
}
