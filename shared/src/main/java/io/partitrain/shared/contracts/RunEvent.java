package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The orchestrator's record of what it decided, on {@link Topics#runs()}, keyed by run id. The
 * tracker's state is the fold of these events (replayed on start-up), which is why every decision
 * is one of them (DESIGN.md, invariant 6). {@link RunSnapshot} is the exception: a published view
 * for the CLI, ignored on replay.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = RunEvent.RunStarted.class, name = "RunStarted"),
  @JsonSubTypes.Type(value = RunEvent.PartitionTransitioned.class, name = "PartitionTransitioned"),
  @JsonSubTypes.Type(value = RunEvent.PartitionMoves.class, name = "PartitionMoves"),
  @JsonSubTypes.Type(value = RunEvent.RetryScheduled.class, name = "RetryScheduled"),
  @JsonSubTypes.Type(value = RunEvent.RerunAccepted.class, name = "RerunAccepted"),
  @JsonSubTypes.Type(value = RunEvent.CancelAccepted.class, name = "CancelAccepted"),
  @JsonSubTypes.Type(value = RunEvent.RunCompleted.class, name = "RunCompleted"),
  @JsonSubTypes.Type(value = RunEvent.CommandRejected.class, name = "CommandRejected"),
  @JsonSubTypes.Type(value = RunEvent.RunSnapshot.class, name = "RunSnapshot"),
  @JsonSubTypes.Type(value = RunEvent.CostReserved.class, name = "CostReserved"),
  @JsonSubTypes.Type(value = RunEvent.CostCharged.class, name = "CostCharged"),
  @JsonSubTypes.Type(value = RunEvent.CostCapChanged.class, name = "CostCapChanged"),
  @JsonSubTypes.Type(value = RunEvent.NodeCapChanged.class, name = "NodeCapChanged"),
  @JsonSubTypes.Type(
      value = RunEvent.ComputeCapacityWarning.class,
      name = "ComputeCapacityWarning"),
  @JsonSubTypes.Type(value = RunEvent.ScheduleApplied.class, name = "ScheduleApplied"),
  @JsonSubTypes.Type(value = RunEvent.SchedulePauseChanged.class, name = "SchedulePauseChanged"),
  @JsonSubTypes.Type(value = RunEvent.ScheduleFired.class, name = "ScheduleFired"),
  @JsonSubTypes.Type(value = RunEvent.ScheduleSkipped.class, name = "ScheduleSkipped"),
  @JsonSubTypes.Type(value = RunEvent.AdoptionRequested.class, name = "AdoptionRequested"),
  @JsonSubTypes.Type(value = RunEvent.DeadlineAtRisk.class, name = "DeadlineAtRisk")
})
public sealed interface RunEvent {

  int schemaVersion();

  String runId();

  Instant at();

  /**
   * An event that answers an operator's {@link RunCommand}: it carries the command's id, which is
   * how the CLI finds the answer to what it sent.
   */
  non-sealed interface Answer extends RunEvent {
    String commandId();
  }

  /**
   * A run was accepted and its partitions scheduled.
   *
   * @param definition the plan it runs
   * @param partitionCount how many {@link PartitionScheduled} messages belong to it
   * @param commandId the {@link RunCommand.StartRun} it answers
   * @param requestedBy who started it
   */
  record RunStarted(
      int schemaVersion,
      String runId,
      RunDefinition definition,
      int partitionCount,
      String commandId,
      String requestedBy,
      Instant at)
      implements Answer {}

