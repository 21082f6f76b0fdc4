package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerCapsTest.definition;
import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 23, item 6: the figures a run's summary gives the screens agree with each other and with
 * the tracker's accounts now, not with the moment a partition was deferred or failed.
 *
 * <p>Every attempt reserves 1.00 EUR (1 node, 1.00/node-hour, 1 hour timeout).
 */
class SummaryNumbersAgreeTest {

  private static void raiseCap(TrackerHarness h, String to) {
    h.command(
        new RunCommand.SetCostCap(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            "r",
            new BigDecimal(to),
            "finops-lead",
            "more budget",
            h.clock.instant()));
  }

  @Test
  void theBudgetOfADeferredRunIsTodaysAfterACapRaiseAndAFinishedAttempt() {
    TrackerHarness h = new TrackerHarness();
    h.start("r", definition("gpu", 1, 10, new BigDecimal("2.00"), retry(1)), 4);
    List<WorkItem> first = h.tick();
    assertThat(first).extracting(WorkItem::partitionId).containsExactly("p1", "p2");
    RunSummary.Budget atStart = h.run("r").summary().budget();
    assertThat(atStart.cap()).isEqualByComparingTo("2.00");
    assertThat(atStart.reserved()).isEqualByComparingTo("2.00");
    assertThat(atStart.deferredNeed()).as("p3 and p4, 1.00 each").isEqualByComparingTo("2.00");

    Instant t0 = h.clock.instant();
    h.status(first.get(0), JobPhase.SUCCEEDED, null, t0, t0.plus(Duration.ofMinutes(30)));
    h.tick();
    raiseCap(h, "2.60");
    List<WorkItem> second = h.tick();
    assertThat(second).extracting(WorkItem::partitionId).containsExactly("p3");

    RunSummary s = h.run("r").summary();
    assertThat(s.count(PartitionState.DEFERRED_BY_COST)).isEqualTo(1);
    RunSummary.Budget now = s.budget();
    assertThat(now.cap()).isEqualByComparingTo("2.60");
    assertThat(now.spent()).isEqualByComparingTo("0.50");
    assertThat(now.reserved()).isEqualByComparingTo("2.00");
    assertThat(now.remaining()).isEqualByComparingTo("0.10");
    assertThat(now.deferredNeed()).isEqualByComparingTo("1.00");
    // What screens show beside p4 now; the reason recorded at its deferral still says cap 2.00.
    assertThat(now.waitReason())
        .isEqualTo("waits for budget: cap 2.60 EUR leaves 0.10 (spent 0.50, reserved 2.00)");
    assertThat(h.log)
        .filteredOn(
            e -> e instanceof RunEvent.PartitionTransitioned t && t.partitionId().equals("p4"))
        .map(e -> ((RunEvent.PartitionTransitioned) e).reason())
        .as("the reason written when it was deferred, in the figures of that moment")
        .containsExactly(
            "scheduled",
            "cost cap 2.00 EUR reached: spent 0.00, reserved 2.00, next attempt needs 1.00");
  }

  @Test
  void aFailureWaitingForItsRetryIsRetryPendingNotAFailure() {
    TrackerHarness h = new TrackerHarness();
    h.start("r", definition("gpu", 1, 10, null, retry(3)), 2);
    List<WorkItem> first = h.tick();
    Instant t0 = h.clock.instant();
    h.status(first.get(0), JobPhase.FAILED, FailureClass.INFRA, t0, t0.plusSeconds(60));
    h.status(first.get(1), JobPhase.FAILED, FailureClass.USER, t0, t0.plusSeconds(60));

    RunSummary s = h.run("r").summary();
    assertThat(s.count(PartitionState.FAILED)).isEqualTo(2);
    assertThat(s.retryPending()).as("p1's INFRA failure has its retry scheduled").isEqualTo(1);
    assertThat(s.failedForGood()).as("p2's USER failure is final").isEqualTo(1);
    assertThat(s.failed())
        .extracting(RunSummary.FailedPartition::partitionId)
        .containsExactly("p2");

    h.clock.advance(Duration.ofMinutes(5));
    assertThat(h.tick()).extracting(WorkItem::partitionId).containsExactly("p1");
    RunSummary after = h.run("r").summary();
    assertThat(after.retryPending()).isZero();
    assertThat(after.failedForGood()).isEqualTo(1);
    assertThat(after.attempts()).isEqualTo(3);
  }

  @Test
  void attemptsNoWorkerReportedSubmittedAreCountedApart() {
    TrackerHarness h = new TrackerHarness();
    h.start("r", definition("gpu", 1, 10, null, retry(1)), 3);
    List<WorkItem> items = h.tick();
    Instant t0 = h.clock.instant();
    h.status(items.get(0), JobPhase.RUNNING, null, t0, null);
    RunSummary s = h.run("r").summary();
    assertThat(s.attempts()).isEqualTo(3);
    assertThat(s.attemptsNotSubmitted()).isEqualTo(s.attempts() - s.jobsSubmitted());
    assertThat(s.attemptsNotSubmitted()).isPositive();
  }
}
