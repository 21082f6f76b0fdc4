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

  public static List<Setting<?>> settings() {
    return List.of(KAFKA_BOOTSTRAP_SERVERS, TOPIC_PREFIX, REPLICATION_FACTOR);
  }
}
