package io.partitrain.worker;

import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.config.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one worker. Immutable; validated when built, with messages that name the environment
 * variable that sets each value. Every setting is a constant below (key, doc, default, rule),
 * listed in {@link #settings()}, from which the README's table is generated.
 *
 * @param workerId this worker's name in events and logs
 * @param groupId the consumer group all workers share
 * @param pollInterval how often the watcher asks the backend for status
 * @param heartbeatInterval how often a heartbeat is sent per unfinished job
 */
public record WorkerConfig(
    String workerId, String groupId, Duration pollInterval, Duration heartbeatInterval) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL =
      ServiceSettings.DEFAULT_HEARTBEAT_INTERVAL;

  public static final Setting<String> WORKER_ID =
      Setting.text(
          "PARTITRAIN_WORKER_ID",
          "this worker's name in status events and logs",
          () -> "worker-" + ProcessHandle.current().pid(),
          "worker-PID");

  public static final Setting<Duration> POLL_INTERVAL =
      Setting.positiveDuration(
          "PARTITRAIN_POLL_INTERVAL",
          "how often the watcher asks the backend for the status of its jobs",
          DEFAULT_POLL_INTERVAL);

  /** Read by the orchestrator too (its silence timeout), so defined in {@link ServiceSettings}. */
  public static final Setting<Duration> HEARTBEAT_INTERVAL = ServiceSettings.HEARTBEAT_INTERVAL;

  public static final Setting<Duration> SESSION_TIMEOUT =
      Setting.durationAtLeast(
          "PARTITRAIN_WORKER_SESSION_TIMEOUT",
          "the work consumer's session timeout: how long a killed worker's partitions wait before"
              + " another worker gets them (unset: Kafka's 45 s)",
          null,
          Duration.ofSeconds(1));

  public static final Setting<String> BACKEND =
      Setting.oneOf(
          "PARTITRAIN_BACKEND", "where jobs run", "local", "local", "simulated", "azureml");

  public static final Setting<Duration> SIMULATED_DURATION =
      Setting.positiveDuration(
          "PARTITRAIN_SIMULATED_DURATION",
          "simulated backend: how long each job runs (unset: a few milliseconds)",
          null);

  public static final Setting<String> AZUREML_CONFIG =
      Setting.text(
          "PARTITRAIN_AZUREML_CONFIG",
          "azureml backend: a properties file with the azureml.* keys (docs/azureml.md)",
          null);

  public WorkerConfig {
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(groupId, "groupId");
    POLL_INTERVAL.check(pollInterval);
    HEARTBEAT_INTERVAL.check(heartbeatInterval);
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

  /** A worker of the installation whose topics carry {@code topicPrefix}, from the environment. */
  public static WorkerConfig fromEnvironment(Env env, String topicPrefix) {
    return new WorkerConfig(
        WORKER_ID.from(env),
        topicPrefix + "-workers",
        POLL_INTERVAL.from(env),
        HEARTBEAT_INTERVAL.from(env));
  }

  /** Every setting of the worker service, in the order the README lists them. */
  public static List<Setting<?>> settings() {
    return List.of(
        WORKER_ID, POLL_INTERVAL, SESSION_TIMEOUT, BACKEND, SIMULATED_DURATION, AZUREML_CONFIG);
  }
}
