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

/** Reads the timed run's {@link BenchReport.Timeline} back from its runs topic. */
final class TimelineReader {

  private TimelineReader() {}

  /** The timeline of run {@code runId} started at {@code t0} and seen complete at {@code seen}. */
  static BenchReport.Timeline of(KafkaSettings kafka, String runId, Instant t0, double seen) {
    Instant[] started = {null};
    Instant[] completed = {null};
    Instant[] firstAdmitted = {null};
    Instant[] firstSubmitted = {null};
    List<Instant> succeeded = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(kafka.consumer("partitrain-bench-timeline", null))) {
      TopicReader.readAll(
          reader,
          kafka.topics().runs(),
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
          });
    }
    Collections.sort(succeeded);
    return new BenchReport.Timeline(
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
