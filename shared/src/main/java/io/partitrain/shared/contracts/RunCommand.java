package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An operator's (or a schedule's) request to the orchestrator, on {@link Topics#commands()}, keyed
 * by run id. The orchestrator answers on {@link Topics#runs()} with an event carrying the same
 * {@code commandId}: what it did, or {@link RunEvent.CommandRejected} with the reason.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = RunCommand.StartRun.class, name = "StartRun"),
  @JsonSubTypes.Type(value = RunCommand.StartRunPart.class, name = "StartRunPart"),
  @JsonSubTypes.Type(value = RunCommand.StartRunInParts.class, name = "StartRunInParts"),
  @JsonSubTypes.Type(value = RunCommand.RerunFailed.class, name = "RerunFailed"),
  @JsonSubTypes.Type(value = RunCommand.CancelRun.class, name = "CancelRun"),
  @JsonSubTypes.Type(value = RunCommand.SetCostCap.class, name = "SetCostCap"),
  @JsonSubTypes.Type(value = RunCommand.SetNodeCap.class, name = "SetNodeCap"),
  @JsonSubTypes.Type(value = RunCommand.ApplySchedule.class, name = "ApplySchedule"),
  @JsonSubTypes.Type(value = RunCommand.SetSchedulePaused.class, name = "SetSchedulePaused")
})
public sealed interface RunCommand {

  int schemaVersion();

  /** Correlates the orchestrator's answer with this command. */
  String commandId();

  String runId();

  /** Who asked (user name, or {@code schedule:PLAN}); recorded with the decision. */
  String requestedBy();

  Instant requestedAt();

  /**
   * Start a run of a plan. A run id that already exists is rejected, so a repeated trigger does not
   * start a second run.
   *
   * @param definition the validated plan
   * @param partitions the partitions, in plan order
   * @param computes what the run's Azure ML compute targets hold, as the sender asked the service
   *     just before (empty when it could not ask: a local run, no {@code azureml.*} settings, a
   *     schedule); the orchestrator compares each with its node cap and records a {@link
   *     RunEvent.ComputeCapacityWarning} for a cap the cluster or the quota cannot hold
   * @param refuseOverCapacity refuse the run instead of warning ({@code run start
   *     --refuse-over-capacity})
   */
  record StartRun(
      int schemaVersion,
      String commandId,
      String runId,
      RunDefinition definition,
      List<PartitionSpec> partitions,
      String requestedBy,
      Instant requestedAt,
      List<ComputeCapacity> computes,
      Boolean refuseOverCapacity)
      implements RunCommand {
    public StartRun {
      partitions = partitions == null ? List.of() : List.copyOf(partitions);
      computes = computes == null ? List.of() : List.copyOf(computes);
      refuseOverCapacity = Boolean.TRUE.equals(refuseOverCapacity); // absent in older senders
    }

    /** A start without compute facts (nothing to compare: warnings need {@link #computes}). */
    public StartRun(
        int schemaVersion,
        String commandId,
        String runId,
        RunDefinition definition,
        List<PartitionSpec> partitions,
        String requestedBy,
        Instant requestedAt) {
      this(
          schemaVersion,
          commandId,
          runId,
          definition,
          partitions,
          requestedBy,
          requestedAt,
          List.of(),
          false);
    }

    /** The same command with what the run's compute targets hold, and the operator's choice. */
    public StartRun withComputes(List<ComputeCapacity> checked, boolean refuse) {
      return new StartRun(
          schemaVersion,
          commandId,
          runId,
          definition,
          partitions,
          requestedBy,
          requestedAt,
          checked,
          refuse);
    }
  }

  /**
   * One chunk of the partition list of a start too large for one record (a million partitions):
   * written to the commands topic, keyed by the run id, before the {@link StartRunInParts} that
   * names it by its offset. It is data, not a command: the orchestrator decides nothing when it
   * reads one, and one that no {@link StartRunInParts} names (its sender stopped half-way) starts
   * nothing.
   *
   * @param commandId the command id of the {@link StartRunInParts} it belongs to
   * @param index its place among the start's parts, from 0
   * @param parts how many parts the start has
   * @param partitions this part's partitions, in plan order
   */
  record StartRunPart(
      int schemaVersion,
      String commandId,
      String runId,
      int index,
      int parts,
      List<PartitionSpec> partitions,
      String requestedBy,
      Instant requestedAt)
      implements RunCommand {
    public StartRunPart {
      partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }
  }

