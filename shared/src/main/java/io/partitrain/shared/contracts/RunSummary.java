package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run at a glance: what the CLI's {@code run show} and the demo print.
 *
 * @param runId the run
 * @param planName the plan it runs
 * @param complete whether every partition is terminal
 * @param total partitions in the run
 * @param byState partitions per current state
 * @param attempts attempts released (work items of kind SUBMIT)
 * @param jobsSubmitted distinct jobs the workers reported as submitted
 * @param retried partitions that needed more than one attempt
 * @param rerunRequested partitions an operator asked to rerun
 * @param rerunResubmitted of those, partitions that were admitted again
 * @param failed the FAILED partitions, with the reason and the log of their last attempt
 * @param metricsByTag mean of each reported metric per tag value: tag → value → metric → stats
 * @param startedAt when the run started
 * @param completedAt when it last completed; null while it runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(
    String runId,
    String planName,
    boolean complete,
    int total,
    Map<PartitionState, Integer> byState,
    int attempts,
    int jobsSubmitted,
    int retried,
    int rerunRequested,
    int rerunResubmitted,
    List<FailedPartition> failed,
    Map<String, Map<String, Map<String, MetricStats>>> metricsByTag,
    Instant startedAt,
    Instant completedAt) {

  public RunSummary {
    byState = byState == null ? Map.of() : Map.copyOf(byState);
    failed = failed == null ? List.of() : List.copyOf(failed);
    metricsByTag = metricsByTag == null ? Map.of() : metricsByTag;
  }

  /** This summary, marked complete at {@code at}. */
  public RunSummary completedAt(Instant at) {
    return new RunSummary(
        runId,
        planName,
        true,
        total,
        byState,
        attempts,
        jobsSubmitted,
        retried,
        rerunRequested,
        rerunResubmitted,
        failed,
        metricsByTag,
        startedAt,
        at);
  }

  public int count(PartitionState state) {
    return byState.getOrDefault(state, 0);
  }

  /**
   * One FAILED partition.
   *
   * @param partitionId the partition
   * @param attempt its last attempt
   * @param failureClass why it failed
   * @param message the reason in one line
   * @param logPath where the last attempt's log is
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FailedPartition(
      String partitionId, int attempt, FailureClass failureClass, String message, String logPath) {}

  /**
   * @param count partitions that reported the metric
   * @param mean their mean
   * @param min the smallest
   * @param max the largest
   */
  public record MetricStats(int count, double mean, double min, double max) {}
}
