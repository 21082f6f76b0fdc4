package io.partitrain.orchestrator.tracking;

import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.PartitionMoves;
import io.partitrain.shared.contracts.RunEvent.PartitionTransitioned;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the partition moves of one window as {@link PartitionMoves} records (issue 12): a window
 * of 10,000 partitions' SCHEDULED moves, or of a few hundred admissions, is then a handful of
 * records on the runs topic instead of one each. The tracker still decides and folds one {@link
 * PartitionTransitioned} at a time; only the writing batches them, on the committer's thread, just
 * before encoding.
 *
 * <p>Order: a batch is a run of consecutive moves of one run on the runs topic; any other record of
 * the runs topic (another run's move, a cost reservation, a retry, a snapshot) ends it. So the runs
 * topic holds every decision in exactly the order it was decided, across runs too: a reader that
 * replays the node cap over all runs (CapsIT) sees no admission ahead of the end that made room for
 * it. Records of other topics keep their places. A run's start (its SCHEDULED moves) and its
 * admission round are each one batch; a window that interleaves the statuses of many runs batches
 * less.
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

  /** {@code entries} with the runs topic's consecutive moves of one run batched (see above). */
  public static List<Outbox.Entry> coalesce(List<Outbox.Entry> entries, String runsTopic) {
    List<Outbox.Entry> out = new ArrayList<>(entries.size());
    List<PartitionTransitioned> open = new ArrayList<>();
    for (Outbox.Entry e : entries) {
      if (!runsTopic.equals(e.topic())) {
        out.add(e);
        continue;
      }
      PartitionTransitioned move =
          e.value() instanceof PartitionTransitioned t && t.runId().equals(e.key()) ? t : null;
      boolean continues =
          move != null && (open.isEmpty() || open.get(0).runId().equals(move.runId()));
      if (!continues && !open.isEmpty()) {
        write(runsTopic, open, out);
        open = new ArrayList<>();
      }
      if (move == null) {
        out.add(e);
        continue;
      }
      open.add(move);
      if (open.size() == MAX_MOVES) {
        write(runsTopic, open, out);
        open = new ArrayList<>();
      }
    }
    if (!open.isEmpty()) {
      write(runsTopic, open, out);
    }
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
