package io.partitrain.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.RunView;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 14: the partition view links an Azure ML job to its page in Studio. */
class RunHistoryTest {

  private static final Instant T0 = Instant.parse("2026-11-28T06:00:00Z");
  private static final String STUDIO =
      "https://ml.azure.com/runs/r1-s1-a1?wsid=/subscriptions/s/resourceGroups/g";
  private static final String LOG = "azureml://datastores/workspaceartifactstore/paths/x";

  private static RunEvent.PartitionTransitioned move(
      PartitionState from, PartitionState to, int attempt, String logPath, String studio) {
    return RunEvent.PartitionTransitioned.move(
            "r1", "s1", to, T0.plusSeconds(attempt * 60L + to.ordinal()))
        .from(from)
        .attempt(attempt)
        .reason("why")
        .failureClass(to == PartitionState.FAILED ? FailureClass.USER : null)
        .jobName("r1-s1-a" + attempt)
        .sequence(from == null ? 0 : null)
        .logPath(logPath)
        .studioUrl(studio)
        .build();
  }

  @Test
  void anAzureMlAttemptShowsItsStudioLinkInTheTableAndTheJson() {
    RunHistory h = new RunHistory("r1", true);
    h.apply(move(null, PartitionState.SCHEDULED, 0, null, null));
    h.apply(move(PartitionState.SCHEDULED, PartitionState.ADMITTED, 1, null, null));
    h.apply(move(PartitionState.ADMITTED, PartitionState.RUNNING, 1, null, STUDIO));
    h.apply(move(PartitionState.RUNNING, PartitionState.FAILED, 1, LOG, STUDIO));

    var line = h.partitions().get(0);
    assertThat(line.studioUrl()).isEqualTo(STUDIO);
    StringWriter table = new StringWriter();
    RunView.printPartitions(
        h.partitions(), null, true, T0.plusSeconds(600), new PrintWriter(table));
    assertThat(table.toString().lines().skip(1).findFirst().orElseThrow())
        .startsWith("  s1 ")
        .endsWith(" " + STUDIO);
    JsonNode json = RunView.partitionsJson(h.partitions(), null, T0.plusSeconds(600)).get(0);
    assertThat(json.path("studioUrl").asText()).isEqualTo(STUDIO);
    assertThat(json.path("logPath").asText()).isEqualTo(LOG);
  }

  @Test
  void aNewAttemptForgetsThePreviousAttemptsLinkAndALocalJobShowsItsLogPath() {
    RunHistory h = new RunHistory("r1", true);
    h.apply(move(null, PartitionState.SCHEDULED, 0, null, null));
    h.apply(move(PartitionState.SCHEDULED, PartitionState.ADMITTED, 1, null, null));
    h.apply(move(PartitionState.ADMITTED, PartitionState.FAILED, 1, LOG, STUDIO));
    h.apply(move(PartitionState.FAILED, PartitionState.ADMITTED, 2, null, null));
    h.apply(move(PartitionState.ADMITTED, PartitionState.FAILED, 2, "/jobs/r1-s1-a2/log", null));

    var line = h.partitions().get(0);
    assertThat(line.studioUrl()).isNull();
    JsonNode json = RunView.partitionsJson(h.partitions(), null, T0.plusSeconds(600)).get(0);
    assertThat(json.has("studioUrl")).isFalse();
    assertThat(json.path("logPath").asText()).isEqualTo("/jobs/r1-s1-a2/log");
  }
}
