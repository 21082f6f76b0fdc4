package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunBudget;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Node caps across runs, the cost cap, deferral, re-admission, operator changes, and replay. */
class TrackerCapsTest {

  /** A job of {@code nodes} nodes on {@code compute}, 1 hour timeout, price 1.00/node-hour. */
  static RunDefinition definition(
      String compute, int nodes, int maxInFlight, BigDecimal cap, RetryPolicy retry) {
    ObjectNode job = JsonNodeFactory.instance.objectNode();
    job.put("command", "echo ${{partition.id}}");
    job.put("compute", "azureml:" + compute);
    job.putObject("resources").put("instance_count", nodes).put("instance_type", "Standard_DS3_v2");
    job.putObject("limits").put("timeout", 3600);
    CostBudget budget =
        cap == null
            ? null
            : new CostBudget(cap, "EUR", Map.of("Standard_DS3_v2", new BigDecimal("1.00")));
    return new RunDefinition(
        "plan", "/plans/plan.yml", job, retry, new RunLimits(maxInFlight, budget));
  }

  @Test
  void theNodeCapOfATargetHoldsAcrossRunsSharingIt() {
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(100).with("gpu", 5));
    h.start("a", definition("gpu", 2, 10, null, retry(1)), 4);
    h.start("b", definition("gpu", 1, 10, null, retry(1)), 4);
    h.start("c", definition("cpu", 1, 10, null, retry(1)), 4);
    List<WorkItem> first = h.tick();
    // a takes 2+2 of gpu's 5, b gets the last node; c's cpu target is not affected.
    assertThat(first)
        .extracting(w -> w.runId() + "/" + w.partitionId())
        .containsExactlyInAnyOrder("a/p1", "a/p2", "b/p1", "c/p1", "c/p2", "c/p3", "c/p4");
    assertThat(h.tracker.inFlightNodes("gpu")).isEqualTo(5);
    h.finish(first.get(0), JobPhase.SUCCEEDED, null);
    assertThat(h.tracker.inFlightNodes("gpu")).isEqualTo(3);
    List<WorkItem> next = h.tick();
    assertThat(next).extracting(WorkItem::runId).containsExactly("a");
    assertThat(h.tracker.inFlightNodes("gpu")).isEqualTo(5);
  }

  @Test
  void aJobThatCanNeverFitItsNodeCapIsRefusedInsteadOfWaitingForEver() {
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(100).with("gpu", 2));
    assertThat(h.start("big", definition("gpu", 3, 10, null, retry(1)), 2))
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class,
            r ->
                assertThat(r.reason())
                    .contains("resources.instance_count = 3")
                    .contains("node cap of compute target gpu is 2")
                    .contains("cap set"));
    assertThat(h.tracker.run("big")).isEmpty();
  }

  @Test
  void anOperatorsNodeCapChangeAppliesAtOnceAndSurvivesReplay() {
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(1));
    h.start("a", definition("gpu", 1, 10, null, retry(1)), 5);
    assertThat(h.tick()).hasSize(1);
    h.command(
        new RunCommand.SetNodeCap(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            RunCommand.SetNodeCap.keyOf("gpu"),
            "gpu",
            3,
            "ops",
            "more quota",
            h.clock.instant()));
    assertThat(h.answers.get(h.answers.size() - 1))
        .isInstanceOfSatisfying(
            RunEvent.NodeCapChanged.class,
            c -> {
              assertThat(c.from()).isEqualTo(1);
              assertThat(c.to()).isEqualTo(3);
            });
    assertThat(h.tick()).hasSize(2);
    assertThat(h.finops).filteredOn(f -> f instanceof FinOpsRecord.NodeCapChanged).hasSize(1);

    Tracker replayed = replay(h, NodeCapConfig.of(1));
    assertThat(replayed.nodeCaps().capOf("gpu")).isEqualTo(3);
    assertThat(replayed.inFlightNodes("gpu")).isEqualTo(3);
  }

  @Test
  void whenTheBudgetIsFullTheRestIsDeferredInOneEventAndFreedBudgetAdmitsThemAgain() {
    TrackerHarness h = new TrackerHarness();
    // 2 nodes x 1.00/h x 1 h = 2.00 reserved per attempt; cap 5.00 admits two at once.
    h.start("r", definition("gpu", 2, 10, new BigDecimal("5.00"), retry(1)), 5);
    List<WorkItem> first = h.tick();
    assertThat(first).extracting(WorkItem::partitionId).containsExactly("p1", "p2");
    assertThat(first)
        .allSatisfy(w -> assertThat(w.job().limits().timeout()).isEqualTo(Duration.ofHours(1)));
    RunState run = h.run("r");
    assertThat(run.partitions())
        .filteredOn(p -> p.state() == PartitionState.DEFERRED_BY_COST)
        .extracting(PartitionRecord::partitionId)
        .containsExactly("p3", "p4", "p5");
    assertThat(h.finops)
        .filteredOn(f -> f instanceof FinOpsRecord.CostCapReached)
        .singleElement()
        .satisfies(
            f -> {
              var reached = (FinOpsRecord.CostCapReached) f;
              assertThat(reached.deferred()).containsExactly("p3", "p4", "p5");
              assertThat(reached.reserved()).isEqualByComparingTo("4.00");
              assertThat(reached.projected()).isEqualByComparingTo("10.00");
            });
    assertThat(h.tick()).isEmpty();
    assertThat(h.finops).filteredOn(f -> f instanceof FinOpsRecord.CostCapReached).hasSize(1);

    // p1 ran 15 minutes: 2 x 1.00 x 0.25 = 0.50 spent, 1.50 back; 0.50 + 2.00 + 2.00 <= 5.00.
    Instant t0 = h.clock.instant();
    h.status(first.get(0), JobPhase.SUCCEEDED, null, t0, t0.plus(Duration.ofMinutes(15)));
    assertThat(run.budget().spent()).isEqualByComparingTo("0.50");
    assertThat(run.budget().reserved()).isEqualByComparingTo("2.00");
    List<WorkItem> again = h.tick();
    assertThat(again).extracting(WorkItem::partitionId).containsExactly("p3");
    assertThat(h.finops)
        .filteredOn(f -> f instanceof FinOpsRecord.DeferredAdmitted)
        .singleElement()
        .satisfies(
            f -> assertThat(((FinOpsRecord.DeferredAdmitted) f).admitted()).containsExactly("p3"));
    assertThat(h.finops)
        .filteredOn(f -> f instanceof FinOpsRecord.LedgerEntry)
        .singleElement()
        .satisfies(
            f -> {
              var e = (FinOpsRecord.LedgerEntry) f;
              assertThat(e.cost()).isEqualByComparingTo("0.50");
              assertThat(e.billableSeconds()).isEqualTo(900.0);
              assertThat(e.tags()).containsEntry("region", "south");
              assertThat(e.nodes()).isEqualTo(2);
            });
  }

  @Test
  void raisingTheCapAdmitsDeferredPartitionsAndTheRunCompletesWithinIt() {
    TrackerHarness h = new TrackerHarness();
    h.start("r", definition("gpu", 1, 10, new BigDecimal("2.00"), retry(1)), 4);
    List<WorkItem> first = h.tick();
    assertThat(first).hasSize(2);
    Instant t0 = h.clock.instant();
    for (WorkItem w : first) {
      h.status(w, JobPhase.SUCCEEDED, null, t0, t0.plus(Duration.ofHours(1)));
    }
    assertThat(h.tick()).isEmpty();
    RunState run = h.run("r");
    // Waiting on the budget is not complete (issue 23): no completion and no cost settlement yet.
    assertThat(run.isComplete()).as("deferred partitions still wait to run").isFalse();
    assertThat(h.finops).noneMatch(f -> f instanceof FinOpsRecord.RunCostSettled);

    h.command(
        new RunCommand.SetCostCap(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            "r",
            new BigDecimal("4.00"),
            "finops-lead",
            "quarter-end forecast",
            h.clock.instant()));
    assertThat(h.answers.get(h.answers.size() - 1)).isInstanceOf(RunEvent.CostCapChanged.class);
    List<WorkItem> after = h.tick();
    assertThat(after).extracting(WorkItem::partitionId).containsExactly("p3", "p4");
    for (WorkItem w : after) {
      h.status(w, JobPhase.SUCCEEDED, null, t0, t0.plus(Duration.ofMinutes(30)));
    }
    h.tick();
    assertThat(run.isComplete()).isTrue();
    assertThat(h.finops)
        .filteredOn(f -> f instanceof FinOpsRecord.RunCostSettled)
        .singleElement()
        .satisfies(f -> assertThat(((FinOpsRecord.RunCostSettled) f).deferred()).isEmpty());
    assertThat(run.budget().spent()).isEqualByComparingTo("3.00");
    assertThat(run.summary().count(PartitionState.SUCCEEDED)).isEqualTo(4);
    assertThat(h.finops)
        .filteredOn(f -> f instanceof FinOpsRecord.CostCapChanged)
        .singleElement()
        .satisfies(f -> assertThat(((FinOpsRecord.CostCapChanged) f).raised()).isTrue());

    Tracker replayed = replay(h, NodeCapConfig.unlimited());
    RunBudget b = replayed.run("r").orElseThrow().budget();
    assertThat(b.spent()).isEqualByComparingTo("3.00");
    assertThat(b.reserved()).isEqualByComparingTo("0");
    assertThat(b.cap()).isEqualByComparingTo("4.00");
  }

  @Test
  void afterACapRaisePartitionsWaitingOnlyForMaxInFlightAreScheduledNotDeferredInOneDecision() {
    TrackerHarness h = new TrackerHarness();
    // 1.00 per attempt; cap 2.00 and maxInFlight 4: p1, p2 run, p3..p6 are deferred by cost.
    h.start("r", definition("gpu", 1, 4, new BigDecimal("2.00"), retry(1)), 6);
    List<WorkItem> first = h.tick();
    assertThat(first).extracting(WorkItem::partitionId).containsExactly("p1", "p2");
    RunState run = h.run("r");
    assertThat(run.deferred()).extracting(PartitionRecord::partitionId).hasSize(4);
    h.command(
        new RunCommand.SetCostCap(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            "r",
            new BigDecimal("10.00"),
            "finops-lead",
            "more budget",
            h.clock.instant()));
    List<WorkItem> second = h.tick();
    assertThat(second).extracting(WorkItem::partitionId).containsExactly("p3", "p4");
    assertThat(run.partitions())
        .filteredOn(p -> p.state() == PartitionState.DEFERRED_BY_COST)
        .as("the budget holds nothing back any more; maxInFlight does")
        .isEmpty();
    assertThat(run.partitions())
        .filteredOn(p -> p.state() == PartitionState.SCHEDULED)
        .extracting(PartitionRecord::partitionId)
        .containsExactly("p5", "p6");

    // They run as slots free up, without another DeferredAdmitted.
    Instant t0 = h.clock.instant();
    for (WorkItem w : List.of(first.get(0), first.get(1), second.get(0), second.get(1))) {
      h.status(w, JobPhase.SUCCEEDED, null, t0, t0.plus(Duration.ofMinutes(10)));
    }
    assertThat(h.tick()).extracting(WorkItem::partitionId).containsExactly("p5", "p6");
    assertThat(h.finops)
        .filteredOn(f -> f instanceof FinOpsRecord.DeferredAdmitted)
        .singleElement()
        .satisfies(
            f ->
                assertThat(((FinOpsRecord.DeferredAdmitted) f).admitted())
                    .containsExactly("p3", "p4", "p5", "p6"));
    assertThat(replay(h, NodeCapConfig.unlimited()).run("r").orElseThrow().partition("p5").state())
        .isEqualTo(PartitionState.ADMITTED);
  }

  @Test
  void aRetryTheBudgetCannotTakeIsDeferredNotLost() {
    TrackerHarness h = new TrackerHarness();
    h.start("r", definition("gpu", 1, 10, new BigDecimal("1.50"), retry(3)), 1);
    WorkItem a1 = h.tick().get(0);
    Instant t0 = h.clock.instant();
    h.status(a1, JobPhase.FAILED, FailureClass.INFRA, t0, t0.plus(Duration.ofMinutes(40)));
    h.clock.advance(Duration.ofMinutes(1));
    assertThat(h.tick()).isEmpty();
    PartitionRecord p = h.run("r").partition("p1");
    assertThat(p.state()).isEqualTo(PartitionState.DEFERRED_BY_COST);
    assertThat(p.isSettled()).as("a deferred retry still runs when budget frees up").isFalse();
    assertThat(h.run("r").isComplete()).isFalse();
    h.command(
        new RunCommand.SetCostCap(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            "r",
            new BigDecimal("2.00"),
            "ops",
            "retry",
            h.clock.instant()));
    WorkItem a2 = h.tick().get(0);
    assertThat(a2.attempt()).isEqualTo(2);
  }

  @Test
  void aStartWithABudgetButNoTimeoutIsRejected() {
    TrackerHarness h = new TrackerHarness();
    RunDefinition d = definition("gpu", 1, 1, new BigDecimal("1"), retry(1));
    ((ObjectNode) d.jobTemplate()).remove("limits");
    assertThat(h.start("r", d, 1))
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class, r -> assertThat(r.reason()).contains("limits.timeout"));
  }

  private static Tracker replay(TrackerHarness h, NodeCapConfig config) {
    Tracker t =
        Tracker.builder()
            .clock(h.clock)
            .admission(Admission.concurrencyCap())
            .random(new SplittableRandom(7))
            .topics(TrackerHarness.TOPICS)
            .snapshotInterval(Duration.ZERO)
            .nodeCaps(config)
            .build();
    h.log.forEach(t::replay);
    return t;
  }
}
