package io.partitrain.cli;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the commands find Kafka: {@code --bootstrap-servers}, else KAFKA_BOOTSTRAP_SERVERS. */
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

  public KafkaSettings settings() {
    String servers =
        bootstrapServers != null ? bootstrapServers : System.getenv(KafkaSettings.BOOTSTRAP_ENV);
    if (servers == null || servers.isBlank()) {
      throw new PartitrainException(
          "no Kafka to talk to: set "
              + KafkaSettings.BOOTSTRAP_ENV
              + " or pass --bootstrap-servers (`partitrain up` prints the value for a local stack)");
    }
    return new KafkaSettings(servers, new Topics(topicPrefix), Map.of());
  }
}
