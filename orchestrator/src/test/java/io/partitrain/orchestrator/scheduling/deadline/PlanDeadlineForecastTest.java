package io.partitrain.orchestrator.scheduling.deadline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunDeadline;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.plan.JobTemplate;
import io.partitrain.shared.plan.Plan;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PlanDeadlineForecast}: a weekly plan (Mondays 06:00 in Amsterdam, done by 14:00) of 20
 * partitions, 2 nodes each, a one-hour timeout, on {@code azureml:cpu} with a node cap of 8.
 */
class PlanDeadlineForecastTest {

  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  static final Instant NEXT_FIRE = Instant.parse("2026-11-30T05:00:00Z");

  static Plan weekly(String deadline) {
    ObjectNode job = JsonNodeFactory.instance.objectNode();
    job.put("command", "train ${{partition.id}}");
    job.put("compute", "azureml:cpu");
    job.putObject("resources").put("instance_count", 2);
    job.putObject("limits").put("timeout", 3600);
    RunDefinition definition =
        new RunDefinition(
            "demand",
            "/plans/plan.yml",
            job,
            RetryPolicy.defaults(),
            new RunLimits(100),
            deadline == null ? null : new RunDeadline(deadline, "Europe/Amsterdam"));
    List<PartitionSpec> partitions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      partitions.add(new PartitionSpec(String.format("store-%02d", i), Map.of()));
    }
    return new Plan(
        Path.of("/plans/plan.yml"),
        definition,
        partitions,
        JobTemplate.fromTree(job, "/plans/job.yml"),
        new ScheduleSpec("0 6 * * MON", "Europe/Amsterdam", null, null, null));
  }

  static ExpectedDurations halfAnHourEach() {
    List<FinOpsRecord.LedgerEntry> ledger = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ledger.add(
          ExpectedDurationsTest.entry(
              "demand", String.format("store-%02d", i), Map.of(), 1800, PartitionState.SUCCEEDED));
    }
    return ExpectedDurations.fromLedger(ledger);
  }

  @Test
  void theNextRunStartsAtTheNextFireTimeAndMeetsItsDeadlineFromHistory() {
    PlanDeadlineForecast f =
        PlanDeadlineForecast.of(weekly("MON 14:00"), halfAnHourEach(), t -> 8, NOW);
    assertThat(f.start()).isEqualTo(NEXT_FIRE);
    assertThat(f.deadline()).isEqualTo(Instant.parse("2026-11-30T13:00:00Z"));
    assertThat(f.assumedTimeout()).isZero();
    assertThat(f.meets()).isTrue();
    DeadlineForecast cpu = f.targets().get(0);
    assertThat(cpu.computeTarget()).isEqualTo("cpu");
    assertThat(cpu.withHistory()).isEqualTo(20);
    assertThat(cpu.expectedSeconds()).isEqualTo(5 * 1800); // 4 jobs at once, 5 waves
    assertThat(cpu.worstCaseSeconds()).isEqualTo(5 * 3600);
  }

  @Test
  void withoutHistoryItForecastsAtTheTimeoutsAndSaysWhichCapWouldDo() {
    PlanDeadlineForecast f =
        PlanDeadlineForecast.of(weekly("MON 10:00"), new ExpectedDurations(), t -> 8, NOW);
    assertThat(f.assumedTimeout()).isEqualTo(20);
    DeadlineForecast cpu = f.targets().get(0);
    assertThat(cpu.expectedSeconds()).isEqualTo(5 * 3600);
    assertThat(f.meets()).isFalse();
    assertThat(cpu.capToMeet()).isEqualTo(10); // 5 at once: 4 waves of an hour
    assertThat(cpu.advice()).contains("misses the deadline at node cap 8 by 1h 0m");
  }

  @Test
  void aPlanWithoutDeadlineStillSaysHowLongItTakes() {
    PlanDeadlineForecast f =
        PlanDeadlineForecast.of(
            weekly(null), halfAnHourEach(), t -> MakespanSimulator.UNLIMITED, NOW);
    assertThat(f.deadline()).isNull();
    assertThat(f.meets()).isNull();
    assertThat(f.targets().get(0).expectedSeconds()).isEqualTo(1800);
  }
}
