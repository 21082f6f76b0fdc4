package io.partitrain.shared.kafka;

import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunCommand.StartRun;
import io.partitrain.shared.contracts.RunCommand.StartRunInParts;
import io.partitrain.shared.contracts.RunCommand.StartRunPart;
import io.partitrain.shared.serde.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes a start command to the commands topic: as one {@link StartRun} record when its partitions
 * fit in {@link #DEFAULT_PART_BYTES}, else as {@link StartRunPart} records of at most that many
 * bytes each, then a {@link StartRunInParts} naming their offsets, on the same partition. The parts
 * are acknowledged before the head is sent, so when the orchestrator reads the head every part is
 * already there; a sender that stops half-way leaves parts that no head names, and nothing starts.
 *
 * <p>The part size is counted before compression, so a part fits the topics' {@code
 * max.message.bytes} (8 MiB after compression) and {@code max.request.size} (32 MiB before)
 * whatever its tags compress to.
 */
public final class StartCommandWriter {

  /** A part's partitions at most this many bytes of JSON (4 MiB): half the topic's record limit. */
  public static final int DEFAULT_PART_BYTES = 4 * 1024 * 1024;

  private StartCommandWriter() {}

  /**
   * The command as it goes out: {@code start} itself if its partitions fit in {@code partBytes},
   * else its parts (each at least one partition, in plan order).
   */
  public static List<StartRunPart> split(StartRun start, int partBytes) {
    List<List<PartitionSpec>> chunks = JsonChunks.of(start.partitions(), partBytes);
    List<StartRunPart> parts = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      parts.add(
          new StartRunPart(
              start.schemaVersion(),
              start.commandId(),
              start.runId(),
              i,
              chunks.size(),
              chunks.get(i),
              start.requestedBy(),
              start.requestedAt()));
    }
    return parts;
  }

  /**
   * Sends {@code start} to {@code topic}, keyed by its run id, and returns the command the
   * orchestrator will answer (with {@code start}'s command id): {@code start} itself, or the {@link
   * StartRunInParts} that names its parts.
   *
   * @throws ExecutionException when the broker refuses a record (the cause says why)
   * @throws TimeoutException when a record is not acknowledged within {@code timeout}
   */
  public static RunCommand send(
      Producer<String, byte[]> producer,
      String topic,
      StartRun start,
      int partBytes,
      Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<StartRunPart> parts = split(start, partBytes);
    if (parts.size() <= 1) {
      await(producer.send(record(topic, null, start)), timeout);
      return start;
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>(parts.size());
    for (StartRunPart part : parts) {
      sent.add(producer.send(record(topic, null, part)));
    }
    List<Long> offsets = new ArrayList<>(parts.size());
    int partition = -1;
    for (Future<RecordMetadata> f : sent) {
      RecordMetadata m = await(f, timeout);
      if (partition >= 0 && m.partition() != partition) {
        // The topic's partition count changed under the sender: the head could not name them all.
        throw new ExecutionException(
            new IllegalStateException(
                "the parts of the start of run "
                    + start.runId()
                    + " landed on partitions "
                    + partition
                    + " and "
                    + m.partition()
                    + " of "
                    + topic
                    + "; send the start again"));
      }
      partition = m.partition();
      offsets.add(m.offset());
    }
    StartRunInParts head = StartRunInParts.of(start, offsets);
    await(producer.send(record(topic, partition, head)), timeout);
    return head;
  }

  private static ProducerRecord<String, byte[]> record(
      String topic, Integer partition, RunCommand command) {
    return new ProducerRecord<>(topic, partition, command.runId(), Json.toBytes(command));
  }

  private static RecordMetadata await(Future<RecordMetadata> f, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
