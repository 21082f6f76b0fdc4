package io.partitrain.orchestrator.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.RunDeadline;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.WorkItem;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tracker's deadline-aware parts, on an injected clock: a plan's second run is admitted
 * longest-expected-first from what its first run's ledger says (and a replay admits in the same
 * order), and a run whose forecast end crosses its deadline gets one {@code DeadlineAtRisk} on the
 * runs and FinOps topics, never a second, not even after a restart.
 */
class DeadlineAwareTrackerTest {

  /** One-node jobs on {@code azureml:cpu} with a one-hour timeout, priced 1.00/node-hour. */
  static RunDefinition definition(int maxInFlight, String deadline) {
    ObjectNode job = JsonNodeFactory.instance.objectNode();
    job.put("command", "echo ${{partition.id}}");
    job.put("compute", "azureml:cpu");
    job.putObject("resources").put("instance_count", 1);
    job.putObject("limits").put("timeout", 3600);
    CostBudget budget =
        new CostBudget(new BigDecimal("1000"), "EUR", Map.of("cpu", new BigDecimal("1.00")));
    return new RunDefinition(
        "demand",
        "/plans/plan.yml",
        job,
        TrackerHarness.retry(1),
        new RunLimits(maxInFlight, budget),
        deadline == null ? null : new RunDeadline(deadline, null));
  }

  /** Runs an item to success, billed for {@code seconds}. */
  static void succeed(TrackerHarness h, WorkItem item, long seconds) {
    h.status(item, JobPhase.SUBMITTED);
    h.status(item, JobPhase.RUNNING);
    Instant start = h.clock.instant();
    h.clock.advance(Duration.ofSeconds(seconds));
    h.status(item, JobPhase.SUCCEEDED, null, start, h.clock.instant());
  }

  static List<String> ids(List<WorkItem> items) {
    return items.stream().map(WorkItem::partitionId).toList();
  }

  @Test
  void aPlansNextRunIsAdmittedLongestExpectedFirstFromItsLedger() {
    TrackerHarness h = new TrackerHarness();
    h.start("week-1", definition(6, null), 6);
    List<WorkItem> first = h.tick();
    assertThat(ids(first))
        .as("no history: plan order")
        .containsExactly("p1", "p2", "p3", "p4", "p5", "p6");
    // p1 took 10 minutes, p2 20, ... p6 an hour.
    long[] minutes = {10, 20, 30, 40, 50, 60};
    for (WorkItem item : first) {
      succeed(h, item, 60 * minutes[Integer.parseInt(item.partitionId().substring(1)) - 1]);
    }
    h.tick();
    assertThat(h.run("week-1").isComplete()).isTrue();

    h.start("week-2", definition(2, null), 6);
    List<WorkItem> second = h.tick();
    assertThat(ids(second)).containsExactly("p6", "p5");
    assertThat(h.run("week-2").waiting().stream().map(PartitionRecord::partitionId))
        .containsExactly("p4", "p3", "p2", "p1");

    // A new leader replaying the runs topic admits in the same order: the order is in the events.
    TrackerHarness replayed = new TrackerHarness();
    h.log.forEach(replayed.tracker::replay);
    assertThat(replayed.run("week-2").waiting().stream().map(PartitionRecord::partitionId))
        .containsExactly("p4", "p3", "p2", "p1");
  }

  @Test
  void aRunWithoutHistoryOrWithAnotherPlansHistoryKeepsPlanOrder() {
    TrackerHarness h = new TrackerHarness();
    h.start("week-1", definition(6, null), 3);
    for (WorkItem item : h.tick()) {
      succeed(h, item, item.partitionId().equals("p3") ? 3600 : 60);
    }
    RunDefinition other = definition(3, null);
    other =
        new RunDefinition(
            "other-plan", other.planSource(), other.jobTemplate(), other.retry(), other.limits());
    h.start("other-1", other, 3);
    assertThat(ids(h.tick())).containsExactly("p1", "p2", "p3");
  }

  @Test
  void deadlineAtRiskFiresOnceWhenTheForecastCrossesTheDeadline() {
    // Six one-hour jobs (no history: their timeouts), two at a time: 3 hours; due in 3.5.
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(2));
    h.start("week-1", definition(10, "PT3H30M"), 6);
    List<WorkItem> running = h.tick();
    assertThat(running).hasSize(2);
    for (WorkItem item : running) {
      h.status(item, JobPhase.SUBMITTED);
      h.status(item, JobPhase.RUNNING);
    }
    h.clock.advance(Duration.ofMinutes(90));
    h.tick();
    assertThat(risks(h)).as("on track: 1.5 h in, 2 h of work left, due in 2 h").isEmpty();

    // The first two jobs run on past their expected hour: 2 h in, 2 h of work still waiting.
    h.clock.advance(Duration.ofMinutes(30));
    h.tick();
    assertThat(risks(h)).hasSize(1);
    RunEvent.DeadlineAtRisk risk = risks(h).get(0);
    Instant start = Instant.parse("2026-11-23T05:00:00Z");
    assertThat(risk.deadline()).isEqualTo(start.plus(Duration.ofMinutes(210)));
    assertThat(risk.expectedEnd()).isEqualTo(start.plus(Duration.ofHours(4)));
    assertThat(risk.remaining()).isEqualTo(6);
    assertThat(risk.computeTarget()).isEqualTo("cpu");
    assertThat(risk.nodeCap()).isEqualTo(2);
    assertThat(risk.capToMeet()).as("4 waiting hours in 1.5 h: four at once").isEqualTo(4);
    assertThat(risk.detail()).contains("30m after the deadline").contains("a node cap of 4");
    assertThat(h.finops)
        .filteredOn(f -> f instanceof RunEvent.DeadlineAtRisk)
        .singleElement()
        .isEqualTo(risk);

    h.clock.advance(Duration.ofMinutes(10));
    h.tick();
    assertThat(risks(h)).as("once, not every round").hasSize(1);

    TrackerHarness restarted = new TrackerHarness(NodeCapConfig.of(2));
    restarted.clock.advance(Duration.between(restarted.clock.instant(), h.clock.instant()));
    h.log.forEach(restarted.tracker::replay);
    restarted.tick();
    assertThat(risks(restarted)).as("a new leader remembers the warning").isEmpty();
  }

  @Test
  void aRunWithoutDeadlineOrOnTrackNeverWarns() {
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(2));
    h.start("no-deadline", definition(10, null), 6);
    h.start("on-track", definition(10, "PT20H"), 6);
    for (int i = 0; i < 10; i++) {
      for (WorkItem item : h.tick()) {
        succeed(h, item, 3000);
      }
    }
    assertThat(h.run("on-track").isComplete()).isTrue();
    assertThat(risks(h)).isEmpty();
  }

  private static List<RunEvent.DeadlineAtRisk> risks(TrackerHarness h) {
    return h.log.stream()
        .filter(e -> e instanceof RunEvent.DeadlineAtRisk)
        .map(e -> (RunEvent.DeadlineAtRisk) e)
        .toList();
  }
}
