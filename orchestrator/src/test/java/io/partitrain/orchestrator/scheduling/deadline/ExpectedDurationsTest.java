package io.partitrain.orchestrator.scheduling.deadline;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.scheduling.deadline.ExpectedDurations.Estimate;
import io.partitrain.orchestrator.scheduling.deadline.ExpectedDurations.Source;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ExpectedDurations}: own history first, then the tags' median, the plan's, the default. */
class ExpectedDurationsTest {

  static FinOpsRecord.LedgerEntry entry(
      String plan, String partition, Map<String, String> tags, double seconds, PartitionState o) {
    return new FinOpsRecord.LedgerEntry(
        Schema.VERSION,
        "run-1",
        plan,
        partition,
        1,
        "cpu",
        null,
        1,
        seconds,
        BigDecimal.ONE,
        BigDecimal.ONE,
        BigDecimal.ONE,
        "EUR",
        o,
        o == PartitionState.SUCCEEDED ? null : FailureClass.INFRA,
        tags,
        Instant.EPOCH);
  }

  private static final Map<String, String> NORTH = Map.of("region", "north");
  private static final Map<String, String> SOUTH = Map.of("region", "south");

  @Test
  void aPartitionsOwnSuccessfulAttemptsGiveItsMean() {
    ExpectedDurations d =
        ExpectedDurations.fromLedger(
            List.of(
                entry("demand", "s1", NORTH, 100, PartitionState.SUCCEEDED),
                entry("demand", "s1", NORTH, 300, PartitionState.SUCCEEDED),
                entry("demand", "s1", NORTH, 5, PartitionState.FAILED),
                entry("other", "s1", NORTH, 9_000, PartitionState.SUCCEEDED)));
    assertThat(d.forPlan("demand", 1).estimate(new PartitionSpec("s1", NORTH)))
        .isEqualTo(new Estimate(200, Source.HISTORY));
    assertThat(d.partitionsKnown("demand")).isEqualTo(1);
  }

  @Test
  void anUnknownPartitionGetsTheMedianOfItsTagsThenOfThePlanThenTheDefault() {
    ExpectedDurations d =
        ExpectedDurations.fromLedger(
            List.of(
                entry("demand", "n1", NORTH, 100, PartitionState.SUCCEEDED),
                entry("demand", "n2", NORTH, 200, PartitionState.SUCCEEDED),
                entry("demand", "n3", NORTH, 900, PartitionState.SUCCEEDED),
                entry("demand", "s1", SOUTH, 50, PartitionState.SUCCEEDED)));
    ExpectedDurations.Estimator e = d.forPlan("demand", 42);
    assertThat(e.estimate(new PartitionSpec("n9", NORTH)))
        .isEqualTo(new Estimate(200, Source.TAGS));
    assertThat(e.estimate(new PartitionSpec("w1", Map.of("region", "west"))))
        .isEqualTo(new Estimate(150, Source.PLAN_MEDIAN));
    assertThat(d.forPlan("new-plan", 42).estimate(new PartitionSpec("x", Map.of())))
        .isEqualTo(new Estimate(42, Source.DEFAULT));
  }

  @Test
  void zeroTimesAndUnnamedPlansTeachNothing() {
    ExpectedDurations d = new ExpectedDurations();
    d.record("demand", "s1", Map.of(), 0);
    d.record(null, "s1", Map.of(), 10);
    assertThat(d.partitionsKnown("demand")).isZero();
  }
}
