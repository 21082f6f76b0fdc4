package io.partitrain.shared.config;

import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import java.util.List;

/**
 * The settings every service (orchestrator, worker) reads the same way: the Kafka cluster, the
 * installation's topic prefix and the replication factor of the topics it creates. Defined once,
 * here; the Kafka client properties themselves belong to {@link KafkaSettings}.
 */
public final class ServiceSettings {

  private ServiceSettings() {}

  public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS =
      Setting.required(KafkaSettings.BOOTSTRAP_ENV, "the Kafka cluster (host:port,...)");

  public static final Setting<String> TOPIC_PREFIX =
      Setting.text(
          "PARTITRAIN_TOPIC_PREFIX",
          "prefix of every topic, transactional id and group of the installation",
          Topics.DEFAULT_PREFIX);

  public static final Setting<Integer> REPLICATION_FACTOR =
      Setting.integer(
          "PARTITRAIN_REPLICATION_FACTOR",
          "replication of the topics created at start-up",
          1,
          1,
          5);

  /**
   * The secret a worker's HTTP port asks of whoever reads a local job's log, and that the console
   * sends when it fetches one: set the same value on both (from one Kubernetes Secret).
   */
  public static final Setting<String> WORKER_LOG_TOKEN =
      Setting.secret(
          "PARTITRAIN_WORKER_LOG_TOKEN",
          "the shared secret with which the console reads local jobs' logs from the workers' HTTP"
              + " ports (GET /jobs/NAME/log); unset: workers serve no logs and the console shows"
              + " only logs on its own disk",
          32);

  public static List<Setting<?>> settings() {
    return List.of(KAFKA_BOOTSTRAP_SERVERS, TOPIC_PREFIX, REPLICATION_FACTOR, WORKER_LOG_TOKEN);
  }
}
