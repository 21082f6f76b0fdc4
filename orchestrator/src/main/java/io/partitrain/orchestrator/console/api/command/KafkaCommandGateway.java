package io.partitrain.orchestrator.console.api.command;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.StartCommandWriter;
import io.partitrain.shared.serde.Json;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends console commands to the commands topic with an idempotent producer. */
public final class KafkaCommandGateway implements CommandGateway, AutoCloseable {

  private static final long SEND_TIMEOUT_SECONDS = 10;

  private final Producer<String, byte[]> producer;
  private final String topic;

  public KafkaCommandGateway(KafkaSettings kafka, String clientId) {
    this.producer = new KafkaProducer<>(kafka.producer(clientId + "-console-commands", null));
    this.topic = kafka.topics().commands();
  }

  @Override
  public void send(String key, RunCommand command) {
    try {
      if (command instanceof RunCommand.StartRun start && key.equals(start.runId())) {
        // A start too large for one record travels in parts.
        StartCommandWriter.send(
            producer,
            topic,
            start,
            StartCommandWriter.DEFAULT_PART_BYTES,
            Duration.ofSeconds(SEND_TIMEOUT_SECONDS));
        return;
      }
      producer
          .send(new ProducerRecord<>(topic, key, Json.toBytes(command)))
          .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitrainException("interrupted while sending a command to " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new PartitrainException(
          "could not send " + command.getClass().getSimpleName() + " to " + topic, e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
