package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the leader keeps on {@link Topics#state()}, the compacted state topic: per key the latest
 * snapshot of one part of its state, written in the same transaction as the decisions it folds.
 * Every record carries, in the header {@link #COVERED_HEADER}, the runs-topic offsets it covers
 * ({@code partition:offset,...}: every decision below them is in the snapshot). A new leader reads
 * this topic, then only the runs-topic events after the offsets, so its takeover does not grow with
 * history; readers (CLI, console) find a finished run's final snapshot here after its events have
 * aged out of the runs topic.
 *
 * <p>Keys: {@code run/RUN_ID} ({@link Run}), {@code run/RUN_ID/part/N} ({@link RunPart}: the
 * partitions of a run too large for one record), {@code schedule/PLAN} ({@link Schedule}), {@code
 * durations/PLAN} ({@link Durations}), and {@value #CHECKPOINT_KEY} ({@link Checkpoint}). A
 * finished run's record is tombstoned some time after it ended.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = StateSnapshot.Run.class, name = "RunState"),
  @JsonSubTypes.Type(value = StateSnapshot.RunPart.class, name = "RunStatePart"),
  @JsonSubTypes.Type(value = StateSnapshot.Schedule.class, name = "ScheduleState"),
  @JsonSubTypes.Type(value = StateSnapshot.Durations.class, name = "Durations"),
  @JsonSubTypes.Type(value = StateSnapshot.Checkpoint.class, name = "Checkpoint")
})
public sealed interface StateSnapshot {

  /** Header: the runs-topic offsets a snapshot covers, {@code partition:offset,...}. */
  String COVERED_HEADER = "partitrain-runs-covered";

  /**
   * Header on a finished run's final snapshot ({@code "true"}): a new leader notes the run's id
   * without decoding it, and restores it only when a command asks for it.
   */
  String FINISHED_HEADER = "partitrain-run-finished";

  /**
   * Header on a finished run's final snapshot: its partitions per state ({@code SUCCEEDED=10,...}),
   * so a new leader's gauges count the run without decoding it.
   */
  String COUNTS_HEADER = "partitrain-run-counts";

  /**
   * Header on a {@link Run} record whose partitions travel in {@link RunPart} records: how many
   * (also its {@link Run#partitionParts}), so that a reader that does not decode it (a finished
   * run) still knows which part keys belong to it.
   */
  String PARTS_HEADER = "partitrain-run-parts";

  /** The key of the {@link Checkpoint}. */
  String CHECKPOINT_KEY = "checkpoint";

  int schemaVersion();

  Instant at();

  static String runKey(String runId) {
    return "run/" + runId;
  }

  /** The key of part {@code index} of a run's snapshot in parts ({@link RunPart}). */
  static String runPartKey(String runId, int index) {
    return runPartsPrefix(runId) + index;
  }

  /** What the keys of every part of a run's snapshot in parts begin with. */
  static String runPartsPrefix(String runId) {
    return runKey(runId) + "/part/";
  }

  /** Whether {@code key} is a {@link RunPart}'s (a run id never holds a slash). */
  static boolean isRunPartKey(String key) {
    return key != null && key.startsWith("run/") && key.indexOf('/', "run/".length()) > 0;
  }

  static String scheduleKey(String planName) {
    return "schedule/" + planName;
  }

  static String durationsKey(String planName) {
    return "durations/" + planName;
  }

  /**
   * One run, as the fold holds it: enough to resume deciding about it without its events.
   *
   * @param started the run's start (its definition and job template)
   * @param complete whether a {@link RunEvent.RunCompleted} was decided and not reopened since
   * @param completedAt when it completed
   * @param canceling whether an operator canceled it
   * @param attempts attempts admitted so far (summary)
   * @param jobsSubmitted attempts reported SUBMITTED (summary)
   * @param retried partitions that were retried at least once (summary)
   * @param rerunRequested partitions an operator asked to rerun (summary)
   * @param rerunResubmitted of those, the ones admitted again (summary)
   * @param budget the run's money accounts; null without a budget
   * @param cancel the operator's cancel (who, when, why); null if not canceled
   * @param deadlineWarned whether its {@link RunEvent.DeadlineAtRisk} was decided
   * @param partitions every scheduled partition, in the order they were scheduled
   * @param metricSums the successful partitions' metrics per tag group, as summed so far
   * @param summary the run at a glance (what {@code run show} and {@code run list} print)
   * @param partitionParts null when {@code partitions} holds them all; else {@code partitions} is
   *     empty and they are in this many {@link RunPart} records written in the same transaction, to
   *     the same state-topic partition, with the same {@code at}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Run(
      int schemaVersion,
      RunEvent.RunStarted started,
      boolean complete,
      Instant completedAt,
      boolean canceling,
      int attempts,
      int jobsSubmitted,
      int retried,
      int rerunRequested,
      int rerunResubmitted,
      Budget budget,
      RunEvent.CancelAccepted cancel,
      boolean deadlineWarned,
      List<Partition> partitions,
      List<MetricSum> metricSums,
      RunSummary summary,
      Instant at,
      Integer partitionParts)
      implements StateSnapshot {
    public Run {
      partitions = partitions == null ? List.of() : partitions;
      metricSums = metricSums == null ? List.of() : metricSums;
    }

    public String runId() {
      return started.runId();
    }

    /** This snapshot with {@code partitions} in it (and no parts). */
    public Run withPartitions(List<Partition> all, Integer parts) {
      return new Run(
          schemaVersion,
          started,
          complete,
          completedAt,
          canceling,
          attempts,
          jobsSubmitted,
          retried,
          rerunRequested,
          rerunResubmitted,
          budget,
          cancel,
          deadlineWarned,
          all,
          metricSums,
          summary,
          at,
          parts);
    }
  }

  /**
   * Part {@code index} of the partitions of a {@link Run} snapshot too large for one record (a
   * million partitions), keyed {@link #runPartKey}. It belongs to the {@link Run} of the same run
   * with the same {@code at}; one with another {@code at} is left from an earlier snapshot.
   *
   * @param index its place among the parts, from 0
   * @param parts how many parts the snapshot has
   * @param partitions its partitions, in the order they were scheduled
   */
  record RunPart(
      int schemaVersion, String runId, int index, int parts, List<Partition> partitions, Instant at)
      implements StateSnapshot {
    public RunPart {
      partitions = partitions == null ? List.of() : partitions;
    }
  }

  /**
   * One partition of a {@link Run}. Absent fields (null) are left out of the JSON, so a settled
   * partition costs a few dozen bytes.
   *
   * @param id the partition id
   * @param tags its tags
   * @param sequence its place in admission order
   * @param state its state
   * @param attempt the current attempt (0 before the first admission)
   * @param roundAttempts attempts since the last rerun
   * @param jobName the current attempt's job
   * @param retryNotBefore when a pending retry may be admitted; null if none is pending
   * @param nextAttempt the pending retry's attempt number
   * @param retried whether it was retried at least once
   * @param rerunPending whether an operator's rerun waits to be admitted
   * @param failureClass the class of its last FAILED or CANCELED move
   * @param message the reason of its last FAILED or CANCELED move
   * @param logPath where its last finished attempt's log is
   * @param metrics what its successful job reported
   * @param admittedAt when its attempt in flight was admitted (deadline forecasts)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Partition(
      String id,
      Map<String, String> tags,
      int sequence,
      PartitionState state,
      int attempt,
      int roundAttempts,
      String jobName,
      Instant retryNotBefore,
      int nextAttempt,
      boolean retried,
      boolean rerunPending,
      FailureClass failureClass,
      String message,
      String logPath,
      Map<String, Double> metrics,
      Instant admittedAt) {
    public Partition {
      tags = tags == null ? Map.of() : tags;
      metrics = metrics == null ? Map.of() : metrics;
    }
  }

  /** One metric of one tag group of a run's successful partitions: count, sum, min and max. */
  record MetricSum(
      String tag, String value, String metric, int count, double sum, double min, double max) {}

  /**
   * A run's money: its cap (as changed), what finished attempts cost, what attempts in flight hold,
   * and their open reservations.
   */
  record Budget(
      CostBudget budget,
      BigDecimal spent,
      BigDecimal reserved,
      List<RunEvent.CostReserved> openReservations) {
    public Budget {
      openReservations = openReservations == null ? List.of() : openReservations;
    }
  }

  /**
   * One plan's schedule as the fold holds it.
   *
   * @param applied the event that applied it (plan definition, partitions, cron)
   * @param paused whether it is paused
   * @param cursor the latest fire time decided
   * @param lastRunId the run of the latest fired time
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Schedule(
      int schemaVersion,
      RunEvent.ScheduleApplied applied,
      boolean paused,
      Instant cursor,
      String lastRunId,
      Instant at)
      implements StateSnapshot {}

  /**
   * What one plan's history says about its partitions' durations (the deadline-aware order).
   *
   * @param planName the plan
   * @param partitions per partition with history: its tags' key, the count and the sum of its
   *     successful attempts' billable seconds
   */
  record Durations(
      int schemaVersion, String planName, List<PartitionDurations> partitions, Instant at)
      implements StateSnapshot {
    public Durations {
      partitions = partitions == null ? List.of() : partitions;
    }
  }

  /** One partition's successful attempts: count and sum of billable seconds. */
  record PartitionDurations(String id, String tagKey, int count, double sum) {}

  /**
   * What the leader knows beyond runs and schedules, and where a successor starts reading.
   *
   * @param replayFrom per runs-topic partition, the offset a new leader reads from: no run that is
   *     not finished has an event below it that its snapshot does not cover
   * @param nodeCaps operators' node caps per compute target ({@code cap set})
   * @param finishedRuns finished runs whose final snapshot is on the state topic, with when they
   *     finished (so their records are tombstoned on time after any takeover)
   */
  record Checkpoint(
      int schemaVersion,
      Map<Integer, Long> replayFrom,
      Map<String, Integer> nodeCaps,
      Map<String, Instant> finishedRuns,
      Instant at)
      implements StateSnapshot {
    public Checkpoint {
      replayFrom = replayFrom == null ? Map.of() : replayFrom;
      nodeCaps = nodeCaps == null ? Map.of() : nodeCaps;
      finishedRuns = finishedRuns == null ? Map.of() : finishedRuns;
    }
  }
}
