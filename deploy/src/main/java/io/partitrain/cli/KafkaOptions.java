package io.partitrain.cli;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Option;

/** Where the commands find Kafka: {@code --bootstrap-servers}, else KAFKA_BOOTSTRAP_SERVERS. */
public final class KafkaOptions {

  /**
   * How long a CLI command waits for Kafka to answer one call (metadata, offsets, a send) before it
   * reports the broker unreachable. Kafka's default is 60 s; a person at a terminal should know
   * within 5 s, JVM start included.
   */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(4);

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS)")
  String bootstrapServers;

  @Option(
      names = "--topic-prefix",
      defaultValue = Topics.DEFAULT_PREFIX,
      description = "topic prefix (default: ${DEFAULT-VALUE})")
  String topicPrefix;

  public KafkaSettings settings() {
    String servers = servers();
    if (servers == null || servers.isBlank()) {
      throw new PartitrainException(
          "no Kafka to talk to: set "
              + KafkaSettings.BOOTSTRAP_ENV
              + " or pass --bootstrap-servers (`partitrain up` prints the value for a local stack)");
    }
    return new KafkaSettings(servers, new Topics(topicPrefix), cliTimeouts());
  }

  /** The servers and the setting that chose them, for error messages. */
  public String describe() {
    String servers = servers();
    return servers
        + " (set by "
        + (bootstrapServers != null ? "--bootstrap-servers" : "$" + KafkaSettings.BOOTSTRAP_ENV)
        + ")";
  }

  private String servers() {
    return bootstrapServers != null ? bootstrapServers : System.getenv(KafkaSettings.BOOTSTRAP_ENV);
  }

  /** Client settings that make an unreachable broker fail fast instead of after a minute. */
  static Map<String, Object> cliTimeouts() {
    int ms = (int) CALL_TIMEOUT.toMillis();
    return Map.of(
        CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG,
        ms,
        CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
        ms,
        CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG,
        1_000L,
        CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG,
        2_000L,
        ProducerConfig.MAX_BLOCK_MS_CONFIG,
        (long) ms,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        2 * ms);
  }
}
