package io.partitrain.orchestrator;

import io.partitrain.orchestrator.state.RunState;
import io.partitrain.orchestrator.tracking.Outbox;
import io.partitrain.orchestrator.tracking.Tracker;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.RunSnapshotParts;
import io.partitrain.shared.kafka.TopicReader;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's side of the state topic ({@link StateSnapshot}): the takeover (read the
 * snapshots, restore them, replay only the runs-topic events they do not cover), the offsets each
 * snapshot covers (known to the committer once the decisions it folds are written in the same
 * transaction), and reading a finished run's final snapshot back when a command asks for the run.
 *
 * <p>One instance per term: its bookkeeping starts from what the takeover read and follows every
 * transaction the term writes. A failed transaction ends the term, so nothing here has to undo.
 */
final class StateTopic implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StateTopic.class);

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaSettings kafka;
  private final Topics topics;
  private final String clientId;
  private int runsPartitions;

  /** Per runs-topic partition: the offset after the last record known written. */
  private final Map<Integer, Long> end = new HashMap<>();

  /**
   * Per run not finished: its runs-topic partition and the lowest offset a successor must read for
   * it (its snapshot's covered offset, or its start's offset while it has no snapshot).
   */
  private final Map<String, Long> floor = new HashMap<>();

  /**
   * Where each finished run's final snapshot is on the state topic (for {@link #finalSnapshot}).
   */
  private final Map<String, Position> finals = new ConcurrentHashMap<>();

  /**
   * Per run key: how many {@link StateSnapshot.RunPart}s its latest snapshot has on the topic
   * (none: absent), so that a smaller snapshot or a tombstone also removes the parts it leaves
   * behind.
   */
  private final Map<String, Integer> partsWritten = new HashMap<>();

  private final int partBytes;
  private int statePartitions;

  private Consumer<String, byte[]> reader;

  private record Position(int partition, long offset) {}

  /** What a takeover read: records consumed from each topic, and what it restored. */
  record Takeover(
      long stateRecords, long runsRecords, int restoredRuns, int finishedRuns, long millis) {}

  StateTopic(KafkaSettings kafka, String clientId) {
    this(kafka, clientId, RunSnapshotParts.DEFAULT_PART_BYTES);
  }

  /**
   * With a run's partitions in parts of at most {@code partBytes} of JSON each (tests lower it).
   */
  StateTopic(KafkaSettings kafka, String clientId, int partBytes) {
    this.kafka = kafka;
    this.topics = kafka.topics();
    this.clientId = clientId;
    this.partBytes = partBytes;
  }

  /**
   * Rebuilds {@code tracker}: the latest snapshot of every key on the state topic, then the runs
   * topic from the checkpoint's offsets (from the beginning without one: a topic written before
   * snapshots existed), each event applied only where no snapshot covers it.
   */
  Takeover takeover(Tracker tracker, BooleanSupplier stop) {
    long start = System.nanoTime();
    Map<String, ConsumerRecord<String, byte[]>> latest = new HashMap<>();
    long[] stateRecords = {0};
    try (Consumer<String, byte[]> c =
        new KafkaConsumer<>(kafka.consumer(clientId + "-state", null))) {
      List<TopicPartition> parts = TopicReader.assignAll(c, topics.state());
      c.seekToBeginning(parts);
      TopicReader.readToEnd(
          c,
          parts,
          r -> {
            stateRecords[0]++;
            if (r.value() == null) {
              latest.remove(r.key());
            } else {
              latest.put(r.key(), r);
            }
          },
          stop);
    }
    Map<String, Map<Integer, Long>> covered = new HashMap<>();
    StateSnapshot.Checkpoint checkpoint = null;
    int restored = 0;
    int finished = 0;
    for (ConsumerRecord<String, byte[]> r : latest.values()) {
      if (StateSnapshot.isRunPartKey(r.key())) {
        continue; // read with its run's record (RunSnapshotParts)
      }
      covered.put(r.key(), coveredOf(r));
      String parts = header(r, StateSnapshot.PARTS_HEADER);
      if (parts != null) {
        partsWritten.put(r.key(), Integer.parseInt(parts));
      }
      String finishedAt = header(r, StateSnapshot.FINISHED_HEADER);
      if (finishedAt != null) {
        String runId = r.key().substring("run/".length());
        tracker.noteFinished(
            runId, Instant.parse(finishedAt), countsOf(header(r, StateSnapshot.COUNTS_HEADER)));
        finals.put(runId, new Position(r.partition(), r.offset()));
        finished++;
        continue;
      }
      StateSnapshot s;
      try {
        s = Json.read(r.value(), StateSnapshot.class);
        if (s instanceof StateSnapshot.Run head) {
          s = RunSnapshotParts.assemble(head, i -> partOf(latest, head.runId(), i));
        }
      } catch (UnreadableMessageException e) {
        log.warn("skipping unreadable state record {}: {}", r.key(), e.getMessage());
        covered.remove(r.key());
        continue;
      }
      if (s instanceof StateSnapshot.Checkpoint cp) {
        checkpoint = cp;
      } else if (s instanceof StateSnapshot.Run) {
        restored++;
      }
      tracker.restore(s);
    }
    if (checkpoint != null) {
      tracker.restore(checkpoint);
    }
    Map<String, Long> startedAt = new HashMap<>();
    long runsRecords = replay(tracker, checkpoint, covered, startedAt, stop);
    for (RunState run : tracker.runs()) {
      Map<Integer, Long> c = covered.get(StateSnapshot.runKey(run.runId()));
      int p = partitionOf(run.runId());
      Long f = c != null ? c.get(p) : startedAt.get(run.runId());
      floor.put(run.runId(), f == null ? 0L : f);
    }
    return new Takeover(
        stateRecords[0], runsRecords, restored, finished, (System.nanoTime() - start) / 1_000_000);
  }

  private static StateSnapshot partOf(
      Map<String, ConsumerRecord<String, byte[]>> latest, String runId, int index) {
    ConsumerRecord<String, byte[]> r = latest.get(StateSnapshot.runPartKey(runId, index));
    return r == null ? null : Json.read(r.value(), StateSnapshot.class);
  }

  private long replay(
      Tracker tracker,
      StateSnapshot.Checkpoint checkpoint,
      Map<String, Map<Integer, Long>> covered,
      Map<String, Long> startedAt,
      BooleanSupplier stop) {
    long[] count = {0};
    try (Consumer<String, byte[]> c =
        new KafkaConsumer<>(kafka.consumer(clientId + "-replay", null))) {
      List<TopicPartition> parts = TopicReader.assignAll(c, topics.runs());
      runsPartitions = parts.size();
      c.seekToBeginning(parts);
      for (TopicPartition tp : parts) {
        Long from = checkpoint == null ? null : checkpoint.replayFrom().get(tp.partition());
        if (from != null && from > c.position(tp)) {
          c.seek(tp, from);
        }
      }
      TopicReader.readToEnd(
          c,
          parts,
          r -> {
            count[0]++;
            RunEvent e;
            try {
              e = Json.read(r.value(), RunEvent.class);
            } catch (UnreadableMessageException ex) {
              log.warn(
                  "skipping unreadable run event at {}-{}@{}: {}",
                  r.topic(),
                  r.partition(),
                  r.offset(),
                  ex.getMessage());
              return;
            }
            if (e instanceof RunEvent.RunStarted) {
              startedAt.putIfAbsent(e.runId(), r.offset());
            }
            tracker.replay(
                e,
                key ->
                    covered.getOrDefault(key, Map.of()).getOrDefault(r.partition(), -1L)
                        > r.offset());
          },
          stop);
      for (TopicPartition tp : parts) {
        end.put(tp.partition(), c.position(tp));
      }
    }
    return count[0];
  }

  /** The runs-topic partition of a run's records (the producer's partitioner for a key). */
  int partitionOf(String runId) {
    return Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8))) % runsPartitions;
  }

  /**
   * Learns where this window's runs-topic records went (their futures are complete after a flush or
   * a commit): each partition's end, and the start of each run started in it.
   */
  void written(List<Outbox.Entry> entries, List<Future<RecordMetadata>> futures) {
    for (int i = 0; i < entries.size(); i++) {
      RecordMetadata m = get(futures.get(i));
      end.merge(m.partition(), m.offset() + 1, Math::max);
      if (entries.get(i).value() instanceof RunEvent.RunStarted s) {
        floor.putIfAbsent(s.runId(), m.offset());
      }
    }
  }

  /**
   * The record to write for a state-topic entry, with the runs-topic offsets it covers: the ends of
   * this transaction's runs-topic records, which {@link #written} learned after a flush. A
   * checkpoint gets its replay offsets here.
   */
  /**
   * The records of a state-topic entry: {@link #toRecord}, and for a run too large for one record
   * its head and {@link StateSnapshot.RunPart}s ({@link RunSnapshotParts}), plus tombstones for the
   * parts an earlier snapshot of the run (or the run's record, now tombstoned) leaves behind. The
   * parts go to the head's state-topic partition, right after it, so a reader of the head finds
   * them there.
   */
  Stream<ProducerRecord<String, byte[]>> toRecords(Outbox.Entry e, int partitionCount) {
    String key = e.key();
    if (key == null || !key.startsWith("run/")) {
      return Stream.of(toRecord(e));
    }
    List<StateSnapshot> split =
        e.value() instanceof StateSnapshot.Run r ? RunSnapshotParts.split(r, partBytes) : List.of();
    int parts = Math.max(0, split.size() - 1);
    ProducerRecord<String, byte[]> head =
        toRecord(parts > 0 ? new Outbox.Entry(e.topic(), key, split.get(0), null) : e);
    int partition =
        Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    String runId = key.substring("run/".length());
    if (parts > 0) {
      head.headers()
          .add(
              StateSnapshot.PARTS_HEADER, Integer.toString(parts).getBytes(StandardCharsets.UTF_8));
    }
    int before = partsWritten.getOrDefault(key, 0);
    if (parts > 0) {
      partsWritten.put(key, parts);
    } else {
      partsWritten.remove(key);
    }
    // Each part is encoded only when it is sent: a million partitions are a few hundred MB of
    // JSON, and holding all of them at once took the orchestrator past -Xmx1g at the final
    // snapshot of a million-partition run; the producer's buffer now bounds what is held.
    Stream<ProducerRecord<String, byte[]>> partRecords =
        IntStream.range(0, parts)
            .mapToObj(
                i ->
                    new ProducerRecord<>(
                        e.topic(),
                        partition,
                        StateSnapshot.runPartKey(runId, i),
                        Json.toBytes(split.get(i + 1))));
    Stream<ProducerRecord<String, byte[]>> tombstones =
        IntStream.range(parts, Math.max(parts, before))
            .mapToObj(
                i ->
                    new ProducerRecord<>(
                        e.topic(), partition, StateSnapshot.runPartKey(runId, i), (byte[]) null));
    return Stream.concat(Stream.of(head), Stream.concat(partRecords, tombstones));
  }

  ProducerRecord<String, byte[]> toRecord(Outbox.Entry e) {
    Object value = e.value();
    if (value instanceof StateSnapshot.Run r) {
      if (r.complete()) {
        floor.remove(r.runId());
      } else {
        floor.put(r.runId(), end.getOrDefault(partitionOf(r.runId()), 0L));
      }
    } else if (value instanceof StateSnapshot.Checkpoint c) {
      value =
          new StateSnapshot.Checkpoint(
              c.schemaVersion(), replayFrom(), c.nodeCaps(), c.finishedRuns(), c.at());
    }
    ProducerRecord<String, byte[]> record =
        value == null && e.encoded() != null
            ? e.encoded()
            : new ProducerRecord<>(e.topic(), e.key(), Json.toBytes(value));
    record.headers().add(StateSnapshot.COVERED_HEADER, encode(end));
    if (value instanceof StateSnapshot.Run r && r.complete()) {
      Instant at = r.completedAt() == null ? r.at() : r.completedAt();
      record
          .headers()
          .add(StateSnapshot.FINISHED_HEADER, at.toString().getBytes(StandardCharsets.UTF_8));
      List<String> counts = new ArrayList<>();
      r.summary().byState().forEach((s, n) -> counts.add(s.name() + "=" + n));
      record
          .headers()
          .add(
              StateSnapshot.COUNTS_HEADER,
              String.join(",", counts).getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  /** After the commit: where each final snapshot of the window is, for {@link #finalSnapshot}. */
  void committed(List<Outbox.Entry> entries, List<Future<RecordMetadata>> futures) {
    for (int i = 0; i < entries.size(); i++) {
      Outbox.Entry e = entries.get(i);
      if (e.value() instanceof StateSnapshot.Run r && r.complete()) {
        RecordMetadata m = get(futures.get(i));
        finals.put(r.runId(), new Position(m.partition(), m.offset()));
      } else if (e.value() == null && e.key() != null && e.key().startsWith("run/")) {
        finals.remove(e.key().substring("run/".length()));
      }
    }
  }

  private Map<Integer, Long> replayFrom() {
    Map<Integer, Long> from = new TreeMap<>(end);
    for (Map.Entry<String, Long> f : floor.entrySet()) {
      from.merge(partitionOf(f.getKey()), f.getValue(), Math::min);
    }
    return from;
  }

  /**
   * A finished run's final snapshot, read back from the state topic (a rerun or another command
   * about a run no longer in memory). Empty when it cannot be found.
   */
  Optional<StateSnapshot.Run> finalSnapshot(String runId) {
    Position at = finals.get(runId);
    if (at == null) {
      return Optional.empty();
    }
    if (reader == null) {
      reader = new KafkaConsumer<>(kafka.consumer(clientId + "-finals", null));
    }
    TopicPartition tp = new TopicPartition(topics.state(), at.partition());
    reader.assign(List.of(tp));
    reader.seek(tp, at.offset());
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    StateSnapshot.Run head = null;
    Map<Integer, StateSnapshot> parts = new HashMap<>();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(100))) {
        if (r.offset() < at.offset() || r.value() == null) {
          continue;
        }
        if (head == null && StateSnapshot.runKey(runId).equals(r.key())) {
          if (!(Json.read(r.value(), StateSnapshot.class) instanceof StateSnapshot.Run run)) {
            return Optional.empty();
          }
          head = run;
        } else if (head != null
            && r.key() != null
            && r.key().startsWith(StateSnapshot.runPartsPrefix(runId))
            && Json.read(r.value(), StateSnapshot.class) instanceof StateSnapshot.RunPart p
            && p.at().equals(head.at())) {
          parts.put(p.index(), p);
        }
      }
      // Its parts follow it on the same partition, in the same transaction.
      if (head != null
          && (head.partitionParts() == null || parts.size() >= head.partitionParts())) {
        return Optional.of(RunSnapshotParts.assemble(head, parts::get));
      }
    }
    log.warn("[run={}] its final snapshot at {} was not found in time", runId, at);
    return Optional.empty();
  }

  private static Map<PartitionState, Integer> countsOf(String header) {
    Map<PartitionState, Integer> out = new java.util.EnumMap<>(PartitionState.class);
    if (header != null && !header.isBlank()) {
      for (String part : header.split(",")) {
        String[] kv = part.split("=");
        out.put(PartitionState.valueOf(kv[0]), Integer.parseInt(kv[1]));
      }
    }
    return out;
  }

  private static Map<Integer, Long> coveredOf(ConsumerRecord<String, byte[]> r) {
    String h = header(r, StateSnapshot.COVERED_HEADER);
    Map<Integer, Long> out = new HashMap<>();
    if (h != null && !h.isBlank()) {
      for (String part : h.split(",")) {
        String[] kv = part.split(":");
        out.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
      }
    }
    return out;
  }

  private static byte[] encode(Map<Integer, Long> offsets) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(offsets).forEach((p, o) -> parts.add(p + ":" + o));
    return String.join(",", parts).getBytes(StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static RecordMetadata get(Future<RecordMetadata> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted", e);
    } catch (ExecutionException e) {
      throw new KafkaException("a record of the transaction was not written", e.getCause());
    }
  }

  /**
   * Sends a window's records, state records last with the offsets they cover. An entry sent with
   * its encoding and its message keeps only the message in {@code entries} afterwards: the producer
   * has copied the bytes into its buffer, and the start of a million partitions encodes a few
   * hundred MB of moves that nothing reads again.
   */
  List<Future<RecordMetadata>> send(
      Producer<String, byte[]> producer, List<Outbox.Entry> entries, byte[] instanceId) {
    List<Outbox.Entry> runs = new ArrayList<>();
    List<Future<RecordMetadata>> runFutures = new ArrayList<>();
    List<Outbox.Entry> state = new ArrayList<>();
    for (ListIterator<Outbox.Entry> it = entries.listIterator(); it.hasNext(); ) {
      Outbox.Entry e = it.next();
      if (e.topic().equals(topics.state())) {
        state.add(e);
        continue;
      }
      ProducerRecord<String, byte[]> r = e.toRecord();
      r.headers().add(Orchestrator.INSTANCE_HEADER, instanceId);
      Future<RecordMetadata> f = producer.send(r);
      if (e.encoded() != null && e.value() != null) {
        e = new Outbox.Entry(e.topic(), e.key(), e.value(), null);
        it.set(e);
      }
      if (e.topic().equals(topics.runs())) {
        runs.add(e);
        runFutures.add(f);
      }
    }
    pendingRuns = runs;
    pendingRunFutures = runFutures;
    pendingState = state;
    List<Future<RecordMetadata>> stateFutures = new ArrayList<>();
    if (!state.isEmpty()) {
      // The snapshots must name the offsets of the decisions they fold, written just now.
      producer.flush();
      written(runs, runFutures);
      pendingRuns = List.of();
      if (statePartitions == 0) {
        statePartitions = producer.partitionsFor(topics.state()).size();
      }
      for (Outbox.Entry e : state) {
        boolean first = true;
        for (Iterator<ProducerRecord<String, byte[]>> records =
                toRecords(e, statePartitions).iterator();
            records.hasNext(); ) {
          ProducerRecord<String, byte[]> r = records.next();
          r.headers().add(Orchestrator.INSTANCE_HEADER, instanceId);
          Future<RecordMetadata> f = producer.send(r);
          if (first) {
            stateFutures.add(f); // a part's failure fails the commit
            first = false;
          }
        }
      }
    }
    return stateFutures;
  }

  private List<Outbox.Entry> pendingRuns = List.of();
  private List<Future<RecordMetadata>> pendingRunFutures = List.of();
  private List<Outbox.Entry> pendingState = List.of();

  /** After the window's commit: what its records' offsets teach (see {@link #written}). */
  void afterCommit(List<Future<RecordMetadata>> stateFutures) {
    if (!pendingRuns.isEmpty()) {
      written(pendingRuns, pendingRunFutures);
    }
    committed(pendingState, stateFutures);
    pendingRuns = List.of();
    pendingRunFutures = List.of();
    pendingState = List.of();
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
      reader = null;
    }
  }
}
