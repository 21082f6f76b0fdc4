package io.partitrain.orchestrator;

import io.partitrain.orchestrator.tracking.Tracker;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the orchestrator. Immutable; validated when built.
 *
 * @param instanceId this instance's name in logs
 * @param transactionalId the producer's transactional id, the same for every instance: a new
 *     instance's {@code initTransactions} fences the previous one, so a former leader cannot write
 * @param groupId the consumer group whose committed offsets mark what the tracker has processed
 * @param tickInterval the longest the loop waits for input before running admission again
 * @param snapshotInterval how often a changing run's snapshot is published
 * @param seed seed of the retry jitter
 * @param silenceTimeout how long an in-flight job may send no status or heartbeat before any worker
 *     is asked to adopt it (default {@code Tracker.DEFAULT_SILENCE_TIMEOUT}, 30 s)
 */
public record OrchestratorConfig(
    String instanceId,
    String transactionalId,
    String groupId,
    Duration tickInterval,
    Duration snapshotInterval,
    long seed,
    Duration silenceTimeout) {

  public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofMillis(500);

  public OrchestratorConfig {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(transactionalId, "transactionalId");
    Objects.requireNonNull(groupId, "groupId");
    if (tickInterval == null || tickInterval.isZero() || tickInterval.isNegative()) {
      throw new IllegalArgumentException(
          "orchestrator.tickInterval must be greater than 0, but was " + tickInterval);
    }
    if (snapshotInterval == null || snapshotInterval.isNegative()) {
      throw new IllegalArgumentException(
          "orchestrator.snapshotInterval must not be negative, but was " + snapshotInterval);
    }
    silenceTimeout = silenceTimeout == null ? Tracker.DEFAULT_SILENCE_TIMEOUT : silenceTimeout;
    if (silenceTimeout.isZero() || silenceTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "orchestrator.silenceTimeout must be greater than 0, but was " + silenceTimeout);
    }
  }

  public OrchestratorConfig(
      String instanceId,
      String transactionalId,
      String groupId,
      Duration tickInterval,
      Duration snapshotInterval,
      long seed) {
    this(instanceId, transactionalId, groupId, tickInterval, snapshotInterval, seed, null);
  }

  /**
   * Defaults for an installation whose topics carry {@code topicPrefix}: its transactional id and
   * group follow the prefix, so installations sharing a cluster never fence each other.
   */
  public static OrchestratorConfig forInstallation(String instanceId, String topicPrefix) {
    return new OrchestratorConfig(
        instanceId,
        topicPrefix + "-orchestrator",
        topicPrefix + "-orchestrator",
        DEFAULT_TICK_INTERVAL,
        DEFAULT_SNAPSHOT_INTERVAL,
        System.nanoTime());
  }
}
