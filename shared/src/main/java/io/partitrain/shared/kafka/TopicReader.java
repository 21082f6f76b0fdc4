package io.partitrain.shared.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads a topic up to where it ends now: the orchestrator's replay of the runs topic, and the CLI's
 * reads of run state and the FinOps trail. With a {@code read_committed} consumer the end is the
 * last stable offset, so aborted and open transactions are never read.
 */
public final class TopicReader {

  private static final Duration POLL = Duration.ofMillis(200);

  private TopicReader() {}

  /** Assigns every partition of {@code topic} to the consumer (no group) and returns them. */
  public static List<TopicPartition> assignAll(Consumer<?, ?> consumer, String topic) {
    List<TopicPartition> parts =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(parts);
    return parts;
  }

  /**
   * Passes every record from the consumer's current positions to the end offsets taken now.
   *
   * @param stop checked between polls; when it answers true the read ends with a {@link
   *     WakeupException}
   */
  public static void readToEnd(
      Consumer<String, byte[]> consumer,
      List<TopicPartition> parts,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink,
      BooleanSupplier stop) {
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      consumer.poll(POLL).forEach(sink);
      if (stop.getAsBoolean()) {
        throw new WakeupException();
      }
    }
  }

  /** The whole topic, from its beginning to where it ends now. */
  public static void readAll(
      Consumer<String, byte[]> consumer,
      String topic,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
    List<TopicPartition> parts = assignAll(consumer, topic);
    consumer.seekToBeginning(parts);
    readToEnd(consumer, parts, sink, () -> false);
  }
}
