package io.partitrain.deploy.broker;

import io.partitrain.shared.config.ServiceSettings;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides where the demo and the CLI find Kafka: the cluster named by {@code
 * KAFKA_BOOTSTRAP_SERVERS} ({@link ServiceSettings#KAFKA_BOOTSTRAP_SERVERS}) if that variable is
 * set, otherwise an {@link EmbeddedKafkaBroker} started here. Closing it stops the embedded broker;
 * an external cluster is left alone.
 *
 * <pre>{@code
 * try (KafkaBootstrap kafka = KafkaBootstrap.resolve()) {
 *   log.info("Kafka: {}", kafka.description());
 *   run(kafka.bootstrapServers());
 * }
 * }</pre>
 *
 * <p>Biggest advantage: {@code java -jar partitrain.jar demo} works on a laptop with nothing
 * installed, and the same command runs against Azure Event Hubs or any cluster by setting one
 * variable. Biggest limitation: only the address is resolved here; security settings for an
 * external cluster (SASL, TLS) come from the client configuration, not from this class.
 *
 * <p>A blank {@code KAFKA_BOOTSTRAP_SERVERS} counts as unset (shells and compose files often export
 * empty variables); a malformed one fails fast with the variable name and the rule.
 */
public final class KafkaBootstrap implements AutoCloseable {

  /** The environment variable naming an external cluster, as {@code host:port[,host:port...]}. */
  private final String bootstrapServers;

  private final String description;
  private final EmbeddedKafkaBroker broker;

  private KafkaBootstrap(String bootstrapServers, String description, EmbeddedKafkaBroker broker) {
    this.bootstrapServers = bootstrapServers;
    this.description = description;
    this.broker = broker;
  }

  /**
   * Uses {@code KAFKA_BOOTSTRAP_SERVERS} if set, else starts an embedded broker with the defaults.
   *
   * @throws IllegalArgumentException if the variable is set but not a {@code host:port} list
   * @throws EmbeddedKafkaBrokerException if the embedded broker cannot start
   */
  public static KafkaBootstrap resolve() {
    return resolve(System.getenv(), EmbeddedKafkaBroker::start);
  }

  /**
   * Uses {@code KAFKA_BOOTSTRAP_SERVERS} if set, else starts the embedded broker {@code embedded}
   * makes (for example one with a data directory and port that survive a restart).
   */
  public static KafkaBootstrap resolve(Supplier<EmbeddedKafkaBroker> embedded) {
    return resolve(System.getenv(), embedded);
  }

  /** {@link #resolve()} with the environment and the embedded broker factory given, for tests. */
  static KafkaBootstrap resolve(Map<String, String> env, Supplier<EmbeddedKafkaBroker> embedded) {
    String configured = env.get(ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key());
    if (configured != null && !configured.isBlank()) {
      return external(configured, "from " + ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key());
    }
    return embedded(embedded.get());
  }

  /** An external cluster; nothing is started or stopped. */
  public static KafkaBootstrap external(String bootstrapServers) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    return external(bootstrapServers, "set by the caller");
  }

  /** Wraps a running embedded broker; {@link #close()} stops it. */
  public static KafkaBootstrap embedded(EmbeddedKafkaBroker broker) {
    Objects.requireNonNull(broker, "broker");
    return new KafkaBootstrap(
        broker.bootstrapServers(),
        "embedded KRaft broker at "
            + broker.bootstrapServers()
            + " (log dir "
            + broker.logDir()
            + ")",
        broker);
  }

  private static KafkaBootstrap external(String bootstrapServers, String source) {
    String servers = validated(bootstrapServers.strip(), source);
    return new KafkaBootstrap(
        servers, "external cluster at " + servers + " (" + source + ")", null);
  }

  /** For {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * For logs: "embedded KRaft broker at 127.0.0.1:41234 (log dir …)" or "external cluster at
   * host:9093 (from KAFKA_BOOTSTRAP_SERVERS)".
   */
  public String description() {
    return description;
  }

  /** True if this handle started the broker (and {@link #close()} stops it). */
  public boolean isEmbedded() {
    return broker != null;
  }

  /** The embedded broker, if one was started. */
  public Optional<EmbeddedKafkaBroker> embeddedBroker() {
    return Optional.ofNullable(broker);
  }

  /** Stops the embedded broker, if any; an external cluster is not touched. Idempotent. */
  @Override
  public void close() {
    if (broker != null) {
      broker.close();
    }
  }

  @Override
  public String toString() {
    return "KafkaBootstrap[" + description + "]";
  }

  private static String validated(String servers, String source) {
    for (String entry : servers.split(",", -1)) {
      String address = entry.strip();
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || !isPort(address.substring(colon + 1))) {
        throw new IllegalArgumentException(
            "Kafka bootstrap servers '"
                + servers
                + "' ("
                + source
                + ") is not a list of host:port pairs separated by commas (bad entry '"
                + address
                + "'); example: broker-1:9092,broker-2:9092");
      }
    }
    return servers;
  }

  private static boolean isPort(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int port = Integer.parseInt(text);
    return port > 0 && port <= 65535;
  }
}
