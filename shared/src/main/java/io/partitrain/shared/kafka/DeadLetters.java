package io.partitrain.shared.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a record that cannot be processed to the dead-letter topic, with why in its headers, so
 * that nothing is lost and the loop goes on. The value is kept as it was, except that the values of
 * any {@code environment_variables} in it are replaced by {@value #REDACTED} (a dead-letter topic
 * is read by more people than the work topic, and for longer); {@value #HEADER_REDACTED} says so.
 */
public final class DeadLetters {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  public static final String HEADER_REASON = "partitrain.dlq.reason";
  public static final String HEADER_ERROR = "partitrain.dlq.error";
  public static final String HEADER_SOURCE = "partitrain.dlq.source";
  public static final String HEADER_AT = "partitrain.dlq.at";
  public static final String HEADER_COMPONENT = "partitrain.dlq.component";
  public static final String HEADER_REDACTED = "partitrain.dlq.redacted";

  /** What replaces an environment variable's value in a dead-lettered record. */
  public static final String REDACTED = "[redacted]";

  private static final java.util.Set<String> ENVIRONMENT_FIELDS =
      java.util.Set.of("environment_variables", "environmentVariables");

  private static final ObjectMapper MAPPER = new ObjectMapper();

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
    byte[] value = withoutEnvironmentValues(record.value());
    if (value != record.value()) {
      headers.add(HEADER_REDACTED, bytes("environment_variables values"));
    }
    return new ProducerRecord<>(topic, null, record.key(), value, headers);
  }

  /**
   * The value with every environment variable value replaced; the same array when there is none or
   * the value is not JSON (an unreadable record is kept as it came).
   */
  static byte[] withoutEnvironmentValues(byte[] value) {
    if (value == null) {
      return null;
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(value);
    } catch (IOException | RuntimeException notJson) {
      return value;
    }
    if (root == null || !redact(root)) {
      return value;
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      return value;
    }
  }

  private static boolean redact(JsonNode node) {
    boolean changed = false;
    if (node instanceof ObjectNode obj) {
      var names = new java.util.ArrayList<String>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = obj.get(name);
        if (ENVIRONMENT_FIELDS.contains(name) && child instanceof ObjectNode env) {
          var keys = new java.util.ArrayList<String>();
          env.fieldNames().forEachRemaining(keys::add);
          keys.forEach(k -> env.put(k, REDACTED));
          changed |= !keys.isEmpty();
        } else {
          changed |= redact(child);
        }
      }
    } else if (node != null && node.isArray()) {
      for (JsonNode child : node) {
        changed |= redact(child);
      }
    }
    return changed;
  }

  private static byte[] bytes(String s) {
    return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
  }
}
