package io.partitrain.orchestrator.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A run held by its money cap, followed through the tracker and the console's fold of the very
 * events the tracker wrote (issue 23, item 1): while partitions wait on the budget the run is
 * WAITING_ON_BUDGET everywhere, never complete; after a cap raise it is ACTIVE while a partition
 * runs; it settles once, with one cost settlement.
 */
class RunOutcomeAcrossSurfacesTest {

  @Test
  void aRunHeldByItsMoneyCapIsWaitingEverywhereUntilItReallySettles() {
    TrackerHarness h = new TrackerHarness();
    // 1 node x 1.00/h x 1 h reserved per attempt; a cap of 2.00 admits two of four.
    h.start(
        "r",
        TrackerCapsTest.definition("gpu", 1, 10, new BigDecimal("2.00"), TrackerHarness.retry(1)),
        4);
    List<WorkItem> first = h.tick();
    assertThat(first).hasSize(2);
    Instant t0 = h.clock.instant();
    for (WorkItem w : first) {
      h.status(w, JobPhase.SUCCEEDED, null, t0, t0.plus(Duration.ofHours(1)));
    }
    h.tick();
    RunState run = h.run("r");

    assertThat(RunOutcome.of(run.summary(), false)).isEqualTo(RunOutcome.WAITING_ON_BUDGET);
    assertThat(run.summary().complete()).as("the tracker's summary").isFalse();
    assertThat(run.summary().completedAt()).isNull();
    assertThat(h.log).noneMatch(e -> e instanceof RunEvent.RunCompleted);
    assertThat(h.finops).noneMatch(f -> f instanceof FinOpsRecord.RunCostSettled);
    RunView waiting = console(h);
    assertThat(waiting.outcome()).isEqualTo(RunOutcome.WAITING_ON_BUDGET);
    assertThat(waiting.complete()).isFalse();
    assertThat(waiting.completedAt()).isNull();

    h.command(
        new RunCommand.SetCostCap(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            "r",
            new BigDecimal("4.00"),
            "finops-lead",
            "quarter-end forecast",
            h.clock.instant()));
    List<WorkItem> after = h.tick();
    assertThat(after).hasSize(2);
    h.status(after.get(0), JobPhase.RUNNING, null, t0, null);
    assertThat(RunOutcome.of(run.summary(), false)).isEqualTo(RunOutcome.ACTIVE);
    RunView running = console(h);
    assertThat(running.outcome()).isEqualTo(RunOutcome.ACTIVE);
    assertThat(running.completedAt()).isNull();

    for (WorkItem w : after) {
      h.status(w, JobPhase.SUCCEEDED, null, t0, t0.plus(Duration.ofMinutes(30)));
    }
    h.tick();
    assertThat(RunOutcome.of(run.summary(), false)).isEqualTo(RunOutcome.SUCCEEDED);
    assertThat(h.log).filteredOn(e -> e instanceof RunEvent.RunCompleted).hasSize(1);
    assertThat(h.finops)
        .filteredOn(f -> f instanceof FinOpsRecord.RunCostSettled)
        .singleElement()
        .satisfies(f -> assertThat(((FinOpsRecord.RunCostSettled) f).deferred()).isEmpty());
    RunView done = console(h);
    assertThat(done.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
    assertThat(done.complete()).isTrue();
    assertThat(done.completedAt()).isNotNull();
  }

  /** The console's view of run "r", folded from what the tracker wrote to the runs topic. */
  private static RunView console(TrackerHarness h) {
    RunsFold fold = new RunsFold();
    h.log.forEach(fold::apply);
    h.finops.forEach(fold::apply);
    return fold.snapshot(Instant.now()).run("r").orElseThrow();
  }
}
