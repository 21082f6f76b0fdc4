package io.partitrain.orchestrator.tracking;

import io.partitrain.shared.serde.Json;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records the tracker wants written. The orchestrator writes them in one Kafka transaction
 * together with the consumed offsets of the input they were decided from, so a decision happens
 * entirely or not at all.
 *
 * <p>Messages are kept as the objects the tracker decided (immutable records) and encoded once,
 * when the transaction writes them: on the committer's thread, while the loop decides the next
 * window. Whoever counts what was committed reads the objects, never the bytes.
 */
public final class Outbox {

  /**
   * One record to write: a message object ({@code value}), or a record encoded elsewhere ({@code
   * encoded}: a dead letter, which copies the bytes it could not read).
   */
  public record Entry(
      String topic, String key, Object value, ProducerRecord<String, byte[]> encoded) {

    /** The record to send, encoded now if it was not yet. */
    public ProducerRecord<String, byte[]> toRecord() {
      return encoded != null ? encoded : new ProducerRecord<>(topic, key, Json.toBytes(value));
    }
  }

  private List<Entry> entries = new ArrayList<>();

  /** Queues {@code value} for {@code topic}; it is encoded as JSON when it is written. */
  public void send(String topic, String key, Object value) {
    entries.add(new Entry(topic, key, value, null));
  }

  /** Queues a record that is encoded already. */
  public void add(ProducerRecord<String, byte[]> record) {
    entries.add(new Entry(record.topic(), record.key(), null, record));
  }

  /** What is queued, in order. */
  public List<Entry> entries() {
    return entries;
  }

  /** What is queued, encoded (for tests and diagnostics; the orchestrator encodes on commit). */
  public List<ProducerRecord<String, byte[]>> records() {
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(e.toRecord());
    }
    return out;
  }

  /** Takes everything queued so far, leaving this outbox empty. */
  public List<Entry> drain() {
    List<Entry> taken = entries;
    entries = new ArrayList<>();
    return taken;
  }

  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public void clear() {
    entries.clear();
  }
}
