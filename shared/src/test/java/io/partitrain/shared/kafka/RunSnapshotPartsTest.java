package io.partitrain.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.serde.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run's snapshot too large for one record: split into parts and put back together exactly. */
class RunSnapshotPartsTest {

  private static final Instant AT = Instant.parse("2026-11-23T05:00:00Z");

  @Test
  void aSmallSnapshotIsOneRecordAsItIs() {
    StateSnapshot.Run run = run(10);

    assertThat(RunSnapshotParts.split(run, 1 << 20)).containsExactly(run);
    assertThat(RunSnapshotParts.assemble(run, i -> null)).isSameAs(run);
  }

  @Test
  void aLargeSnapshotIsAHeadWithoutPartitionsAndPartsWithinTheSizeThatAssembleToIt() {
    StateSnapshot.Run run = run(500);

    List<StateSnapshot> records = RunSnapshotParts.split(run, 3_000);

    StateSnapshot.Run head = (StateSnapshot.Run) records.get(0);
    int parts = records.size() - 1;
    assertThat(parts).isGreaterThan(2);
    assertThat(head.partitions()).isEmpty();
    assertThat(head.partitionParts()).isEqualTo(parts);
    assertThat(head.summary()).isEqualTo(run.summary());
    Map<Integer, StateSnapshot> byIndex = new HashMap<>();
    for (StateSnapshot s : records.subList(1, records.size())) {
      StateSnapshot.RunPart p = (StateSnapshot.RunPart) s;
      assertThat(p.at()).isEqualTo(run.at());
      assertThat(p.parts()).isEqualTo(parts);
      assertThat(p.partitions().stream().mapToInt(x -> Json.toBytes(x).length + 1).sum())
          .isLessThanOrEqualTo(3_000);
      // as a reader gets them: decoded from the topic
      byIndex.put(p.index(), Json.read(Json.toBytes(p), StateSnapshot.class));
    }
    StateSnapshot.Run decodedHead =
        (StateSnapshot.Run) Json.read(Json.toBytes(head), StateSnapshot.class);

    assertThat(RunSnapshotParts.assemble(decodedHead, byIndex::get))
        .isEqualTo(Json.read(Json.toBytes(run), StateSnapshot.class));
  }

  @Test
  void aMissingPartOrOneOfAnotherSnapshotIsAnErrorNamingItsKey() {
    List<StateSnapshot> records = RunSnapshotParts.split(run(500), 3_000);
    StateSnapshot.Run head = (StateSnapshot.Run) records.get(0);
    Map<Integer, StateSnapshot> byIndex = new HashMap<>();
    for (int i = 1; i < records.size(); i++) {
      byIndex.put(i - 1, records.get(i));
    }
    byIndex.remove(1);
    assertThatThrownBy(() -> RunSnapshotParts.assemble(head, byIndex::get))
        .isInstanceOf(PartitrainException.class)
        .hasMessageContaining("run/run-1/part/1 is missing");

    StateSnapshot.RunPart other = (StateSnapshot.RunPart) records.get(2);
    byIndex.put(
        1,
        new StateSnapshot.RunPart(
            other.schemaVersion(),
            other.runId(),
            1,
            other.parts(),
            other.partitions(),
            AT.minusSeconds(30)));
    assertThatThrownBy(() -> RunSnapshotParts.assemble(head, byIndex::get))
        .hasMessageContaining("run/run-1/part/1 is part 1 of " + other.parts())
        .hasMessageContaining("of the snapshot at " + AT.minusSeconds(30));
  }

  private static StateSnapshot.Run run(int partitions) {
    List<StateSnapshot.Partition> ps = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      ps.add(
          new StateSnapshot.Partition(
              "store-" + i,
              Map.of("region", "r" + (i % 5)),
              i,
              PartitionState.SUCCEEDED,
              1,
              1,
              "run-1-store-" + i + "-a1",
              null,
              0,
              false,
              false,
              null,
              null,
              "/logs/" + i,
              Map.of("mape", 0.1 * (i % 10)),
              null));
    }
    RunEvent.RunStarted started =
        new RunEvent.RunStarted(
            Schema.VERSION,
            "run-1",
            new RunDefinition(
                "plan",
                "/plans/plan.yml",
                JsonNodeFactory.instance.objectNode().put("command", "echo"),
                RetryPolicy.defaults(),
                new RunLimits(4)),
            partitions,
            "c1",
            "me",
            AT);
    return new StateSnapshot.Run(
        Schema.VERSION,
        started,
        true,
        AT,
        false,
        partitions,
        partitions,
        0,
        0,
        0,
        null,
        null,
        false,
        ps,
        List.of(),
        null,
        AT,
        null);
  }
}
