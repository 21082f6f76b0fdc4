package io.partitrain.cli;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaClientConfig;
import io.partitrain.shared.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the commands find Kafka and how they talk to it: {@code --kafka-config FILE} (else
 * $PARTITRAIN_KAFKA_CONFIG), {@code --kafka-property KEY=VALUE} overrides (after PARTITRAIN_KAFKA_*
 * variables), {@code --bootstrap-servers} (else KAFKA_BOOTSTRAP_SERVERS). The same {@link
 * KafkaClientConfig} rules as the services.
 */
public final class KafkaOptions {

  @Option(
      names = "--bootstrap-servers",
      description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS)")
  String bootstrapServers;

  @Option(
      names = "--topic-prefix",
      defaultValue = Topics.DEFAULT_PREFIX,
      description = "topic prefix (default: ${DEFAULT-VALUE})")
  String topicPrefix;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties file: security.protocol, ssl.*, sasl.* ..."
              + " (default: $PARTITRAIN_KAFKA_CONFIG)")
  Path kafkaConfig;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description = "one Kafka client setting, overriding the file (repeatable)")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  public KafkaSettings settings() {
    return settings(Env.system());
  }

  KafkaSettings settings(Env env) {
    Path file = kafkaConfig;
    if (file == null && env.string(KafkaClientConfig.CONFIG_FILE_ENV, null) != null) {
      file = Path.of(env.string(KafkaClientConfig.CONFIG_FILE_ENV, null));
    }
    Map<String, String> overrides = new LinkedHashMap<>(KafkaClientConfig.overrides(env));
    overrides.putAll(kafkaProperties);
    String servers =
        bootstrapServers != null ? bootstrapServers : env.string(KafkaSettings.BOOTSTRAP_ENV, null);
    try {
      return KafkaClientConfig.build(
          file,
          overrides,
          servers,
          new Topics(topicPrefix),
          "set "
              + KafkaSettings.BOOTSTRAP_ENV
              + " or pass --bootstrap-servers (`partitrain up` prints the value for a local stack)");
    } catch (IllegalArgumentException e) {
      throw new PartitrainException(e.getMessage(), e);
    }
  }
}
