package io.partitrain.worker.backend.simulated;

import java.time.Duration;

/**
 * How simulated jobs behave. Every job's fate (duration, outcome) is a pure function of the seed
 * and its job name, so a run replays exactly and a retry (a new name) gets a fresh draw.
 *
 * @param queueLatency time from submission to running
 * @param minDuration shortest running time
 * @param maxDuration longest running time
 * @param userFailureRate fraction of jobs that fail as the training code's fault
 * @param infraFailureRate fraction of jobs that fail as a lost node
 * @param seed the seed
 */
public record SimulationProfile(
    Duration queueLatency,
    Duration minDuration,
    Duration maxDuration,
    double userFailureRate,
    double infraFailureRate,
    long seed) {

  public SimulationProfile {
    if (queueLatency.isNegative()) {
      throw new IllegalArgumentException(
          "queueLatency must not be negative, but was " + queueLatency);
    }
    if (minDuration.isNegative() || maxDuration.compareTo(minDuration) < 0) {
      throw new IllegalArgumentException(
          "durations must satisfy 0 <= min <= max, but were "
              + minDuration
              + " and "
              + maxDuration);
    }
    if (userFailureRate < 0 || infraFailureRate < 0 || userFailureRate + infraFailureRate > 1) {
      throw new IllegalArgumentException(
          "failure rates must be >= 0 and sum to at most 1, but were "
              + userFailureRate
              + " and "
              + infraFailureRate);
    }
  }

  /** Short jobs, no failures. */
  public static SimulationProfile fast(long seed) {
    return new SimulationProfile(
        Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(80), 0, 0, seed);
  }
}
