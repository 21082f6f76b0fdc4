package io.partitrain.cli.bench;

import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Counts what really reached each of an installation's topics, by reading them back with a {@code
 * read_committed} consumer: committed records only, no transaction markers, no aborted writes. The
 * benchmark runs under a topic prefix of its own, so every record counted is the benchmark's.
 */
final class TopicCounts {

  private TopicCounts() {}

  /** Records per topic, keyed by the topic's role (runs, work, status, ...), in a fixed order. */
  static Map<String, Long> of(KafkaSettings kafka) {
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
    Map<String, Long> out = new LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(kafka.consumer("partitrain-bench-counter", null))) {
      for (var role : roles.entrySet()) {
        long[] n = {0};
        var parts = TopicReader.assignAll(reader, role.getValue());
        reader.seekToBeginning(parts);
        TopicReader.readToEnd(reader, parts, r -> n[0]++, () -> false);
        out.put(role.getKey(), n[0]);
        reader.assign(List.of());
      }
    }
    return out;
  }
}
