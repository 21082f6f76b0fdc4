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
 * @param submitAttempts tries of one backend submit call on retriable errors before the attempt is
 *     reported as an INFRA failure
 */
public record WorkerConfig(
    String workerId,
    String groupId,
    Duration pollInterval,
    Duration heartbeatInterval,
    int submitAttempts) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_SUBMIT_ATTEMPTS = 5;

  public WorkerConfig {
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(groupId, "groupId");
    requirePositive("worker.pollInterval", pollInterval);
    requirePositive("worker.heartbeatInterval", heartbeatInterval);
    if (submitAttempts < 1) {
      throw new IllegalArgumentException(
          "worker.submitAttempts must be at least 1, but was " + submitAttempts);
    }
  }

  /**
   * Defaults for an installation whose topics carry {@code topicPrefix}: its own consumer group.
   */
  public static WorkerConfig forInstallation(String workerId, String topicPrefix) {
    return new WorkerConfig(
        workerId,
        topicPrefix + "-workers",
        DEFAULT_POLL_INTERVAL,
        DEFAULT_HEARTBEAT_INTERVAL,
        DEFAULT_SUBMIT_ATTEMPTS);
  }

  public WorkerConfig withPollInterval(Duration d) {
    return new WorkerConfig(workerId, groupId, d, heartbeatInterval, submitAttempts);
  }

  public WorkerConfig withHeartbeatInterval(Duration d) {
    return new WorkerConfig(workerId, groupId, pollInterval, d, submitAttempts);
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be greater than 0, but was " + d);
    }
  }
}
