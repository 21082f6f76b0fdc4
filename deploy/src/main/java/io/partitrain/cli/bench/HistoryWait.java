package io.partitrain.cli.bench;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicReader;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Waits, with one consumer on the runs topic, until every run of a history has completed. */
final class HistoryWait {

  private HistoryWait() {}

  static void allCompleted(KafkaSettings kafka, List<String> runIds, Duration timeout) {
    Set<String> waiting = new HashSet<>(runIds);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(kafka.consumer("partitrain-bench-cli-wait", null))) {
      List<TopicPartition> parts = TopicReader.assignAll(reader, kafka.topics().runs());
      reader.seekToBeginning(parts);
      while (!waiting.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new PartitrainException(
              waiting.size()
                  + " of the history's "
                  + runIds.size()
                  + " runs did not complete within "
                  + timeout
                  + ", e.g. "
                  + waiting.iterator().next());
        }
        for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(500))) {
          if (r.key() != null && waiting.contains(r.key()) && completed(r)) {
            waiting.remove(r.key());
          }
        }
      }
    }
  }

  private static boolean completed(ConsumerRecord<String, byte[]> r) {
    try {
      return Json.read(r.value(), RunEvent.class) instanceof RunEvent.RunCompleted;
    } catch (UnreadableMessageException e) {
      return false;
    }
  }
}
