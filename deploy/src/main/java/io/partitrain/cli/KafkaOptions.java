package io.partitrain.cli;

import io.partitrain.cli.client.BrokerProbe;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.RetriableException;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaClientConfig;
import io.partitrain.shared.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Option;

/**
 * Where the commands find Kafka and how they talk to it: {@code --kafka-config FILE} (else
 * $PARTITRAIN_KAFKA_CONFIG), {@code --kafka-property KEY=VALUE} overrides (after PARTITRAIN_KAFKA_*
 * variables), {@code --bootstrap-servers} (else KAFKA_BOOTSTRAP_SERVERS). The same {@link
 * KafkaClientConfig} rules as the services.
 */
public final class KafkaOptions {

  /**
   * How long a CLI command waits for Kafka to answer one call (metadata, offsets, a send) before it
   * reports the broker unreachable. Kafka's default is 60 s; a person at a terminal should know
   * within 5 s, JVM start included.
   */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

  /**
   * How long the up-front TCP probe of the bootstrap addresses waits for a connection ({@link
   * BrokerProbe}): a refused connection or an unknown host is known at once, a silent address after
   * this long.
   */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

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

  /** The servers {@link #settings()} chose, for error messages; null before it was called. */
  private String resolvedServers;

  /**
   * The client settings, after a TCP probe of the bootstrap addresses: a broker nobody can reach is
   * reported at once, naming the servers and the setting that chose them.
   *
   * @throws RetriableException when no bootstrap address takes a connection
   */
  public KafkaSettings settings() {
    KafkaSettings settings = settings(Env.system());
    BrokerProbe.unreachable(settings.bootstrapServers(), PROBE_TIMEOUT)
        .ifPresent(
            problem -> {
              throw new RetriableException(unreachable(problem));
            });
    return settings;
  }

  /** The one line an operator reads when Kafka cannot be reached. */
  public String unreachable(String what) {
    return "cannot reach Kafka at "
        + describe()
        + ": "
        + what
        + "; is the broker running (`partitrain up`), and are the address and port right?";
  }

  KafkaSettings settings(Env env) {
    Path file = kafkaConfig;
    if (file == null && env.string(KafkaClientConfig.CONFIG_FILE_ENV, null) != null) {
      file = Path.of(env.string(KafkaClientConfig.CONFIG_FILE_ENV, null));
    }
    // Fail fast at a terminal; --kafka-property or PARTITRAIN_KAFKA_* may still change these.
    Map<String, String> overrides = new LinkedHashMap<>();
    cliTimeouts().forEach((k, v) -> overrides.put(k, String.valueOf(v)));
    overrides.putAll(KafkaClientConfig.overrides(env));
    overrides.putAll(kafkaProperties);
    String servers =
        bootstrapServers != null
            ? bootstrapServers
            : env.string(ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key(), null);
    try {
      KafkaSettings settings =
          KafkaClientConfig.build(
              file,
              overrides,
              servers,
              new Topics(topicPrefix),
              "set "
                  + ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key()
                  + " or pass --bootstrap-servers (`partitrain up` prints the value for a local stack)");
      resolvedServers = settings.bootstrapServers();
      return settings;
    } catch (IllegalArgumentException e) {
      throw new PartitrainException(e.getMessage(), e);
    }
  }

  /** The servers and the setting that chose them, for error messages. */
  public String describe() {
    if (bootstrapServers != null) {
      return bootstrapServers + " (set by --bootstrap-servers)";
    }
    String env = System.getenv(ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key());
    if (env != null && !env.isBlank()) {
      return env + " (set by $" + ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key() + ")";
    }
    return (resolvedServers != null ? resolvedServers + " " : "")
        + "(set by bootstrap.servers of the Kafka client config)";
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
