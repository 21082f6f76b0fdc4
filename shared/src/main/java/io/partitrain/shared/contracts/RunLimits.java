package io.partitrain.shared.contracts;

/**
 * The caps a run is admitted under. Admission releases a work item only when every cap allows it.
 * The node cap per compute target is not here: it spans runs and comes from the orchestrator's
 * configuration.
 *
 * @param maxInFlight partitions of this run that may have a job in flight at once, at least 1
 * @param budget the run's money cap and price table; null for a run without a cost cap
 */
public record RunLimits(int maxInFlight, CostBudget budget) {

  public static final int DEFAULT_MAX_IN_FLIGHT = 8;

  public RunLimits {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException(
          "concurrency.maxInFlight must be at least 1, but was " + maxInFlight);
    }
  }

  /** Limits without a cost cap. */
  public RunLimits(int maxInFlight) {
    this(maxInFlight, null);
  }

  public RunLimits withBudget(CostBudget newBudget) {
    return new RunLimits(maxInFlight, newBudget);
  }
}
