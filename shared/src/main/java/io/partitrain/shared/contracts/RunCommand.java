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
  @JsonSubTypes.Type(value = RunCommand.RerunFailed.class, name = "RerunFailed"),
  @JsonSubTypes.Type(value = RunCommand.CancelRun.class, name = "CancelRun"),
  @JsonSubTypes.Type(value = RunCommand.SetCostCap.class, name = "SetCostCap"),
  @JsonSubTypes.Type(value = RunCommand.SetNodeCap.class, name = "SetNodeCap")
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
   * Start a run of a plan. A run id that already exists is rejected, so a repeated trigger does
   * not start a second run.
   *
   * @param definition the validated plan
   * @param partitions the partitions, in plan order
   */
  record StartRun(
      int schemaVersion,
      String commandId,
      String runId,
      RunDefinition definition,
      List<PartitionSpec> partitions,
      String requestedBy,
      Instant requestedAt)
      implements RunCommand {
    public StartRun {
      partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }
  }

  /**
   * Give every FAILED partition of a run a new attempt (a fresh retry budget). SUCCEEDED
   * partitions are never touched.
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
}
