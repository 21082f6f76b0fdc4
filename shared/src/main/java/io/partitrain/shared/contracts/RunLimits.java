package io.partitrain.shared.contracts;

/**
 * The caps a run is admitted under. Admission releases a work item only when every cap allows it.
 *
 * @param maxInFlight partitions of this run that may have a job in flight at once, at least 1
 */
public record RunLimits(int maxInFlight) {

  public static final int DEFAULT_MAX_IN_FLIGHT = 8;

  public RunLimits {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException(
          "concurrency.maxInFlight must be at least 1, but was " + maxInFlight);
    }
  }
}
