package io.partitrain.shared.kafka;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.contracts.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The one place every Partitrain Kafka client (orchestrator, worker, CLI) takes its connection
 * settings from: a standard Kafka client properties file, then overrides, then the bootstrap
 * servers, each later source winning.
 *
 * <ol>
 *   <li>the file named by {@value #CONFIG_FILE_ENV} (services) or {@code --kafka-config FILE}
 *       (CLI): any producer/consumer/admin setting, such as {@code security.protocol}, {@code
 *       ssl.*} and {@code sasl.*} for SASL_SSL with PLAIN, SCRAM or OAUTHBEARER;
 *   <li>overrides: environment variables {@value #OVERRIDE_ENV_PREFIX}{@code KEY} with the key
 *       upper-cased and dots as underscores ({@code PARTITRAIN_KAFKA_SASL_MECHANISM=PLAIN}), or
 *       {@code --kafka-property KEY=VALUE} on the CLI;
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} or {@code --bootstrap-servers}.
 * </ol>
 *
 * <p>Settings on which Partitrain's guarantees rest ({@link #RESERVED_KEYS}: serializers,
 * idempotence, {@code acks}, isolation level, offset commits, group and transactional ids) are
 * refused instead of silently overridden, naming the key. Values of secret settings (every {@code
 * PASSWORD}-typed Kafka config, and anything whose name says password, secret, token, credential or
 * jaas) are never logged, printed or put in an exception message: see {@link #redacted(Map)}.
 */
public final class KafkaClientConfig {

  /** Environment variable naming the Kafka client properties file. */
  public static final String CONFIG_FILE_ENV = "PARTITRAIN_KAFKA_CONFIG";

  /** Prefix of environment variables that override one client setting each. */
  public static final String OVERRIDE_ENV_PREFIX = "PARTITRAIN_KAFKA_";

  /** Printed instead of a secret value. */
  public static final String REDACTED = "[redacted]";

  /**
   * Settings Partitrain sets itself because its invariants depend on them (exactly-once decisions,
   * read_committed consumers, values decoded in the poll loop so poison goes to the DLQ).
   */
  public static final Set<String> RESERVED_KEYS =
      Set.of(
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
          ProducerConfig.ACKS_CONFIG,
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG,
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
          ConsumerConfig.GROUP_ID_CONFIG,
          CommonClientConfigs.CLIENT_ID_CONFIG);

  private static final Set<String> SECRET_WORDS =
      Set.of("password", "secret", "token", "credential", "jaas", "ssl.keystore.key");

  private static final Set<String> PASSWORD_KEYS = passwordKeys();

  private KafkaClientConfig() {}

  /**
   * The settings of a service, from its environment: {@value #CONFIG_FILE_ENV}, {@value
   * #OVERRIDE_ENV_PREFIX}{@code *}, {@code KAFKA_BOOTSTRAP_SERVERS} (required unless the file sets
   * {@code bootstrap.servers}) and {@code PARTITRAIN_TOPIC_PREFIX}.
   */
  public static KafkaSettings fromEnvironment(Env env) {
    String file = env.string(CONFIG_FILE_ENV, null);
    return build(
        file == null ? null : Path.of(file),
        overrides(env),
        env.string(ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key(), null),
        new Topics(env.string("PARTITRAIN_TOPIC_PREFIX", Topics.DEFAULT_PREFIX)),
        "set "
            + ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key()
            + " or bootstrap.servers in "
            + CONFIG_FILE_ENV);
  }

  /**
   * The {@value #OVERRIDE_ENV_PREFIX}{@code *} variables as client settings: {@code
   * PARTITRAIN_KAFKA_SASL_MECHANISM} → {@code sasl.mechanism}.
   */
  public static Map<String, String> overrides(Env env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.startingWith(OVERRIDE_ENV_PREFIX)
        .forEach(
            (name, value) -> {
              if (!name.equals(CONFIG_FILE_ENV) && value != null && !value.isBlank()) {
                out.put(keyOf(name), value.strip());
              }
            });
    return out;
  }

  /**
   * Builds the settings from a properties file (may be null), overrides and bootstrap servers (may
   * be null when the file or the overrides set {@code bootstrap.servers}).
   *
   * @param missingHint how the user sets the bootstrap servers, for the error when none is set
   */
  public static KafkaSettings build(
      Path file,
      Map<String, String> overrides,
      String bootstrapServers,
      Topics topics,
      String missingHint) {
    Map<String, Object> props = new LinkedHashMap<>();
    if (file != null) {
      props.putAll(load(file));
    }
    props.putAll(overrides);
    for (String key : props.keySet()) {
      if (RESERVED_KEYS.contains(key)) {
        throw new PartitrainException(
            "Kafka client setting '"
                + key
                + "'"
                + (file == null ? "" : " in " + file)
                + " is set by Partitrain itself (its delivery guarantees depend on it); remove it");
      }
    }
    Object fromProps = props.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    String servers =
        bootstrapServers != null && !bootstrapServers.isBlank()
            ? bootstrapServers
            : fromProps == null ? null : fromProps.toString();
    if (servers == null || servers.isBlank()) {
      throw new PartitrainException("no Kafka to talk to: " + missingHint);
    }
    return new KafkaSettings(servers.strip(), topics, props);
  }

  /** Reads a Kafka client properties file; the error names the file, never a value in it. */
  public static Map<String, String> load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new PartitrainException(
          "Kafka client config file " + file + " does not exist or is not a regular file");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      // The message of a parse error may quote the line; do not pass it on.
      throw new PartitrainException(
          "cannot read Kafka client config file " + file + ": " + e.getClass().getSimpleName());
    }
    Map<String, String> out = new LinkedHashMap<>();
    p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k).strip()));
    return out;
  }

  /** Whether the value of this client setting is a secret that must never be shown. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return PASSWORD_KEYS.contains(k) || SECRET_WORDS.stream().anyMatch(k::contains);
  }

  /** The settings with every secret value replaced by {@value #REDACTED}, sorted by key. */
  public static Map<String, String> redacted(Map<String, ?> settings) {
    Map<String, String> out = new TreeMap<>();
    settings.forEach(
        (k, v) -> out.put(k, isSecret(k) ? REDACTED : String.valueOf(v == null ? "" : v)));
    return out;
  }

  /** {@code PARTITRAIN_KAFKA_SASL_MECHANISM} → {@code sasl.mechanism}. */
  static String keyOf(String envName) {
    return envName
        .substring(OVERRIDE_ENV_PREFIX.length())
        .toLowerCase(Locale.ROOT)
        .replace('_', '.');
  }

  private static Set<String> passwordKeys() {
    Set<String> keys = new java.util.HashSet<>();
    for (ConfigDef def :
        new ConfigDef[] {
          ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef()
        }) {
      def.configKeys()
          .forEach(
              (name, key) -> {
                if (key.type == ConfigDef.Type.PASSWORD) {
                  keys.add(name);
                }
              });
    }
    keys.add(SaslConfigs.SASL_JAAS_CONFIG);
    keys.add(SslConfigs.SSL_KEYSTORE_KEY_CONFIG);
    return Set.copyOf(keys);
  }
}
