package io.partitrain.orchestrator;

import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunCommand.StartRunInParts;
import io.partitrain.shared.contracts.RunCommand.StartRunPart;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Assembles a start that came in parts ({@link StartRunInParts}): reads its {@link StartRunPart}
 * records back from the commands topic at the offsets the head names, and makes them one {@link
 * RunCommand.StartRun}, or says why it cannot. The tracker then decides the assembled start as any
 * other, so a start is all or nothing.
 *
 * <p>Why read back by offset instead of gathering parts as the loop consumes them: the loop commits
 * its input offsets with each window, so parts gathered in memory across windows would be lost by a
 * crash between them, and holding the offsets back would make the commands between them be decided
 * twice. The head is the only command; its parts are data it names, read in one go when it comes
 * (the sender wrote and acknowledged them first). Its limitation: the parts must still be on the
 * topic when the head is read, which the commands topic's retention (days) makes sure of.
 */
final class StartParts implements AutoCloseable {

  /** How long the parts of one start may take to read before the start is refused. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaSettings kafka;
  private final String clientId;
  private final Duration timeout;
  private Consumer<String, byte[]> consumer;

  StartParts(KafkaSettings kafka, String clientId, Duration timeout) {
    this.kafka = kafka;
    this.clientId = clientId;
    this.timeout = timeout;
  }

  /** The start {@code head} (read at {@code where}, offset {@code headOffset}) and its parts. */
  Assembly assemble(StartRunInParts head, TopicPartition where, long headOffset) {
    String problem = problemWithOffsets(head, headOffset);
    if (problem != null) {
      return Assembly.refused(problem);
    }
    return assemble(head, where, fetch(where, head.partOffsets()));
  }

  /** The records at {@code offsets} of {@code where}, by offset; an offset not found is absent. */
  private Map<Long, byte[]> fetch(TopicPartition where, List<Long> offsets) {
    if (consumer == null) {
      consumer = new KafkaConsumer<>(kafka.consumer(clientId + "-start-parts", null));
    }
    consumer.assign(List.of(where));
    Set<Long> wanted = new HashSet<>(offsets);
    long last = Collections.max(offsets);
    consumer.seek(where, Collections.min(offsets));
    Map<Long, byte[]> found = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (found.size() < wanted.size()
        && consumer.position(where) <= last
        && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
        if (wanted.contains(r.offset())) {
          found.put(r.offset(), r.value());
        }
      }
    }
    return found;
  }

  /** Whether the head names its parts by offsets that can be them: each once, before the head. */
  static String problemWithOffsets(StartRunInParts head, long headOffset) {
    List<Long> offsets = head.partOffsets();
    if (offsets.isEmpty()) {
      return "partOffsets = []: a start in parts names at least one StartRunPart";
    }
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < offsets.size(); i++) {
      Long o = offsets.get(i);
      if (o == null || o < 0 || o >= headOffset) {
        return "partOffsets["
            + i
            + "] = "
            + o
            + ": a part is written before its start, at an offset from 0 to "
            + (headOffset - 1);
      }
      if (!seen.add(o)) {
        return "partOffsets[" + i + "] = " + o + ": each part's offset is named once";
      }
    }
    return null;
  }

  /**
   * The start that {@code head} and the records found at its offsets make, or the first rule they
   * break: each part present, readable, of this command and run, in its place, and all together as
   * many partitions as the head says.
   */
  static Assembly assemble(StartRunInParts head, TopicPartition where, Map<Long, byte[]> found) {
    List<Long> offsets = head.partOffsets();
    List<PartitionSpec> partitions = new ArrayList<>(Math.max(0, head.partitionCount()));
    for (int i = 0; i < offsets.size(); i++) {
      long offset = offsets.get(i);
      String at = "part " + i + " (offset " + offset + " of " + where + ")";
      byte[] value = found.get(offset);
      if (value == null) {
        return Assembly.refused(
            at
                + ": not found (removed by the topic's retention, never written, or not"
                + " readable in time); a start needs every part, send it again");
      }
      RunCommand read;
      try {
        read = Json.read(value, RunCommand.class);
      } catch (UnreadableMessageException e) {
        return Assembly.refused(at + ": unreadable: " + e.getMessage());
      }
      if (!(read instanceof StartRunPart part)) {
        return Assembly.refused(
            at + ": type = " + read.getClass().getSimpleName() + ", but a part is a StartRunPart");
      }
      String problem = problemWithPart(head, i, part);
      if (problem != null) {
        return Assembly.refused(at + ": " + problem);
      }
      partitions.addAll(part.partitions());
    }
    if (partitions.size() != head.partitionCount()) {
      return Assembly.refused(
          "partitionCount = "
              + head.partitionCount()
              + ", but its "
              + offsets.size()
              + " parts carry "
              + partitions.size()
              + " partitions; the count must match");
    }
    return new Assembly(head.assembled(partitions), null);
  }

  private static String problemWithPart(StartRunInParts head, int index, StartRunPart part) {
    if (!head.commandId().equals(part.commandId())) {
      return "commandId = '"
          + part.commandId()
          + "', but the start's is '"
          + head.commandId()
          + "'; a part belongs to one start";
    }
    if (!head.runId().equals(part.runId())) {
      return "runId = '"
          + part.runId()
          + "', but the start's is '"
          + head.runId()
          + "'; a part belongs to one run";
    }
    if (part.index() != index) {
      return "index = " + part.index() + ", but the start names it as part " + index;
    }
    if (part.parts() != head.partOffsets().size()) {
      return "parts = "
          + part.parts()
          + ", but the start names "
          + head.partOffsets().size()
          + " parts";
    }
    return null;
  }

  /** An assembled start, or why there is none. */
  record Assembly(RunCommand.StartRun start, String problem) {
    static Assembly refused(String problem) {
      return new Assembly(null, problem);
    }
  }

  @Override
  public void close() {
    if (consumer != null) {
      consumer.close();
    }
  }
}