  /**
   * One move of one partition's state machine.
   *
   * @param partitionId the partition
   * @param from the state before; null when the partition is first scheduled
   * @param to the state after
   * @param attempt the attempt the move belongs to (0 before the first admission)
   * @param reason why, in one line
   * @param failureClass for FAILED and CANCELED
   * @param jobName the job of this attempt, from ADMITTED on
   * @param tags the partition's tags, on the first move only
   * @param sequence the partition's position in the plan, on the first move only
   * @param logPath where the attempt's log is, on terminal moves
   * @param metrics what the job reported, on SUCCEEDED
   * @param studioUrl the job's page in the backend's own UI (Azure ML Studio), on moves a worker
   *     reported for a backend that has one; absent in events written before it existed
   * @param submission the job as its worker submitted it (code hash, resolved inputs and outputs,
   *     the backend's request, the worker), on SUBMITTED when the worker reported it
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PartitionTransitioned(
      int schemaVersion,
      String runId,
      String partitionId,
      PartitionState from,
      PartitionState to,
      int attempt,
      String reason,
      FailureClass failureClass,
      String jobName,
      Map<String, String> tags,
      Integer sequence,
      String logPath,
      Map<String, Double> metrics,
      Instant at,
      String studioUrl,
      SubmittedJob submission)
      implements RunEvent {

    /**
     * The way to build a move of {@code partitionId} to {@code to}; every other field is named as
     * it is set, and what the move does not carry stays null.
     */
    public static PartitionTransitionedBuilder move(
        String runId, String partitionId, PartitionState to, Instant at) {
      return new PartitionTransitionedBuilder(runId, partitionId, to, at);
    }
  }

  /**
   * Several {@link PartitionTransitioned} moves of one run's partitions, decided in one window of
   * the orchestrator's loop and written as one record (issue 12: a record per move made the runs
   * topic carry four records per partition). It stands for its moves, in order, and for nothing
   * else: every reader of the runs topic applies {@link #unbatched} of what it reads, so the fold,
   * the console, the CLI and FinOps see the same moves as before. The orchestrator writes it where
   * the last of its moves was decided; no other event of the run lies between its moves.
   *
   * @param moves the moves, in the order they were decided; each names this run
   * @param at when the last of them was decided
   */
  record PartitionMoves(
      int schemaVersion, String runId, List<PartitionTransitioned> moves, Instant at)
      implements RunEvent {
    public PartitionMoves {
      moves = moves == null ? List.of() : List.copyOf(moves);
      for (PartitionTransitioned m : moves) {
        if (m == null || !Objects.equals(m.runId(), runId)) {
          throw new IllegalArgumentException(
              "PartitionMoves.moves: every move must belong to run "
                  + runId
                  + ", but one was of run "
                  + (m == null ? null : m.runId()));
        }
      }
    }
  }

  /**
   * The events a record of the runs topic stands for: the moves of a {@link PartitionMoves}, else
   * the record itself. Readers fold what this returns, so a batch and its moves read the same.
   */
  static List<RunEvent> unbatched(RunEvent event) {
    if (event instanceof PartitionMoves batch) {
      return List.copyOf(batch.moves());
    }
    return List.of(event);
  }

  /**
   * A FAILED partition will get another attempt once {@code notBefore} has passed and admission
   * allows it.
   *
   * @param nextAttempt the attempt number it will get
   * @param notBefore earliest admission time (backoff with jitter; now for a rerun)
   * @param cause an automatic retry, or an operator's rerun
   */
  record RetryScheduled(
      int schemaVersion,
      String runId,
      String partitionId,
      int nextAttempt,
      Instant notBefore,
      Cause cause,
      Instant at)
      implements RunEvent {

    /** Who asked for the new attempt. */
    public enum Cause {
      RETRY,
      RERUN
    }
  }

  /**
   * The answer to {@link RunCommand.RerunFailed}.
   *
   * @param partitionIds the FAILED partitions that will run again (may be empty)
   */
  record RerunAccepted(
      int schemaVersion,
      String runId,
      String commandId,
      String requestedBy,
      String reason,
      List<String> partitionIds,
      Instant at)
      implements Answer {
    public RerunAccepted {
      partitionIds = partitionIds == null ? List.of() : List.copyOf(partitionIds);
    }
  }

  /** The answer to {@link RunCommand.CancelRun}. */
  record CancelAccepted(
      int schemaVersion,
      String runId,
      String commandId,
      String requestedBy,
      String reason,
      Instant at)
      implements Answer {}

  /** Every partition of the run is terminal. A rerun reopens the run; it then completes again. */
  record RunCompleted(int schemaVersion, String runId, RunSummary summary, Instant at)
      implements RunEvent {}

  /** A command the orchestrator refused, with the reason (unknown run, duplicate run id, ...). */
  record CommandRejected(
      int schemaVersion, String runId, String commandId, String reason, Instant at)
      implements Answer {}

  /** The run's current summary, published for readers; not a decision, ignored on replay. */
  record RunSnapshot(int schemaVersion, String runId, RunSummary summary, Instant at)
      implements RunEvent {}

  // ---- caps (DESIGN.md, Caps; invariants 3 and 4) -----------------------------------------

  /**
   * Admission reserved the worst case of one attempt against the run's cost cap; the attempt is
   * submitted with exactly {@code timeout} as its {@code limits.timeout}. Emitted just before the
   * partition's move to ADMITTED.
   *
   * @param attempt the attempt the money is held for
   * @param computeTarget where the job runs
   * @param instanceType its {@code resources.instance_type}, if any
   * @param nodes {@code resources.instance_count}
   * @param pricePerNodeHour the price used
   * @param timeout the timeout reserved for (and submitted with)
   * @param amount {@code nodes × price × timeout}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record CostReserved(
      int schemaVersion,
      String runId,
      String partitionId,
      int attempt,
      String computeTarget,
      String instanceType,
      int nodes,
      BigDecimal pricePerNodeHour,
      Duration timeout,
      BigDecimal amount,
      Instant at)
      implements RunEvent {}

  /**
   * An attempt ended: its reservation is released and its actual cost is spent (billable from the
   * first Provisioning/Preparing/Running status to the terminal one). One per reserved attempt; it
   * is also the cost ledger entry.
   *
   * @param attempt the attempt
   * @param reserved what {@link CostReserved} held for it
   * @param cost the actual cost, at most {@code reserved} while the backend enforces the timeout
   * @param billable billable time
   * @param startedAt when billable time began; null when the job never started
   * @param finishedAt when the job ended
   * @param outcome SUCCEEDED, FAILED or CANCELED
   * @param failureClass for FAILED and CANCELED
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record CostCharged(
      int schemaVersion,
      String runId,
      String partitionId,
      int attempt,
      BigDecimal reserved,
      BigDecimal cost,
      Duration billable,
      Instant startedAt,
      Instant finishedAt,
      PartitionState outcome,
      FailureClass failureClass,
      Instant at)
      implements RunEvent {}

  /**
   * An operator raised or lowered a run's cost cap ({@link RunCommand.SetCostCap}).
   *
   * @param from the cap before
   * @param to the cap now
   */
  record CostCapChanged(
      int schemaVersion,
      String runId,
      String commandId,
      String requestedBy,
      String reason,
      BigDecimal from,
      BigDecimal to,
      Instant at)
      implements Answer {}

  /**
   * An operator set a compute target's node cap ({@link RunCommand.SetNodeCap}); it applies to
   * every run on that target. {@code runId} is {@link RunCommand.SetNodeCap#keyOf} of the target.
   *
   * @param computeTarget the target
   * @param from the cap before (null: the configured default applied)
   * @param to the cap now
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record NodeCapChanged(
      int schemaVersion,
      String runId,
      String commandId,
      String requestedBy,
      String reason,
      String computeTarget,
      Integer from,
      int to,
      Instant at)
      implements Answer {}

  /**
   * At run start, a compute target's node cap was more than its Azure ML cluster or the
   * subscription's vCPU quota can hold: jobs beyond it would wait in {@code Queued} while the cost
   * cap reserves money for them. The run started anyway (with {@code --refuse-over-capacity} it
   * would have been refused with the same sentences). Recorded right after {@link RunStarted}, and
   * the same record goes to the FinOps topic (it is a {@link FinOpsRecord.CapEvent} too: one
   * definition of the event for both topics).
   *
   * @param computeTarget the target
   * @param nodeCap the node cap at run start; null when the target had none
   * @param capacity what the service answered; null in FinOps records written before issue 24,
   *     which carried only {@link #nodesItHolds}
   * @param problems what does not fit, one sentence each with its fix
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ComputeCapacityWarning(
      int schemaVersion,
      String runId,
      String computeTarget,
      Integer nodeCap,
      ComputeCapacity capacity,
      List<String> problems,
      Instant at)
      implements RunEvent, FinOpsRecord.CapEvent {
    public ComputeCapacityWarning {
      problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /**
     * What the cluster and the free quota hold together ({@link ComputeCapacity#nodesItHolds}),
     * written as a field of its own because the FinOps topic's readers had it before this record
     * carried the whole {@code capacity}; null when the capacity is unknown.
     */
    @JsonProperty("nodesItHolds")
    public Integer nodesItHolds() {
      return capacity == null ? null : capacity.nodesItHolds();
    }
  }

  // ---- schedules: keyed by ScheduleSpec.key(plan); the schedule book is their fold -----------

  /**
   * A plan's schedule was registered or updated ({@link RunCommand.ApplySchedule}).
   *
   * @param runId the schedule's key, {@link ScheduleSpec#key}
   */
  record ScheduleApplied(
      int schemaVersion,
      String runId,
      String planName,
      ScheduleSpec schedule,
      RunDefinition definition,
      List<PartitionSpec> partitions,
      String commandId,
      String requestedBy,
      Instant at)
      implements Answer {
    public ScheduleApplied {
      partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }
  }

  /**
   * An operator paused or resumed a schedule.
   *
   * @param runId the schedule's key, {@link ScheduleSpec#key}
   */
  record SchedulePauseChanged(
      int schemaVersion,
      String runId,
      String planName,
      boolean paused,
      String commandId,
      String requestedBy,
      String reason,
      Instant at)
      implements Answer {}

  /**
   * A fire time started its run (the run's {@link RunStarted} follows in the same transaction, or a
   * {@link CommandRejected} if the run id exists already).
   *
   * @param runId the run it starts, named from the plan and {@code scheduledFor}
   * @param scheduledFor the fire time
   */
  record ScheduleFired(
      int schemaVersion, String runId, String planName, Instant scheduledFor, Instant at)
      implements RunEvent {}

  /**
   * A fire time that started nothing, and why.
   *
   * @param runId the run it would have started
   * @param scheduledFor the fire time
   * @param reason why nothing started
   * @param detail one line for humans (the active run, how late it was)
   */
  record ScheduleSkipped(
      int schemaVersion,
      String runId,
      String planName,
      Instant scheduledFor,
      Reason reason,
      String detail,
      Instant at)
      implements RunEvent {

    /** Why a fire time started nothing. */
    public enum Reason {
      /** Found later than the schedule's startingDeadline (the orchestrator was down). */
      MISSED_DEADLINE,
      /** concurrencyPolicy Forbid and an earlier run of the plan is active. */
      PREVIOUS_RUN_ACTIVE,
      /** The schedule is paused. */
      PAUSED
    }
  }

  // ---- liveness ---------------------------------------------------------------------------

  /**
   * The watcher of an in-flight job went silent (no status or heartbeat for longer than the silence
   * timeout), so the tracker asked any worker to adopt the job ({@link WorkItem.Kind#ADOPT}).
   *
   * @param attempt the attempt whose job is adopted
   * @param jobName its job
   * @param lastSeen the last sign of life the tracker had
   */
  record AdoptionRequested(
      int schemaVersion,
      String runId,
      String partitionId,
      int attempt,
      String jobName,
      Instant lastSeen,
      Instant at)
      implements RunEvent {}

  // ---- deadline ---------------------------------------------------------------------------

  /**
   * The run's forecast end crossed its deadline (the plan's {@code deadline}): at the node cap in
   * force and at the expected times from the ledger, the partitions not yet finished would end
   * after it. Recorded once per run (replay remembers it), and the same record goes to the FinOps
   * topic for people, so that whoever owns the cap can raise it in time (it is a {@link
   * FinOpsRecord.CapEvent} too: one definition of the event for both topics).
   *
   * @param deadline when the run must be done
   * @param expectedEnd when it is now expected to end; null when nothing can start (node cap 0)
   * @param remaining partitions not yet finished (in flight, waiting, or with a retry pending)
   * @param computeTarget the compute target that ends last
   * @param nodeCap that target's node cap; null when it has none
   * @param capToMeet the smallest node cap on that target that would meet the deadline; null when
   *     none would (the longest job or maxInFlight is the limit)
   * @param detail one line for people
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record DeadlineAtRisk(
      int schemaVersion,
      String runId,
      Instant deadline,
      Instant expectedEnd,
      int remaining,
      String computeTarget,
      Integer nodeCap,
      Integer capToMeet,
      String detail,
      Instant at)
      implements RunEvent, FinOpsRecord.CapEvent {}
}
