package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
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
 * @param failed the FAILED partitions with no further attempt scheduled, with the reason and the
 *     log of their last attempt
 * @param metricsByTag mean of each reported metric per tag value: tag → value → metric → stats
 * @param startedAt when the run started
 * @param completedAt when it last completed; null while it runs
 * @param retryPending FAILED partitions whose next attempt is scheduled (an automatic retry or an
 *     operator's rerun): counted in {@code byState} as FAILED, shown apart so that a failure that
 *     is about to be retried does not read as a final one
 * @param budget the run's money when the summary was made; null for a run without a budget
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
    Instant completedAt,
    int retryPending,
    Budget budget) {

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
        at,
        retryPending,
        budget);
  }

  public int count(PartitionState state) {
    return byState.getOrDefault(state, 0);
  }

  /** FAILED partitions with no further attempt scheduled: the failures people act on. */
  public int failedForGood() {
    return Math.max(0, count(PartitionState.FAILED) - retryPending);
  }

  /**
   * Attempts released to workers that no worker has reported submitted yet (in a worker's hands, or
   * refused before they reached the backend).
   */
  public int attemptsNotSubmitted() {
    return Math.max(0, attempts - jobsSubmitted);
  }

  /**
   * A budgeted run's money, as the tracker's accounts held it when the summary was made.
   *
   * @param cap the cap now (after any raise)
   * @param currency its currency
   * @param spent what finished attempts cost
   * @param reserved what attempts in flight hold
   * @param deferredNeed what the next attempts of the DEFERRED_BY_COST partitions reserve together:
   *     the room they need to run
   */
  public record Budget(
      BigDecimal cap,
      String currency,
      BigDecimal spent,
      BigDecimal reserved,
      BigDecimal deferredNeed) {

    /** What the cap leaves for new attempts: {@code cap - spent - reserved}, never below zero. */
    public BigDecimal remaining() {
      return cap.subtract(spent).subtract(reserved).max(BigDecimal.ZERO);
    }

    /**
     * The cap under which every deferred partition's next attempt could be reserved at once: the
     * cap plus what they need beyond what it leaves.
     */
    public BigDecimal capToRunDeferred() {
      return cap.add(deferredNeed.subtract(remaining()).max(BigDecimal.ZERO));
    }

    /**
     * Why a DEFERRED_BY_COST partition waits, in today's figures. The reason recorded when it was
     * deferred holds the cap, spent and reserved of that moment, which a cap raise or a finished
     * attempt makes stale (issue 23: "spent 0, reserved 0.30" under a cap raised since); screens
     * show this instead while the partition waits.
     */
    public String waitReason() {
      return "waits for budget: cap "
          + Money.format(cap, currency)
          + " "
          + currency
          + " leaves "
          + Money.format(remaining(), currency)
          + " (spent "
          + Money.format(spent, currency)
          + ", reserved "
          + Money.format(reserved, currency)
          + ")";
    }
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
