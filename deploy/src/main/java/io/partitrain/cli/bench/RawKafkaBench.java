package io.partitrain.cli.bench;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The raw-Kafka baseline of {@code partitrain bench}: how many small messages this broker and this
 * machine move per second with the clients configured exactly as Partitrain's (idempotent, {@code
 * acks=all}, the same compression and linger; {@code read_committed} consumers). It produces {@code
 * count} messages to a fresh topic with as many partitions as the work topic, then consumes them
 * all. Partitrain's own throughput is judged against this figure, measured in the same run.
 */
final class RawKafkaBench {

  /**
   * What one pass measured; {@code cpu}: this process's CPU from the first message produced to the
   * last consumed, per message.
   */
  record Result(
      int messages,
      int messageBytes,
      double produceSeconds,
      double consumeSeconds,
      BenchReport.Cpu cpu) {

    double produceRate() {
      return messages / produceSeconds;
    }

    double consumeRate() {
      return messages / consumeSeconds;
    }

    /** The slower direction: a partition's messages must be both written and read. */
    double rate() {
      return Math.min(produceRate(), consumeRate());
    }
  }

  private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);

  private RawKafkaBench() {}

  static Result run(KafkaSettings kafka, String topic, int partitions, int count, int bytes) {
    createTopic(kafka, topic, partitions);
    byte[][] payloads = payloads(bytes);
    AtomicReference<Exception> failure = new AtomicReference<>();
    long t0;
    ProcessCpu.Reading cpu0;
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(kafka.producer("partitrain-bench-raw-producer", null))) {
      warmUp(producer, topic, partitions);
      cpu0 = ProcessCpu.read();
      t0 = System.nanoTime();
      for (int i = 0; i < count; i++) {
        producer.send(
            new ProducerRecord<>(topic, "key-" + i, payloads[i % payloads.length]),
            (md, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new PartitrainException("the raw Kafka baseline could not produce", failure.get());
    }
    long t1 = System.nanoTime();
    int read = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(kafka.consumer("partitrain-bench-raw-consumer", null))) {
      List<TopicPartition> parts = TopicReader.assignAll(consumer, topic);
      consumer.seekToBeginning(parts);
      int[] n = {-partitions};
      TopicReader.readToEnd(consumer, parts, r -> n[0]++, () -> false);
      read = n[0];
    }
    long t2 = System.nanoTime();
    ProcessCpu.Reading cpu2 = ProcessCpu.read();
    if (read != count) {
      throw new PartitrainException(
          "the raw Kafka baseline produced " + count + " messages but read back " + read);
    }
    return new Result(count, bytes, (t1 - t0) / 1e9, (t2 - t1) / 1e9, cpu0.until(cpu2, count));
  }

  /**
   * One message to each partition, each awaited, before the clock starts: a topic created a moment
   * ago may not have its leaders yet, and an idempotent producer that meets that with a full
   * pipeline can stall on sequence errors; that is set-up, not throughput.
   */
  private static void warmUp(KafkaProducer<String, byte[]> producer, String topic, int partitions) {
    for (int p = 0; p < partitions; p++) {
      try {
        producer
            .send(new ProducerRecord<>(topic, p, "warm-up", new byte[] {1}))
            .get(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new PartitrainException("cannot write to the benchmark topic " + topic, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PartitrainException("interrupted while warming up", e);
      }
    }
  }

  /**
   * JSON-shaped payloads of the given size that differ from each other, so compression sees roughly
   * what it sees on Partitrain's topics rather than one repeated byte.
   */
  private static byte[][] payloads(int bytes) {
    byte[][] out = new byte[64][];
    for (int i = 0; i < out.length; i++) {
      StringBuilder b = new StringBuilder("{\"schemaVersion\":1,\"runId\":\"bench\",\"n\":" + i);
      b.append(",\"pad\":\"");
      long x = 0x9E3779B97F4A7C15L * (i + 1);
      while (b.length() < bytes - 2) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        b.append((char) ('a' + (int) ((x >>> 33) % 26)));
      }
      b.append("\"}");
      out[i] = Arrays.copyOf(b.toString().getBytes(StandardCharsets.UTF_8), bytes);
    }
    return out;
  }

  private static void createTopic(KafkaSettings kafka, String topic, int partitions) {
    try (Admin admin = Admin.create(kafka.common("partitrain-bench-admin"))) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new PartitrainException("cannot create the benchmark topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitrainException("interrupted while creating the benchmark topic", e);
    }
  }
}
