package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerCapsTest.definition;
import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a job's end costs when the backend's record is incomplete, and what an end nobody in
 * Partitrain asked for means. Every job here reserves 2 nodes x 1.00/node-hour x its 1 h timeout =
 * 2.00.
 */
class HonestBillingTest {

  private final TrackerHarness h = new TrackerHarness();

  private List<WorkItem> startTwoPartitions() {
    h.start("r", definition("gpu", 2, 10, new BigDecimal("100.00"), retry(3)), 2);
    return h.tick();
  }

  @Test
  void aSucceededJobWhoseStartWasNeverSeenIsChargedItsWholeReservationNeverZero() {
    WorkItem p1 = startTwoPartitions().get(0);
    h.status(p1, JobPhase.SUBMITTED);

    h.status(p1, JobPhase.SUCCEEDED, null, null, h.clock.instant());

    assertThat(charged(p1)).as("it ran; for how long is unknown").isEqualByComparingTo("2.00");
    assertThat(h.finops)
        .filteredOn(f -> f instanceof FinOpsRecord.ChargeEstimated)
        .singleElement()
        .satisfies(
            f -> {
              var e = (FinOpsRecord.ChargeEstimated) f;
              assertThat(e.partitionId()).isEqualTo("p1");
              assertThat(e.charged()).isEqualByComparingTo("2.00");
              assertThat(e.reason()).contains("not its start");
            });
    assertThat(h.run("r").budget().spent()).isEqualByComparingTo("2.00");
  }

  @Test
  void aJobSeenRunningThatEndsWithoutTimesIsChargedItsWholeReservation() {
    WorkItem p1 = startTwoPartitions().get(0);
    h.status(p1, JobPhase.SUBMITTED);
    h.status(p1, JobPhase.RUNNING);

    h.status(p1, JobPhase.FAILED, FailureClass.USER, null, null);

    assertThat(charged(p1)).isEqualByComparingTo("2.00");
  }

  @Test
  void aJobThatFailedBeforeItEverRanCostsNothingAndNeedsNoReview() {
    WorkItem p1 = startTwoPartitions().get(0);
    h.status(p1, JobPhase.SUBMITTED);

    h.status(p1, JobPhase.FAILED, FailureClass.INFRA, null, h.clock.instant());

    assertThat(charged(p1)).isEqualByComparingTo("0");
    assertThat(h.finops).noneMatch(f -> f instanceof FinOpsRecord.ChargeEstimated);
  }

  @Test
  void timesThatContradictEachOtherAreChargedTheReservationNotZero() {
    WorkItem p1 = startTwoPartitions().get(0);
    Instant end = h.clock.instant();

    h.status(p1, JobPhase.SUCCEEDED, null, end.plusSeconds(60), end);

    assertThat(charged(p1)).isEqualByComparingTo("2.00");
    assertThat(h.finops)
        .filteredOn(f -> f instanceof FinOpsRecord.ChargeEstimated)
        .singleElement()
        .satisfies(
            f -> assertThat(((FinOpsRecord.ChargeEstimated) f).reason()).contains("contradict"));
  }

  @Test
  void aJobThatRanPastItsTimeoutIsChargedWhatItRanAndRaisesACostOverrunForFinOps() {
    WorkItem p1 = startTwoPartitions().get(0);
    Instant t0 = h.clock.instant();

    h.status(p1, JobPhase.SUCCEEDED, null, t0, t0.plus(Duration.ofMinutes(90)));

    assertThat(charged(p1)).as("2 nodes x 1.5 h").isEqualByComparingTo("3.00");
    assertThat(h.finops)
        .filteredOn(f -> f instanceof FinOpsRecord.CostOverrun)
        .singleElement()
        .satisfies(
            f -> {
              var o = (FinOpsRecord.CostOverrun) f;
              assertThat(o.partitionId()).isEqualTo("p1");
              assertThat(o.reserved()).isEqualByComparingTo("2.00");
              assertThat(o.charged()).isEqualByComparingTo("3.00");
              assertThat(o.billableSeconds()).isEqualTo(5400.0);
              assertThat(o.timeoutSeconds()).isEqualTo(3600.0);
            });
  }

  @Test
  void aJobCanceledOutsidePartitrainIsAnInfraFailureAndIsRetried() {
    WorkItem p1 = startTwoPartitions().get(0);
    h.status(p1, JobPhase.SUBMITTED);
    h.status(p1, JobPhase.RUNNING);

    h.status(p1, JobPhase.CANCELED, FailureClass.CANCELED);

    RunEvent.PartitionTransitioned end = lastMoveOf("p1");
    assertThat(end.to()).isEqualTo(PartitionState.FAILED);
    assertThat(end.failureClass()).isEqualTo(FailureClass.INFRA);
    assertThat(end.reason()).contains("canceled outside Partitrain");
    assertThat(h.log)
        .as("retried like any INFRA failure")
        .anySatisfy(
            e -> {
              assertThat(e).isInstanceOf(RunEvent.RetryScheduled.class);
              assertThat(((RunEvent.RetryScheduled) e).partitionId()).isEqualTo("p1");
            });
  }

  @Test
  void aJobCanceledBecauseTheOperatorCanceledTheRunEndsCanceled() {
    WorkItem p1 = startTwoPartitions().get(0);
    h.status(p1, JobPhase.SUBMITTED);
    h.status(p1, JobPhase.RUNNING);
    h.command(
        new RunCommand.CancelRun(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            "r",
            "ops (Ops)",
            "bad data",
            h.clock.instant()));

    h.status(p1, JobPhase.CANCELED, FailureClass.CANCELED);

    assertThat(lastMoveOf("p1").to()).isEqualTo(PartitionState.CANCELED);
    assertThat(h.log).noneMatch(e -> e instanceof RunEvent.RetryScheduled);
  }

  private BigDecimal charged(WorkItem item) {
    return h.log.stream()
        .filter(
            e -> e instanceof RunEvent.CostCharged c && c.partitionId().equals(item.partitionId()))
        .map(e -> ((RunEvent.CostCharged) e).cost())
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private RunEvent.PartitionTransitioned lastMoveOf(String partitionId) {
    return h.log.stream()
        .filter(
            e ->
                e instanceof RunEvent.PartitionTransitioned t
                    && t.partitionId().equals(partitionId))
        .map(e -> (RunEvent.PartitionTransitioned) e)
        .reduce((a, b) -> b)
        .orElseThrow();
  }
}
