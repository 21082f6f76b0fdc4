package io.partitrain.orchestrator.tracking;

import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.PartitionMoves;
import io.partitrain.shared.contracts.RunEvent.PartitionTransitioned;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the partition moves of one window as {@link PartitionMoves} records, one per run (issue
 * 12): a window of 10,000 partitions' SCHEDULED moves, or of a few hundred admissions, is then a
 * handful of records on the runs topic instead of one each. The tracker still decides and folds one
 * {@link PartitionTransitioned} at a time; only the writing batches them, on the committer's
 * thread, just before encoding.
 *
 * <p>Order: the moves of a run are gathered until any other record of the same run's key comes (a
 * cost reservation, a retry, a snapshot), which is written after the batch, so every reader folds
 * the run's events in the order they were decided. Records of other topics and other keys keep
 * their places; the batch takes the place of the last of its moves.
 *
 * <p>Size: at most {@link #MAX_MOVES} moves a record, and a batch whose JSON exceeds {@link
 * #MAX_BYTES} (moves with large submission evidence) is split in halves, far below the broker's
 * default 1 MB record limit. A lone move is written as it is, as before.
 */
public final class MoveBatches {

  /** The most moves one record carries. */
  static final int MAX_MOVES = 500;

  /** The most bytes one batch record may take; larger ones are split. */
  static final int MAX_BYTES = 256 * 1024;

  private MoveBatches() {}

  /** {@code entries} with the runs topic's moves gathered into batches per run (see above). */
  public static List<Outbox.Entry> coalesce(List<Outbox.Entry> entries, String runsTopic) {
    List<Outbox.Entry> out = new ArrayList<>(entries.size());
    Map<String, List<PartitionTransitioned>> open = new LinkedHashMap<>();
    for (Outbox.Entry e : entries) {
      if (!runsTopic.equals(e.topic())) {
        out.add(e);
        continue;
      }
      if (e.value() instanceof PartitionTransitioned move && move.runId().equals(e.key())) {
        List<PartitionTransitioned> moves = open.computeIfAbsent(e.key(), k -> new ArrayList<>());
        moves.add(move);
        if (moves.size() == MAX_MOVES) {
          write(runsTopic, open.remove(e.key()), out);
        }
        continue;
      }
      List<PartitionTransitioned> pending = open.remove(e.key());
      if (pending != null) {
        write(runsTopic, pending, out);
      }
      out.add(e);
    }
    open.values().forEach(moves -> write(runsTopic, moves, out));
    return out;
  }

  private static void write(
      String topic, List<PartitionTransitioned> moves, List<Outbox.Entry> out) {
    String runId = moves.get(0).runId();
    if (moves.size() == 1) {
      out.add(new Outbox.Entry(topic, runId, moves.get(0), null));
      return;
    }
    RunEvent batch =
        new PartitionMoves(Schema.VERSION, runId, moves, moves.get(moves.size() - 1).at());
    byte[] bytes = Json.toBytes(batch);
    if (bytes.length > MAX_BYTES) {
      int half = moves.size() / 2;
      write(topic, new ArrayList<>(moves.subList(0, half)), out);
      write(topic, new ArrayList<>(moves.subList(half, moves.size())), out);
      return;
    }
    out.add(new Outbox.Entry(topic, runId, batch, new ProducerRecord<>(topic, runId, bytes)));
  }
}
