package io.partitrain.shared.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * How one run is read without decoding everyone's history (the CLI, and the console for a run whose
 * detail it does not keep in memory). The orchestrator keys every record of a run by its run id
 * (runs and FinOps topics), so with Kafka's default partitioner all of them are in one partition,
 * in order; the CLI reads that partition only, and decodes only the records whose key is the run
 * id. The event type is read from the first bytes of the JSON, so {@code run list} decodes only the
 * few records a run's line needs.
 *
 * <p>Biggest advantage: {@code run show} decodes one run's records, not the topic's. Limitation:
 * the bytes of the run's partition are still fetched from the broker from its beginning, so the
 * time still grows (much more slowly) with history; a per-run index (the compacted state topic)
 * would remove that.
 */
public final class KeyedReads {

  private static final byte[] TYPE_PREFIX = "{\"type\":\"".getBytes(StandardCharsets.UTF_8);

  private KeyedReads() {}

  /**
   * The partition of {@code topic} that Kafka's default partitioner gives {@code key} (murmur2 of
   * the key's UTF-8 bytes, the producers' {@code StringSerializer}).
   */
  public static TopicPartition partitionOf(Consumer<?, ?> consumer, String topic, String key) {
    return new TopicPartition(topic, partitionOf(key, consumer.partitionsFor(topic).size()));
  }

  /** The partition among {@code count} that Kafka's default partitioner gives {@code key}. */
  public static int partitionOf(String key, int count) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % count;
  }

  /**
   * Passes every record keyed {@code key} in {@code topic} so far, in order: from the key's own
   * partition, or, when that holds none (a producer configured with another partitioner), from the
   * others.
   */
  public static void readKey(
      Consumer<String, byte[]> consumer,
      String topic,
      String key,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
    TopicPartition home = partitionOf(consumer, topic, key);
    boolean[] found = {false};
    java.util.function.Consumer<ConsumerRecord<String, byte[]>> keyed =
        r -> {
          if (key.equals(r.key())) {
            found[0] = true;
            sink.accept(r);
          }
        };
    readFromStart(consumer, List.of(home), keyed);
    if (!found[0]) {
      List<TopicPartition> others =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .filter(p -> !p.equals(home))
              .toList();
      readFromStart(consumer, others, keyed);
    }
  }

  /**
   * Passes every record of {@code homeKey}'s partition of {@code topic} whose key {@code wanted}
   * accepts, in order: records written to that partition under other keys on purpose (a run
   * snapshot's parts, next to the run's record).
   */
  public static void readKeys(
      Consumer<String, byte[]> consumer,
      String topic,
      String homeKey,
      java.util.function.Predicate<String> wanted,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
    readFromStart(
        consumer,
        List.of(partitionOf(consumer, topic, homeKey)),
        r -> {
          if (r.key() != null && wanted.test(r.key())) {
            sink.accept(r);
          }
        });
  }

  private static void readFromStart(
      Consumer<String, byte[]> consumer,
      List<TopicPartition> parts,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
    if (parts.isEmpty()) {
      return;
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    TopicReader.readToEnd(consumer, parts, sink, () -> false);
  }

  /**
   * The {@code type} of a JSON record when it is the first field (as Jackson writes the records'
   * type id); null when it is not there, and the record must be decoded to know.
   */
  public static String typeOf(byte[] value) {
    if (value == null || value.length <= TYPE_PREFIX.length) {
      return null;
    }
    for (int i = 0; i < TYPE_PREFIX.length; i++) {
      if (value[i] != TYPE_PREFIX[i]) {
        return null;
      }
    }
    for (int i = TYPE_PREFIX.length; i < value.length && i < TYPE_PREFIX.length + 64; i++) {
      if (value[i] == '"') {
        return new String(
            value, TYPE_PREFIX.length, i - TYPE_PREFIX.length, StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
