package io.partitrain.cli.demo;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.partitrain.shared.contracts.RunSummary;
import java.util.List;
import java.util.Map;

/**
 * What {@code partitrain demo -o json} prints: one object a script can check.
 *
 * @param runId the run
 * @param backend local or simulated
 * @param broker where Kafka was
 * @param workdir where the jobs, data and logs are
 * @param partitions final counts
 * @param attempts attempts released over the whole run, rerun included
 * @param retried partitions retried automatically (INFRA failures)
 * @param jobsSubmitted distinct jobs the workers created
 * @param firstPass the run before the rerun
 * @param rerun what the rerun asked for and what actually ran again
 * @param failedPartitions partitions still FAILED at the end
 * @param metricsByRegion mean model metrics per region
 * @param elapsedSeconds wall time of the whole demo
 * @param cost the run's cost cap and spend; null without {@code --cost-cap}
 * @param maxInFlightNodes the most nodes the tracker held in flight at once (an upper bound of what
 *     the backend held: the tracker counts from admission until it learns the job ended)
 * @param nodeCap the node cap of the compute target; null without {@code --node-cap}
 * @param deferred partitions still DEFERRED_BY_COST at the end
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DemoReport(
    String runId,
    String backend,
    String broker,
    String workdir,
    Partitions partitions,
    int attempts,
    int retried,
    int jobsSubmitted,
    Pass firstPass,
    Rerun rerun,
    List<RunSummary.FailedPartition> failedPartitions,
    Map<String, Map<String, RunSummary.MetricStats>> metricsByRegion,
    double elapsedSeconds,
    Cost cost,
    int maxInFlightNodes,
    Integer nodeCap,
    List<String> deferred) {

  /** The run's money: its cap, what it spent (the sum of its ledger), in its currency. */
  public record Cost(java.math.BigDecimal cap, java.math.BigDecimal spent, String currency) {}

  /** Partition counts. */
  public record Partitions(int total, int succeeded, int failed, int canceled) {}

  /** The run's state when it first completed. */
  public record Pass(
      int succeeded,
      int failed,
      int attempts,
      int jobsSubmitted,
      List<RunSummary.FailedPartition> failedPartitions) {}

  /**
   * @param requested partitions the rerun asked for (the first pass's failures)
   * @param resubmitted of those, the ones admitted again
   * @param partitions the ids asked for
   * @param ranAgain partitions that were FAILED when the rerun was accepted and were admitted again
   * @param onlyFailedRanAgain whether no partition that had SUCCEEDED saw any transition after the
   *     rerun was accepted (read from the recorded decisions)
   */
  public record Rerun(
      int requested,
      int resubmitted,
      List<String> partitions,
      List<String> ranAgain,
      boolean onlyFailedRanAgain) {}
}
