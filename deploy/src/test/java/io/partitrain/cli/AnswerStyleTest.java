package io.partitrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 14, item 6: one answer style for amounts, numbers, durations and JSON events. */
class AnswerStyleTest {

  @Test
  void amountsUseTheCurrencysPrecisionAndNeverShowZeroForASmallNonZeroAmount() {
    assertThat(FinOpsCommands.m(new BigDecimal("0.004"), "EUR")).isEqualTo("<0.01");
    assertThat(FinOpsCommands.m(new BigDecimal("0.02"), "EUR")).isEqualTo("0.02");
    assertThat(FinOpsCommands.m(new BigDecimal("1234.5"), "JPY")).isEqualTo("1235");
    assertThat(FinOpsCommands.m(BigDecimal.ZERO, "EUR")).isEqualTo("0.00");
  }

  @Test
  void integerMetricsPrintAsIntegers() {
    assertThat(SummaryView.number(91.0)).isEqualTo("91");
    assertThat(SummaryView.number(0.125)).isEqualTo("0.1250");
  }

  @Test
  void durationsAndTimesAreShortAndAligned() {
    assertThat(RunView.duration(Duration.ofSeconds(42))).isEqualTo("42s");
    assertThat(RunView.duration(Duration.ofSeconds(130))).isEqualTo("2m10s");
    assertThat(RunView.duration(Duration.ofMinutes(62))).isEqualTo("1h02m");
    assertThat(RunView.time(Instant.parse("2026-11-28T15:02:03.123456789Z")))
        .isEqualTo("2026-11-28 15:02:03Z");
  }

  @Test
  void everyFinOpsEventInJsonHasATypeAndANodeCapEventCarriesItsTargetNotARunId() throws Exception {
    var nodeCap =
        new FinOpsRecord.NodeCapChanged(
            Schema.VERSION,
            "compute/cpu-cluster",
            "cpu-cluster",
            null,
            8,
            "ana",
            "more",
            Instant.EPOCH);
    var reached =
        new FinOpsRecord.CostCapReached(
            Schema.VERSION,
            "r1",
            "EUR",
            BigDecimal.ONE,
            BigDecimal.ONE,
            BigDecimal.ZERO,
            BigDecimal.TEN,
            List.of("p1"),
            Instant.EPOCH);
    JsonNode a = Json.mapper().readTree(FinOpsCommands.eventsJson(List.of(nodeCap, reached)));
    assertThat(a.get(0).path("type").asText()).isEqualTo("NodeCapChanged");
    assertThat(a.get(0).has("runId")).isFalse();
    assertThat(a.get(0).path("computeTarget").asText()).isEqualTo("cpu-cluster");
    assertThat(a.get(1).path("type").asText()).isEqualTo("CostCapReached");
    assertThat(a.get(1).path("runId").asText()).isEqualTo("r1");
    assertThat(FinOpsCommands.subject(nodeCap)).isEqualTo("target cpu-cluster");
  }
}
