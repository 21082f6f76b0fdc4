package io.partitrain.cli.bench;

import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicReader;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.StatusTopicValues;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Counts what really reached each of an installation's topics, by reading them back with a {@code
 * read_committed} consumer: committed records only, no transaction markers, no aborted writes. The
 * benchmark runs under a topic prefix of its own, so every record counted is the benchmark's.
 */
final class TopicCounts {

  private TopicCounts() {}

  /**
   * Records per topic, and their bytes (key and value as written, before the broker's compression),
   * both keyed by the topic's role (runs, work, status, ...), in a fixed order.
   */
  record Counted(Map<String, Long> records, Map<String, Long> bytes) {}

  /** Counts the records and bytes of each of the installation's topics. */
  static Counted of(KafkaSettings kafka) {
    Topics t = kafka.topics();
    Map<String, String> roles = new LinkedHashMap<>();
    roles.put("runs", t.runs());
    roles.put("status", t.status());
    roles.put("work", t.work());
    roles.put("partitions", t.partitions());
    roles.put("finops", t.finops());
    roles.put("state", t.state());
    roles.put("commands", t.commands());
    roles.put("dlq", t.deadLetters());
    Map<String, Long> records = new LinkedHashMap<>();
    Map<String, Long> bytes = new LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(kafka.consumer("partitrain-bench-counter", null))) {
      for (var role : roles.entrySet()) {
        long[] n = {0, 0};
        TopicReader.readAll(
            reader,
            role.getValue(),
            r -> {
              n[0]++;
              n[1] += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
            });
        records.put(role.getKey(), n[0]);
        bytes.put(role.getKey(), n[1]);
      }
    }
    return new Counted(records, bytes);
  }

  /**
   * What the runs and status records carry once unbatched: partition moves ({@code moves}) and job
   * statuses and heartbeats ({@code statuses}), decoded from the records read back.
   */
  static Map<String, Long> carried(KafkaSettings kafka) {
    Map<String, Long> out = new LinkedHashMap<>();
    long[] moves = {0};
    long[] statuses = {0};
    try (KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(kafka.consumer("partitrain-bench-carried", null))) {
      TopicReader.readAll(
          reader,
          kafka.topics().runs(),
          r ->
              moves[0] +=
                  RunEvent.unbatched(Json.read(r.value(), RunEvent.class)).stream()
                      .filter(e -> e instanceof RunEvent.PartitionTransitioned)
                      .count());
      TopicReader.readAll(
          reader,
          kafka.topics().status(),
          r -> statuses[0] += StatusTopicValues.read(r.value()).size());
    }
    out.put("moves", moves[0]);
    out.put("statuses", statuses[0]);
    return out;
  }
}
