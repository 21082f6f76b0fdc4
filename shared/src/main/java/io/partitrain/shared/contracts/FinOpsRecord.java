package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What FinOps reads on {@link Topics#finops()}, keyed by run id: one cost-cap event per decision
 * (never one per poll) and one {@link LedgerEntry} per finished attempt. The orchestrator writes
 * each in the same Kafka transaction as the decision it describes, so the trail has no gaps and no
 * duplicates. These records are a view for people; the tracker's state is rebuilt from the runs
 * topic, never from here.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = FinOpsRecord.CostCapReached.class, name = "CostCapReached"),
  @JsonSubTypes.Type(value = FinOpsRecord.DeferredAdmitted.class, name = "DeferredAdmitted"),
  @JsonSubTypes.Type(value = FinOpsRecord.CostCapChanged.class, name = "CostCapChanged"),
  @JsonSubTypes.Type(value = FinOpsRecord.NodeCapChanged.class, name = "NodeCapChanged"),
  @JsonSubTypes.Type(
      value = RunEvent.ComputeCapacityWarning.class,
      name = "ComputeCapacityWarning"),
  @JsonSubTypes.Type(value = FinOpsRecord.RunCostSettled.class, name = "RunCostSettled"),
  @JsonSubTypes.Type(value = FinOpsRecord.LedgerEntry.class, name = "LedgerEntry"),
  @JsonSubTypes.Type(value = FinOpsRecord.CostOverrun.class, name = "CostOverrun"),
  @JsonSubTypes.Type(value = FinOpsRecord.ChargeEstimated.class, name = "ChargeEstimated"),
  @JsonSubTypes.Type(value = RunEvent.DeadlineAtRisk.class, name = "DeadlineAtRisk")
})
public sealed interface FinOpsRecord {

  int schemaVersion();

  String runId();

  Instant at();

  /**
   * Cost-cap events; {@link LedgerEntry} is the one record that is not. Two are run events written
   * to both topics as they are ({@link RunEvent.ComputeCapacityWarning}, {@link
   * RunEvent.DeadlineAtRisk}): one definition per event, not a FinOps copy of each.
   */
  sealed interface CapEvent extends FinOpsRecord
      permits CostCapReached,
          DeferredAdmitted,
          CostCapChanged,
          NodeCapChanged,
          RunEvent.ComputeCapacityWarning,
          RunCostSettled,
          CostOverrun,
          ChargeEstimated,
          RunEvent.DeadlineAtRisk {}

  /**
   * The run's budget cannot take the next partitions: they became DEFERRED_BY_COST.
   *
   * @param cap the cap
   * @param spent actual cost of finished attempts
   * @param reserved worst case held for attempts in flight
   * @param projected spent + reserved + the worst case of every partition not yet admitted
   * @param deferred the partitions deferred by this decision
   */
  record CostCapReached(
      int schemaVersion,
      String runId,
      String currency,
      BigDecimal cap,
      BigDecimal spent,
      BigDecimal reserved,
      BigDecimal projected,
      List<String> deferred,
      Instant at)
      implements CapEvent {
    public CostCapReached {
      deferred = deferred == null ? List.of() : List.copyOf(deferred);
    }
  }

  /**
   * Budget freed up (an attempt cost less than it reserved) or the cap was raised, and deferred
   * partitions were admitted again, or released to wait for maxInFlight or a node cap (no longer
   * held back by the budget). One per decision, naming every partition it moved.
   *
   * @param admitted the partitions admitted again, or released to SCHEDULED, by this decision
   * @param stillDeferred how many remain deferred
   */
  record DeferredAdmitted(
      int schemaVersion,
      String runId,
      String currency,
      BigDecimal cap,
      BigDecimal spent,
      BigDecimal reserved,
      List<String> admitted,
      int stillDeferred,
      Instant at)
      implements CapEvent {
    public DeferredAdmitted {
      admitted = admitted == null ? List.of() : List.copyOf(admitted);
    }
  }

  /** An operator raised or lowered the run's cost cap. */
  record CostCapChanged(
      int schemaVersion,
      String runId,
      String currency,
      BigDecimal from,
      BigDecimal to,
      String requestedBy,
      String reason,
      Instant at)
      implements CapEvent {

    public boolean raised() {
      return to.compareTo(from) > 0;
    }
  }

  /** An operator set a compute target's node cap; {@code runId} is the target's key. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record NodeCapChanged(
      int schemaVersion,
      String runId,
      String computeTarget,
      Integer from,
      int to,
      String requestedBy,
      String reason,
      Instant at)
      implements CapEvent {}

  /**
   * The run completed: every partition is terminal (it completes again after a rerun). A run
   * waiting on its budget has not completed, so this is not written while partitions wait.
   *
   * @param projected the worst case of one attempt per partition, as projected at the start
   * @param overProjection whether {@code spent} exceeded {@code projected} (retries cost money)
   * @param deferred partitions still DEFERRED_BY_COST: empty since issue 23 (such a run is not
   *     complete); kept so that older records stay readable
   */
  record RunCostSettled(
      int schemaVersion,
      String runId,
      String currency,
      BigDecimal cap,
      BigDecimal spent,
      BigDecimal projected,
      boolean overProjection,
      List<String> deferred,
      Instant at)
      implements CapEvent {
    public RunCostSettled {
      deferred = deferred == null ? List.of() : List.copyOf(deferred);
    }
  }

  /**
   * An attempt cost more than it reserved: it ran past its {@code limits.timeout}, so the backend
   * did not stop it at its limit. The cap may have been passed by {@code charged - reserved};
   * FinOps reviews each one.
   *
   * @param billableSeconds what the backend's own times say the attempt ran
   * @param timeoutSeconds the limit its reservation assumed
   */
  record CostOverrun(
      int schemaVersion,
      String runId,
      String partitionId,
      int attempt,
      String currency,
      BigDecimal reserved,
      BigDecimal charged,
      double billableSeconds,
      double timeoutSeconds,
      Instant at)
      implements CapEvent {}

  /**
   * An attempt was charged its whole reservation because its running time is not known: its end was
   * seen but not its start (it ran, or it may have), or the backend's times contradict each other.
   * Never 0 for a job that may have run; FinOps reviews each one.
   *
   * @param reason why the time is not known, in one line
   */
  record ChargeEstimated(
      int schemaVersion,
      String runId,
      String partitionId,
      int attempt,
      String currency,
      BigDecimal charged,
      String reason,
      Instant at)
      implements CapEvent {}

  /**
   * The cost of one finished attempt, with the partition's tags so spend can be grouped the way
   * FinOps groups it (region, business unit, week).
   *
   * @param planName the plan, so that a forecast can find earlier runs of it
   * @param billableSeconds from the first Provisioning/Preparing/Running status to the end
   * @param pricePerNodeHour the price used
   * @param outcome SUCCEEDED, FAILED or CANCELED
   * @param failureClass why it failed; null on success
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record LedgerEntry(
      int schemaVersion,
      String runId,
      String planName,
      String partitionId,
      int attempt,
      String computeTarget,
      String instanceType,
      int nodes,
      double billableSeconds,
      BigDecimal pricePerNodeHour,
      BigDecimal cost,
      BigDecimal reserved,
      String currency,
      PartitionState outcome,
      FailureClass failureClass,
      Map<String, String> tags,
      Instant at)
      implements FinOpsRecord {
    public LedgerEntry {
      tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
  }
}
