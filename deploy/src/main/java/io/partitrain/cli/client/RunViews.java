package io.partitrain.cli.client;

import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A run as the console sees it, read straight from Kafka: the runs and FinOps topics folded by the
 * same {@link RunsFold} the console uses, so {@code job show} and {@code run evidence} say the same
 * with or without {@code --server}.
 */
public final class RunViews {

  private RunViews() {}

  public static Optional<RunView> read(KafkaSettings kafka, String runId) {
    RunsFold fold = new RunsFold();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(kafka.consumer("partitrain-cli-evidence", null))) {
      // Both topics are keyed by run id: only the run's own partition is read (KeyedReads).
      KeyedReads.readKey(
          c,
          kafka.topics().runs(),
          runId,
          r -> {
            try {
              RunEvent e = Json.read(r.value(), RunEvent.class);
              if (e.runId().equals(runId)) {
                RunEvent.unbatched(e).forEach(fold::apply);
              }
            } catch (UnreadableMessageException ignored) {
              // the orchestrator dead-letters what it cannot read; evidence skips it too
            }
          });
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
}
