package io.partitrain.shared.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunOutcomeTest {

  private static RunSummary summary(boolean complete, Map<PartitionState, Integer> byState) {
    int total = byState.values().stream().mapToInt(Integer::intValue).sum();
    return new RunSummary(
        "r",
        "p",
        complete,
        total,
        byState,
        total,
        total,
        0,
        0,
        0,
        List.of(),
        Map.of(),
        Instant.EPOCH,
        complete ? Instant.EPOCH : null);
  }

  @Test
  void aCanceledRunIsCanceledNotComplete() {
    var s = summary(true, Map.of(PartitionState.SUCCEEDED, 6, PartitionState.CANCELED, 34));
    assertThat(RunOutcome.of(s, true)).isEqualTo(RunOutcome.CANCELED);
  }

  @Test
  void aRunWhosePartitionsAllWaitOnTheBudgetIsWaitingNotComplete() {
    var s = summary(true, Map.of(PartitionState.DEFERRED_BY_COST, 40));
    assertThat(RunOutcome.of(s, false)).isEqualTo(RunOutcome.WAITING_ON_BUDGET);
    assertThat(RunOutcome.of(s, false).isSettled()).isFalse();
  }

  @Test
  void someFailedIsFailedAllSucceededIsSucceeded() {
    assertThat(
            RunOutcome.of(
                summary(true, Map.of(PartitionState.SUCCEEDED, 38, PartitionState.FAILED, 2)),
                false))
        .isEqualTo(RunOutcome.FAILED);
    assertThat(RunOutcome.of(summary(true, Map.of(PartitionState.SUCCEEDED, 40)), false))
        .isEqualTo(RunOutcome.SUCCEEDED);
  }

  @Test
  void anythingMovingOrAPendingRetryIsActive() {
    assertThat(
            RunOutcome.of(
                summary(
                    false, Map.of(PartitionState.RUNNING, 1, PartitionState.DEFERRED_BY_COST, 3)),
                false))
        .isEqualTo(RunOutcome.ACTIVE);
    assertThat(RunOutcome.of(summary(false, Map.of(PartitionState.FAILED, 1)), false))
        .isEqualTo(RunOutcome.ACTIVE);
    // A cancel accepted but not yet settled: still active.
    assertThat(RunOutcome.of(summary(false, Map.of(PartitionState.RUNNING, 2)), true))
        .isEqualTo(RunOutcome.ACTIVE);
  }
}
