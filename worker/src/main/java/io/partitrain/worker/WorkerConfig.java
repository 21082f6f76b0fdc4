package io.partitrain.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one worker. Immutable; validated when built.
 *
 * @param workerId this worker's name in events and logs
 * @param groupId the consumer group all workers share
 * @param pollInterval how often the watcher asks the backend for status
 * @param heartbeatInterval how often a heartbeat is sent per unfinished job
 */
public record WorkerConfig(
    String workerId, String groupId, Duration pollInterval, Duration heartbeatInterval) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

  public WorkerConfig {
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(groupId, "groupId");
    requirePositive("worker.pollInterval", pollInterval);
    requirePositive("worker.heartbeatInterval", heartbeatInterval);
  }

  /**
   * Defaults for an installation whose topics carry {@code topicPrefix}: its own consumer group.
   */
  public static WorkerConfig forInstallation(String workerId, String topicPrefix) {
    return new WorkerConfig(
        workerId, topicPrefix + "-workers", DEFAULT_POLL_INTERVAL, DEFAULT_HEARTBEAT_INTERVAL);
  }

  public WorkerConfig withPollInterval(Duration d) {
    return new WorkerConfig(workerId, groupId, d, heartbeatInterval);
  }

  public WorkerConfig withHeartbeatInterval(Duration d) {
    return new WorkerConfig(workerId, groupId, pollInterval, d);
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be greater than 0, but was " + d);
    }
  }
}
