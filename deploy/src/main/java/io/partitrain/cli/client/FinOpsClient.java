package io.partitrain.cli.client;

import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the FinOps topic (committed records only): cap events and the cost ledger. */
public final class FinOpsClient {

  private static final Duration POLL = Duration.ofMillis(200);

  private FinOpsClient() {}

  /** Every FinOps record written so far, in topic order per partition. */
  public static List<FinOpsRecord> readAll(KafkaSettings kafka, String clientId) {
    List<FinOpsRecord> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer(clientId + "-finops", null))) {
      String topic = kafka.topics().finops();
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
          try {
            out.add(Json.read(r.value(), FinOpsRecord.class));
          } catch (UnreadableMessageException e) {
            // not ours to judge here; the report covers what it can read
          }
        }
      }
    }
    out.sort(java.util.Comparator.comparing(FinOpsRecord::at));
    return out;
  }
}
