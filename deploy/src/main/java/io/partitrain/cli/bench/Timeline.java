package io.partitrain.cli.bench;

import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicReader;
import io.partitrain.shared.serde.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Where the timed run's seconds went, read back from its runs topic: when the orchestrator decided
 * its first moves of each kind and when the run's partitions succeeded, in seconds after the start
 * command was built. A run whose first success comes late spends its time getting going (the
 * start's checks, the submit window's slow start, the first worker batches); one whose successes
 * are spread evenly is limited by its rate.
 *
 * @param started the orchestrator's {@code RunStarted}
 * @param firstAdmitted the first ADMITTED move (its SUBMIT handed to the workers)
 * @param firstSubmitted the first SUBMITTED move (a worker created a job and said so)
 * @param firstSucceeded the first SUCCEEDED move
 * @param halfSucceeded when half of the partitions had SUCCEEDED
 * @param lastSucceeded the last SUCCEEDED move
 * @param completed the orchestrator's {@code RunCompleted}
 * @param seen when the bench's {@code run wait} saw the run complete (the timed seconds)
 */
public record Timeline(
    double started,
    double firstAdmitted,
    double firstSubmitted,
    double firstSucceeded,
    double halfSucceeded,
    double lastSucceeded,
    double completed,
    double seen) {

  /** The timeline of run {@code runId} started at {@code t0} and seen complete at {@code seen}. */
  static Timeline of(KafkaSettings kafka, String runId, Instant t0, double seen) {
    Instant[] started = {null};
    Instant[] completed = {null};
    Instant[] firstAdmitted = {null};
    Instant[] firstSubmitted = {null};
    List<Instant> succeeded = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(kafka.consumer("partitrain-bench-timeline", null))) {
      var parts = TopicReader.assignAll(reader, kafka.topics().runs());
      reader.seekToBeginning(parts);
      TopicReader.readToEnd(
          reader,
          parts,
          r -> {
            if (!runId.equals(r.key())) {
              return;
            }
            for (RunEvent e : RunEvent.unbatched(Json.read(r.value(), RunEvent.class))) {
              if (e instanceof RunEvent.RunStarted s) {
                started[0] = s.at();
              } else if (e instanceof RunEvent.RunCompleted c) {
                completed[0] = c.at();
              } else if (e instanceof RunEvent.PartitionTransitioned m) {
                if (m.to() == PartitionState.ADMITTED && firstAdmitted[0] == null) {
                  firstAdmitted[0] = m.at();
                } else if (m.to() == PartitionState.SUBMITTED && firstSubmitted[0] == null) {
                  firstSubmitted[0] = m.at();
                } else if (m.to() == PartitionState.SUCCEEDED) {
                  succeeded.add(m.at());
                }
              }
            }
          },
          () -> false);
    }
    Collections.sort(succeeded);
    return new Timeline(
        after(t0, started[0]),
        after(t0, firstAdmitted[0]),
        after(t0, firstSubmitted[0]),
        succeeded.isEmpty() ? -1 : after(t0, succeeded.get(0)),
        succeeded.isEmpty() ? -1 : after(t0, succeeded.get((succeeded.size() - 1) / 2)),
        succeeded.isEmpty() ? -1 : after(t0, succeeded.get(succeeded.size() - 1)),
        after(t0, completed[0]),
        BenchReport.round(seen));
  }

  /** Seconds from {@code t0} to {@code t}, to the millisecond; -1 when it never happened. */
  private static double after(Instant t0, Instant t) {
    return t == null ? -1 : BenchReport.round(Duration.between(t0, t).toMillis() / 1000.0);
  }
}
