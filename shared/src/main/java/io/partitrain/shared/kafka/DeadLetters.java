package io.partitrain.shared.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a record that cannot be processed to the dead-letter topic, unchanged, with why in its
 * headers, so that nothing is lost and the loop goes on.
 */
public final class DeadLetters {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  public static final String HEADER_REASON = "partitrain.dlq.reason";
  public static final String HEADER_ERROR = "partitrain.dlq.error";
  public static final String HEADER_SOURCE = "partitrain.dlq.source";
  public static final String HEADER_AT = "partitrain.dlq.at";
  public static final String HEADER_COMPONENT = "partitrain.dlq.component";

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final String component;

  /**
   * @param producer where {@link #send} writes; may be null when only {@link #record} is used
   */
  public DeadLetters(Producer<String, byte[]> producer, String topic, String component) {
    this.producer = producer;
    this.topic = topic;
    this.component = component;
  }

  /**
   * Sends the record to the dead-letter topic. Inside a transaction when the producer is in one.
   *
   * @param reason what rule the record broke, in one line
   * @param error the exception, if any
   */
  public void send(
      ConsumerRecord<String, byte[]> record, String reason, Throwable error, Instant at) {
    producer.send(record(record, reason, error, at));
  }

  /** The dead-letter record for {@code record}, for callers that write it themselves. */
  public ProducerRecord<String, byte[]> record(
      ConsumerRecord<String, byte[]> record, String reason, Throwable error, Instant at) {
    var headers = new RecordHeaders();
    headers.add(HEADER_REASON, bytes(reason));
    headers.add(
        HEADER_ERROR,
        bytes(error == null ? "" : error.getClass().getName() + ": " + error.getMessage()));
    headers.add(
        HEADER_SOURCE, bytes(record.topic() + "/" + record.partition() + "@" + record.offset()));
    headers.add(HEADER_AT, bytes(at.toString()));
    headers.add(HEADER_COMPONENT, bytes(component));
    log.warn(
        "dead-lettered {}/{}@{} (key={}): {}",
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        reason);
    return new ProducerRecord<>(topic, null, record.key(), record.value(), headers);
  }

  private static byte[] bytes(String s) {
    return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
  }
}
