package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.admission.CostCap;
import io.partitrain.orchestrator.admission.NodeCap;
import io.partitrain.orchestrator.finops.FinOpsTrail;
import io.partitrain.orchestrator.scheduling.Scheduler;
import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.PartitionScheduled;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run commands that are not a rerun ({@link Rerun}) or a schedule's: start a run, cancel it,
 * change its cost cap, change a compute target's node cap. Each is checked first; a refused command
 * changes nothing and is answered with the reason.
 */
final class RunCommands {

  private static final Logger log = LoggerFactory.getLogger(RunCommands.class);

  private final OrchestratorState state;
  private final DecisionLog decisions;
  private final NodeCap nodeCap;

  RunCommands(OrchestratorState state, DecisionLog decisions, NodeCap nodeCap) {
    this.state = state;
    this.decisions = decisions;
    this.nodeCap = nodeCap;
  }

  /**
   * Starts a run: its state is built once from the {@code RunStarted} it will record (the job
   * template parsed once), checked, then recorded, and its partitions are scheduled in the same
   * transaction.
   */
  void start(RunCommand.StartRun start, Instant now, Outbox out) {
    Optional<String> problem = Scheduler.problemWith(start);
    if (problem.isEmpty() && state.exists(start.runId())) {
      problem =
          Optional.of("run " + start.runId() + " exists already; a run id starts one run only");
    }
    if (problem.isPresent()) {
      decisions.reject(start, problem.get(), now, out);
      return;
    }
    RunEvent.RunStarted started =
        new RunEvent.RunStarted(
            Schema.VERSION,
            start.runId(),
            start.definition(),
            start.partitions().size(),
            start.commandId(),
            start.requestedBy(),
            now);
    problem = StartCheck.problemWith(start);
    if (problem.isPresent()) {
      decisions.reject(start, problem.get(), now, out);
      return;
    }
    RunState run;
    try {
      run = RunState.start(started);
    } catch (PartitrainException e) {
      decisions.reject(start, e.getMessage(), now, out);
      return;
    }
    problem =
        StartCheck.renderingProblem(run, start, nodeCap)
            .or(() -> CostCap.problemWith(run, start.partitions()));
    if (problem.isPresent()) {
      decisions.reject(start, problem.get(), now, out);
      return;
    }
    List<RunEvent.ComputeCapacityWarning> overCapacity =
        ComputeCapacityCheck.warnings(run, start, nodeCap, now);
    if (start.refuseOverCapacity() && !overCapacity.isEmpty()) {
      decisions.reject(start, ComputeCapacityCheck.refusal(overCapacity), now, out);
      return;
    }
    decisions.start(run, started, out);
    for (RunEvent.ComputeCapacityWarning w : overCapacity) {
      log.warn("[run={}] {}", w.runId(), String.join("; ", w.problems()));
      decisions.emit(w, out);
      decisions.finops(w, out);
    }
    // Each partition's SCHEDULED move is decided here, with the start, in plan order: nothing goes
    // through the partitions topic, which only this process would read back (issue 12).
    for (PartitionScheduled p : Scheduler.partitionsOf(start, now)) {
      decisions.emit(RunEvents.scheduled(p, now), out);
    }
    log.info(
        "[run={}] started by {}: plan {}, {} partitions",
        start.runId(),
        start.requestedBy(),
        start.definition().planName(),
        start.partitions().size());
  }

  /**
   * Cancels a run that has not settled. A settled run is refused with its outcome, whoever sent the
   * command (the CLI, the console, or a record written straight to the commands topic): accepting
   * it would record a cancel that canceled nothing and turn a FAILED run into a CANCELED one.
   */
  void cancel(RunCommand.CancelRun cancel, Instant now, Outbox out) {
    RunState run = state.run(cancel.runId()).orElse(null);
    if (run == null) {
      decisions.reject(cancel, "no run " + cancel.runId(), now, out);
      return;
    }
    if (run.isComplete()) {
      RunSummary summary = run.summary();
      RunOutcome outcome = RunOutcome.of(summary, run.isCanceling());
      if (outcome.isSettled()) {
        decisions.reject(
            cancel,
            "run "
                + run.runId()
                + " already finished: "
                + outcome
                + " at "
                + summary.completedAt().truncatedTo(ChronoUnit.SECONDS)
                + "; nothing to cancel",
            now,
            out);
        return;
      }
    }
    decisions.emit(
        new RunEvent.CancelAccepted(
            Schema.VERSION,
            run.runId(),
            cancel.commandId(),
            cancel.requestedBy(),
            cancel.reason(),
            now),
        out);
    for (PartitionRecord p : List.copyOf(run.partitions())) {
      if (p.state() == PartitionState.SCHEDULED || p.state() == PartitionState.DEFERRED_BY_COST) {
        decisions.emit(
            RunEvents.canceled(run, p, "run canceled by " + cancel.requestedBy(), now), out);
      } else if (p.state().isInFlight()) {
        decisions.work(run, p, WorkItem.Kind.CANCEL, p.attempt(), now, out);
      }
    }
  }

  void setCostCap(RunCommand.SetCostCap set, Instant now, Outbox out) {
    RunState run = state.run(set.runId()).orElse(null);
    String problem =
        run == null
            ? "no run " + set.runId()
            : run.budget() == null
                ? "run " + set.runId() + " has no cost cap (its plan has no budget)"
                : !io.partitrain.shared.contracts.CostBudget.isAmount(set.to())
                    ? "cap = '"
                        + set.to()
                        + "': "
                        + io.partitrain.shared.contracts.CostBudget.AMOUNT_RULE
                    : null;
    if (problem != null) {
      decisions.reject(set, problem, now, out);
      return;
    }
    RunEvent.CostCapChanged changed =
        new RunEvent.CostCapChanged(
            Schema.VERSION,
            run.runId(),
            set.commandId(),
            set.requestedBy(),
            set.reason(),
            run.budget().cap(),
            set.to(),
            now);
    decisions.emit(changed, out);
    decisions.finops(FinOpsTrail.costCapChanged(run, changed), out);
    log.info(
        "[run={}] cost cap {} -> {} {} by {}: {}",
        run.runId(),
        changed.from(),
        changed.to(),
        run.budget().currency(),
        set.requestedBy(),
        set.reason());
  }

  void setNodeCap(RunCommand.SetNodeCap set, Instant now, Outbox out) {
    if (set.computeTarget() == null || set.computeTarget().isBlank() || set.nodes() < 0) {
      decisions.reject(
          set,
          "a node cap needs a compute target and at least 0 nodes, but was "
              + set.computeTarget()
              + "="
              + set.nodes(),
          now,
          out);
      return;
    }
    RunEvent.NodeCapChanged changed =
        new RunEvent.NodeCapChanged(
            Schema.VERSION,
            RunCommand.SetNodeCap.keyOf(set.computeTarget()),
            set.commandId(),
            set.requestedBy(),
            set.reason(),
            set.computeTarget(),
            nodeCap.explicitCapOf(set.computeTarget()),
            set.nodes(),
            now);
    decisions.emit(changed, out);
    decisions.finops(FinOpsTrail.nodeCapChanged(changed), out);
    log.info(
        "node cap of compute target {} -> {} by {}: {}",
        set.computeTarget(),
        set.nodes(),
        set.requestedBy(),
        set.reason());
  }
}
