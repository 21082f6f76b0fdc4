package io.partitrain.orchestrator.tracking;

import io.partitrain.shared.serde.Json;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records one round of the tracker wants written. The orchestrator writes them in one Kafka
 * transaction together with the consumed offsets, so a round happens entirely or not at all.
 */
public final class Outbox {

  private final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();

  public void send(String topic, String key, Object value) {
    records.add(new ProducerRecord<>(topic, key, Json.toBytes(value)));
  }

  public void add(ProducerRecord<String, byte[]> record) {
    records.add(record);
  }

  public List<ProducerRecord<String, byte[]>> records() {
    return records;
  }

  public boolean isEmpty() {
    return records.isEmpty();
  }

  public void clear() {
    records.clear();
  }
}