  /**
   * A {@link StartRun} whose partitions travel in {@link StartRunPart} records written before it to
   * the same commands-topic partition (same key). The orchestrator reads the parts back at {@link
   * #partOffsets} and decides the assembled {@link StartRun} as one command: every partition or
   * none, so a start is never half-started. A part that is missing, unreadable or belongs to
   * another command refuses the whole start, naming the offset and the rule. An orchestrator older
   * than this record dead-letters it (unknown type) instead of starting part of the run.
   *
   * @param partitionCount the partitions of all parts together (checked on assembly)
   * @param partOffsets the offsets of the parts on this record's commands-topic partition, in
   *     order: part {@code i} at {@code partOffsets[i]}
   */
  record StartRunInParts(
      int schemaVersion,
      String commandId,
      String runId,
      RunDefinition definition,
      int partitionCount,
      List<Long> partOffsets,
      String requestedBy,
      Instant requestedAt,
      List<ComputeCapacity> computes,
      Boolean refuseOverCapacity)
      implements RunCommand {
    public StartRunInParts {
      partOffsets = partOffsets == null ? List.of() : List.copyOf(partOffsets);
      computes = computes == null ? List.of() : List.copyOf(computes);
      refuseOverCapacity = Boolean.TRUE.equals(refuseOverCapacity);
    }

    /** The head of {@code start} once its parts are written at {@code offsets}. */
    public static StartRunInParts of(StartRun start, List<Long> offsets) {
      return new StartRunInParts(
          start.schemaVersion(),
          start.commandId(),
          start.runId(),
          start.definition(),
          start.partitions().size(),
          offsets,
          start.requestedBy(),
          start.requestedAt(),
          start.computes(),
          start.refuseOverCapacity());
    }

    /** The start this head and its parts' partitions (in part order) make together. */
    public StartRun assembled(List<PartitionSpec> partitions) {
      return new StartRun(
          schemaVersion,
          commandId,
          runId,
          definition,
          partitions,
          requestedBy,
          requestedAt,
          computes,
          refuseOverCapacity);
    }
  }

  /**
   * Give every FAILED partition of a run a new attempt (a fresh retry budget). SUCCEEDED partitions
   * are never touched.
   *
   * @param reason why, for the record
   */
  record RerunFailed(
      int schemaVersion,
      String commandId,
      String runId,
      String requestedBy,
      String reason,
      Instant requestedAt)
      implements RunCommand {}

  /**
   * Cancel a run: partitions not yet admitted become CANCELED; in-flight jobs are asked to cancel.
   *
   * @param reason why, for the record
   */
  record CancelRun(
      int schemaVersion,
      String commandId,
      String runId,
      String requestedBy,
      String reason,
      Instant requestedAt)
      implements RunCommand {}

  /**
   * Raise (or lower) a run's cost cap. Deferred partitions that then fit are admitted again.
   *
   * @param to the new cap, in the run's currency, at least 0
   * @param reason why, for the record
   */
  record SetCostCap(
      int schemaVersion,
      String commandId,
      String runId,
      BigDecimal to,
      String requestedBy,
      String reason,
      Instant requestedAt)
      implements RunCommand {}

  /**
   * Set a compute target's node cap, for every run on it. Keyed (and answered) by {@link #keyOf}.
   *
   * @param computeTarget the target (the compute name without {@code azureml:})
   * @param nodes the new cap, at least 0
   * @param reason why, for the record
   */
  record SetNodeCap(
      int schemaVersion,
      String commandId,
      String runId,
      String computeTarget,
      int nodes,
      String requestedBy,
      String reason,
      Instant requestedAt)
      implements RunCommand {

    /** The key a node-cap command and its answer travel under: not a run id. */
    public static String keyOf(String computeTarget) {
      return "compute/" + computeTarget;
    }
  }

  /**
   * Register (or update) a plan's schedule. From then on the orchestrator starts a run of the plan
   * at every fire time; the answer is {@link RunEvent.ScheduleApplied}. An update keeps the
   * schedule's paused state and the fire times already decided.
   *
   * @param runId the schedule's key, {@link ScheduleSpec#key}
   * @param schedule the plan's schedule section
   * @param definition the validated plan
   * @param partitions the partitions, in plan order
   */
  record ApplySchedule(
      int schemaVersion,
      String commandId,
      String runId,
      ScheduleSpec schedule,
      RunDefinition definition,
      List<PartitionSpec> partitions,
      String requestedBy,
      Instant requestedAt)
      implements RunCommand {
    public ApplySchedule {
      partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }
  }

  /**
   * Pause or resume a plan's schedule (an operator's {@code schedule pause|resume PLAN}). While
   * paused, each fire time is recorded as skipped; nothing starts.
   *
   * @param runId the schedule's key, {@link ScheduleSpec#key}
   * @param planName the plan
   * @param paused true to pause, false to resume
   * @param reason why, for the record
   */
  record SetSchedulePaused(
      int schemaVersion,
      String commandId,
      String runId,
      String planName,
      boolean paused,
      String requestedBy,
      String reason,
      Instant requestedAt)
      implements RunCommand {}
}
