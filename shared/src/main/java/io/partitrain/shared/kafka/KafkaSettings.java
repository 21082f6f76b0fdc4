package io.partitrain.shared.kafka;

import io.partitrain.shared.contracts.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Where Kafka is and how Partitrain's clients talk to it. Immutable; built once at start-up.
 *
 * <p>Values travel as bytes and are decoded in the poll loops (not by a Kafka deserializer), so
 * that one unreadable record goes to the dead-letter topic instead of wedging the consumer.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param topics topic names
 * @param extra further client properties (security settings for a managed cluster, ...), as read by
 *     {@link KafkaClientConfig}; secret values in it never appear in {@link #toString()}
 */
public record KafkaSettings(String bootstrapServers, Topics topics, Map<String, Object> extra) {

  /** Large plans travel in one command; zstd keeps them well under the broker's message limit. */
  public static final int MAX_REQUEST_SIZE = 32 * 1024 * 1024;

  /**
   * How long a consumer's fetch waits at the broker for records, at most: an idle consumer sends
   * about ten fetch requests a second.
   */
  public static final int FETCH_MAX_WAIT_MS = 100;

  public KafkaSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap.servers must not be empty");
    }
    topics = topics == null ? Topics.defaults() : topics;
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }

  public static KafkaSettings of(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, Topics.defaults(), Map.of());
  }

  /** Secret values redacted: this is what may be logged or printed. */
  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers="
        + bootstrapServers
        + ", topics="
        + topics.prefix()
        + ", client="
        + KafkaClientConfig.redacted(extra)
        + "]";
  }

  public Map<String, Object> common(String clientId) {
    Map<String, Object> p = new HashMap<>(extra);
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return p;
  }

  /**
   * An idempotent producer ({@code acks=all}); transactional when {@code transactionalId} is set.
   */
  public Map<String, Object> producer(String clientId, String transactionalId) {
    Map<String, Object> p = common(clientId);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_SIZE);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    if (transactionalId != null) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
      p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
    }
    return p;
  }

  /** A consumer that commits by hand and sees only committed transactional records. */
  public Map<String, Object> consumer(String clientId, String groupId) {
    Map<String, Object> p = common(clientId);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A read_committed fetch that finds nothing readable waits at the broker up to
    // fetch.max.wait.ms, and in our measurements a transaction's commit did not end that wait:
    // with Kafka's default (500 ms) `partitrain bench` saw `run wait` learn of a completed run
    // 0.6 s after its commit (0.2 s at 100 ms; issue 12). Every hop through a transactional topic
    // (work items, run events) paid the same. PARTITRAIN_KAFKA_FETCH_MAX_WAIT_MS overrides it.
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
    if (groupId != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    return p;
  }
}
