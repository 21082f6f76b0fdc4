package io.partitrain.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.FinOpsCommandsAccess;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A {@code DeadlineAtRisk} reaches {@code run show} (the runs topic) and {@code finops events}. */
class DeadlineAtRiskShownTest {

  static final RunEvent.DeadlineAtRisk RISK =
      new RunEvent.DeadlineAtRisk(
          Schema.VERSION,
          "wd-1",
          Instant.parse("2026-11-30T13:00:00Z"),
          Instant.parse("2026-11-30T14:30:00Z"),
          120,
          "cpu-cluster",
          8,
          12,
          "120 partitions not finished are expected to end 1h 30m after the deadline",
          Instant.parse("2026-11-30T07:00:00Z"));

  @Test
  void runShowKeepsTheWarningOfItsRunOnly() {
    RunHistory h = new RunHistory("wd-1", false);
    h.apply(RISK);
    h.apply(
        new RunEvent.DeadlineAtRisk(
            Schema.VERSION, "other", null, null, 1, "cpu", null, null, "x", Instant.EPOCH));
    assertThat(h.deadlineAtRisk()).isEqualTo(RISK);
  }

  @Test
  void finopsEventsShowsItsDetailAndTypeAsJson() throws Exception {
    // The FinOps topic carries the same record as the runs topic.
    FinOpsRecord.CapEvent f = RISK;
    assertThat(FinOpsCommandsAccess.detail(f)).isEqualTo(RISK.detail());
    JsonNode json = Json.mapper().readTree(FinOpsCommandsAccess.eventsJson(List.of(f)));
    assertThat(json.get(0).get("type").asText()).isEqualTo("DeadlineAtRisk");
    assertThat(json.get(0).get("capToMeet").asInt()).isEqualTo(12);
    assertThat(json.get(0).get("runId").asText()).isEqualTo("wd-1");
  }
}
