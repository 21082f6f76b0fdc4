package io.partitrain.shared.serde;

import static io.partitrain.shared.testing.WorkItemBuilder.aWorkItem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionScheduled;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static final Instant AT = Instant.parse("2026-11-23T05:00:00Z");

  @Test
  void workItemRoundTrips() {
    WorkItem item = aWorkItem().forPartition("store-017").attempt(2).build();
    assertThat(Json.read(Json.toBytes(item), WorkItem.class)).isEqualTo(item);
  }

  @Test
  void statusEventRoundTrips() {
    var e =
        JobStatusEvent.status("r", "p", 1, "r-p-a1")
            .workerId("w1")
            .phase(JobPhase.FAILED)
            .backendStatus("Failed")
            .failureClass(FailureClass.USER)
            .message("exit code 2")
            .observedAt(AT)
            .startedAt(AT)
            .finishedAt(AT.plusSeconds(3))
            .nodes(2)
            .logPath("/tmp/log")
            .metrics(Map.of("mape", 0.1))
            .build();
    assertThat(Json.read(Json.toBytes(e), JobStatusEvent.class)).isEqualTo(e);
  }

  @Test
  void partitionScheduledRoundTrips() {
    var p = PartitionScheduled.of("r", "store-001", Map.of("region", "north"), 7, AT);
    assertThat(Json.read(Json.toBytes(p), PartitionScheduled.class)).isEqualTo(p);
  }

  @Test
  void polymorphicCommandsAndEventsRoundTripWithTheirType() {
    var def =
        new RunDefinition(
            "plan",
            "/p/plan.yml",
            JsonNodeFactory.instance.objectNode().put("command", "echo"),
            RetryPolicy.defaults(),
            new RunLimits(4));
    RunCommand start =
        new RunCommand.StartRun(
            Schema.VERSION,
            "c1",
            "r",
            def,
            List.of(new PartitionSpec("a", Map.of("region", "x"))),
            "me",
            AT);
    assertThat(Json.read(Json.toBytes(start), RunCommand.class)).isEqualTo(start);
    assertThat(Json.toString(start)).contains("\"type\":\"StartRun\"");

    RunEvent t =
        RunEvent.PartitionTransitioned.move("r", "a", PartitionState.FAILED, AT)
            .from(PartitionState.RUNNING)
            .attempt(1)
            .reason("exit 2")
            .failureClass(FailureClass.USER)
            .jobName("r-a-a1")
            .logPath("/log")
            .build();
    assertThat(Json.read(Json.toBytes(t), RunEvent.class)).isEqualTo(t);

    var summary =
        new RunSummary(
            "r",
            "plan",
            true,
            2,
            Map.of(PartitionState.SUCCEEDED, 2),
            3,
            3,
            1,
            0,
            0,
            List.of(),
            Map.of(
                "region",
                Map.of("x", Map.of("mape", new RunSummary.MetricStats(2, 0.1, 0.05, 0.15)))),
            AT,
            AT.plusSeconds(9),
            0,
            null);
    RunEvent done = new RunEvent.RunCompleted(Schema.VERSION, "r", summary, AT);
    assertThat(Json.read(Json.toBytes(done), RunEvent.class)).isEqualTo(done);
  }

  @Test
  void unknownFieldsAreIgnoredSoOlderReadersSurviveNewerWriters() {
    String json =
        Json.toString(PartitionScheduled.of("r", "p", Map.of(), 0, AT))
            .replaceFirst("\\{", "{\"addedInVersion2\":{\"x\":1},");
    assertThat(
            Json.read(json.getBytes(StandardCharsets.UTF_8), PartitionScheduled.class)
                .partitionId())
        .isEqualTo("p");
  }

  @Test
  void aMissingSchemaVersionIsUnreadable() {
    assertThatThrownBy(
            () ->
                Json.read(
                    "{\"runId\":\"r\"}".getBytes(StandardCharsets.UTF_8), PartitionScheduled.class))
        .isInstanceOf(UnreadableMessageException.class)
        .hasMessageContaining("schemaVersion");
  }

  @Test
  void aNewerSchemaVersionIsRefusedWithAnUpgradeHint() {
    assertThatThrownBy(
            () ->
                Json.read(
                    "{\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8), WorkItem.class))
        .isInstanceOf(UnreadableMessageException.class)
        .hasMessageContaining("99")
        .hasMessageContaining("upgrade");
  }

  @Test
  void garbageIsUnreadableNotACrash() {
    for (String bad :
        new String[] {"not json", "[1,2]", "{\"schemaVersion\":1,\"attempt\":\"two\"}", ""}) {
      assertThatThrownBy(() -> Json.read(bad.getBytes(StandardCharsets.UTF_8), WorkItem.class))
          .as(bad)
          .isInstanceOf(UnreadableMessageException.class);
    }
    assertThatThrownBy(() -> Json.read(null, WorkItem.class))
        .isInstanceOf(UnreadableMessageException.class);
  }

  @Test
  void aWorkItemWhoseJobNameIsNotTheDeterministicOneIsRefused() {
    WorkItem item = aWorkItem().build();
    WorkItem forged =
        new WorkItem(
            item.schemaVersion(),
            item.kind(),
            item.runId(),
            item.partitionId(),
            item.attempt(),
            "something-else",
            item.job(),
            item.partitionTags(),
            item.issuedAt(),
            item.notAfter());
    assertThatThrownBy(forged::validate)
        .hasMessageContaining("jobName")
        .hasMessageContaining("something-else");
    WorkItem badPartition =
        new WorkItem(
            item.schemaVersion(),
            item.kind(),
            item.runId(),
            "a;rm -rf /",
            item.attempt(),
            item.jobName(),
            item.job(),
            item.partitionTags(),
            item.issuedAt(),
            item.notAfter());
    assertThatThrownBy(badPartition::validate).hasMessageContaining("partition id");
  }

  @Test
  void aSecondSchemaVersionIsJudgedAsTheTreeReadsIt() {
    WorkItem item = aWorkItem().forPartition("store-017").build();
    String json = new String(Json.toBytes(item), java.nio.charset.StandardCharsets.UTF_8);
    // The last of two keys wins, as in a tree: a newer version after an understood one is refused.
    String twice =
        "{\"schemaVersion\":1,"
            + json.substring(1).replaceFirst("\"schemaVersion\":\\d+", "\"schemaVersion\":999");
    assertThatThrownBy(
            () ->
                Json.read(twice.getBytes(java.nio.charset.StandardCharsets.UTF_8), WorkItem.class))
        .isInstanceOf(UnreadableMessageException.class)
        .hasMessageContaining("schemaVersion 999 is newer");
  }

  @Test
  void aVersionWrittenAsTextIsMissingAsBefore() {
    String json =
        new String(
                Json.toBytes(aWorkItem().forPartition("store-017").build()),
                java.nio.charset.StandardCharsets.UTF_8)
            .replaceFirst("\"schemaVersion\":(\\d+)", "\"schemaVersion\":\"$1\"");
    assertThatThrownBy(
            () -> Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), WorkItem.class))
        .isInstanceOf(UnreadableMessageException.class)
        .hasMessageContaining("field 'schemaVersion' is missing");
  }
}
