package io.partitrain.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class KeyedReadsTest {

  @Test
  void aRunIdMapsToThePartitionTheProducersDefaultPartitionerChooses() {
    for (int count : new int[] {1, 3, 6, 12}) {
      for (int i = 0; i < 2_000; i++) {
        String runId = "weekly-demand-2026-W" + i + (i % 7 == 0 ? "-é" : "");
        assertThat(KeyedReads.partitionOf(runId, count))
            .as("%s of %d", runId, count)
            .isEqualTo(
                BuiltInPartitioner.partitionForKey(runId.getBytes(StandardCharsets.UTF_8), count));
      }
    }
  }

  @Test
  void theTypeIsReadFromTheFirstBytesOfEveryRunEventAsTheOrchestratorWritesIt() {
    Instant at = Instant.parse("2026-11-28T06:00:00Z");
    List<RunEvent> events =
        List.of(
            new RunEvent.CancelAccepted(Schema.VERSION, "r1", "c", "ana", "why", at),
            RunEvent.PartitionTransitioned.move("r1", "p1", PartitionState.SCHEDULED, at)
                .reason("scheduled")
                .tags(Map.of("region", "north"))
                .sequence(0)
                .build(),
            new RunEvent.CommandRejected(Schema.VERSION, "r1", "c", "no run r1", at));
    for (RunEvent e : events) {
      assertThat(KeyedReads.typeOf(Json.toBytes(e))).isEqualTo(e.getClass().getSimpleName());
    }
    assertThat(KeyedReads.typeOf("{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8)))
        .as("not first: unknown, so the record is decoded")
        .isNull();
    assertThat(KeyedReads.typeOf(new byte[0])).isNull();
  }
}
