package io.partitrain.shared.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The batched records of issue 12 on the wire: they round-trip and stand for their members. */
class BatchedRecordsTest {

  private static final Instant AT = Instant.parse("2026-11-23T05:00:00Z");

  private static RunEvent.PartitionTransitioned move(String run, String p, PartitionState to) {
    return RunEvent.PartitionTransitioned.move(run, p, to, AT)
        .reason("scheduled")
        .tags(Map.of("region", "north"))
        .sequence(3)
        .build();
  }

  private static JobStatusEvent status(String p, JobStatusEvent.Kind kind) {
    var event =
        kind == JobStatusEvent.Kind.HEARTBEAT
            ? JobStatusEvent.heartbeat("r", p, 1, "r-" + p + "-a1")
            : JobStatusEvent.status("r", p, 1, "r-" + p + "-a1");
    return event
        .workerId("w1")
        .phase(JobPhase.RUNNING)
        .backendStatus("Running")
        .observedAt(AT)
        .startedAt(AT)
        .nodes(1)
        .build();
  }

  @Test
  void partitionMovesRoundTripAsARunEventAndUnbatchIntoTheirMovesInOrder() {
    var a = move("r", "a", PartitionState.SCHEDULED);
    var b = move("r", "b", PartitionState.SCHEDULED);
    RunEvent batch = new RunEvent.PartitionMoves(Schema.VERSION, "r", List.of(a, b), AT);

    RunEvent read = Json.read(Json.toBytes(batch), RunEvent.class);

    assertThat(read).isEqualTo(batch);
    assertThat(RunEvent.unbatched(read)).containsExactly(a, b);
    assertThat(RunEvent.unbatched(a)).containsExactly(a);
  }

  @Test
  void partitionMovesRefuseAMoveOfAnotherRun() {
    assertThatThrownBy(
            () ->
                new RunEvent.PartitionMoves(
                    Schema.VERSION, "r", List.of(move("other", "a", PartitionState.SCHEDULED)), AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PartitionMoves.moves")
        .hasMessageContaining("other");
  }

  @Test
  void aStatusBatchRoundTripsAndIsToldFromASingleStatusByItsFirstBytes() {
    var batch =
        JobStatusBatch.of(
            "w1",
            List.of(
                status("a", JobStatusEvent.Kind.STATUS),
                status("b", JobStatusEvent.Kind.HEARTBEAT)),
            AT);
    byte[] wire = Json.toBytes(batch);

    assertThat(new String(wire, StandardCharsets.UTF_8)).startsWith("{\"type\":\"JobStatusBatch\"");
    assertThat(JobStatusBatch.isBatch(wire)).isTrue();
    assertThat(Json.read(wire, JobStatusBatch.class)).isEqualTo(batch);

    byte[] single = Json.toBytes(status("a", JobStatusEvent.Kind.STATUS));
    assertThat(JobStatusBatch.isBatch(single)).isFalse();
    assertThat(JobStatusBatch.isBatch(new byte[] {0, 1, 2})).isFalse();
    assertThat(JobStatusBatch.isBatch(null)).isFalse();
  }

  @Test
  void aStatusBatchWithABadMemberIsUnreadableAsAWhole() {
    byte[] bad =
        "{\"type\":\"JobStatusBatch\",\"schemaVersion\":1,\"workerId\":\"w1\",\"events\":[{\"schemaVersion\":1,\"attempt\":\"one\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(JobStatusBatch.isBatch(bad)).isTrue();
    assertThatThrownBy(() -> Json.read(bad, JobStatusBatch.class))
        .isInstanceOf(UnreadableMessageException.class)
        .hasMessageContaining("JobStatusBatch");
  }
}
