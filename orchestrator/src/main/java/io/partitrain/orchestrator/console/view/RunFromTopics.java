package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.KeyedReads;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A run as the console sees it, read straight from Kafka: the runs and FinOps topics folded by the
 * same {@link RunsFold} the console uses, so {@code job show} and {@code run evidence} say the same
 * with or without {@code --server}. A finished run whose decisions are past the runs topic's
 * retention is read from its final snapshot on the state topic, as the console does. The console
 * itself reads a run this way when it keeps only the run's summary in memory ({@link RunDetails}).
 */
public final class RunFromTopics {

  private RunFromTopics() {}

  public static Optional<RunView> read(KafkaSettings kafka, String runId) {
    RunsFold fold = new RunsFold();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(kafka.consumer("partitrain-cli-evidence", null))) {
      // Both topics are keyed by run id: only the run's own partition is read (KeyedReads).
      List<Positioned> events = new ArrayList<>();
      KeyedReads.readKey(
          c,
          kafka.topics().runs(),
          runId,
          r -> {
            try {
              RunEvent e = Json.read(r.value(), RunEvent.class);
              if (e.runId().equals(runId)) {
                events.add(new Positioned(e, r.partition(), r.offset()));
              }
            } catch (UnreadableMessageException ignored) {
              // the orchestrator dead-letters what it cannot read; evidence skips it too
            }
          });
      if (events.stream().noneMatch(p -> p.event() instanceof RunEvent.RunStarted)) {
        // Its start is past the runs topic's retention: its final snapshot first, then what the
        // runs topic holds after it (a rerun), as the console folds them.
        finalSnapshot(c, kafka, runId, fold);
      }
      events.forEach(p -> fold.apply(p.event(), p.partition(), p.offset()));
      KeyedReads.readKey(
          c,
          kafka.topics().finops(),
          runId,
          r -> {
            try {
              FinOpsRecord f = Json.read(r.value(), FinOpsRecord.class);
              if (f.runId().equals(runId)) {
                fold.apply(f);
              }
            } catch (UnreadableMessageException ignored) {
              // as above
            }
          });
    }
    return fold.snapshot(Instant.now()).run(runId);
  }

  /** A decision with where it was read on the runs topic. */
  private record Positioned(RunEvent event, int partition, long offset) {}

  private static void finalSnapshot(
      KafkaConsumer<String, byte[]> c, KafkaSettings kafka, String runId, RunsFold fold) {
    List<ConsumerRecord<String, byte[]>> state = new ArrayList<>();
    KeyedReads.readKey(c, kafka.topics().state(), StateSnapshot.runKey(runId), state::add);
    if (!state.isEmpty()) {
      ConsumerRecord<String, byte[]> last = state.get(state.size() - 1);
      FinalSnapshots.finalRun(last)
          .filter(s -> s.runId().equals(runId))
          .ifPresent(s -> fold.apply(s, FinalSnapshots.covered(last)));
    }
  }
}
