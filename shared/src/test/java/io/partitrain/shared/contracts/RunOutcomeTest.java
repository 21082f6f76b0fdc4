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
        complete ? Instant.EPOCH : null,
        0,
        null);
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

  /**
   * The property every screen relies on (issue 23): whatever the counts and whatever the "complete"
   * mark says, a run with any partition that is not terminal is never SUCCEEDED, nor settled.
   */
  @Test
  void aRunWithAnyNonTerminalPartitionIsNeverSucceededNorSettled() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(20261207L);
    int checked = 0;
    for (int trial = 0; trial < 20_000; trial++) {
      Map<PartitionState, Integer> byState = new java.util.EnumMap<>(PartitionState.class);
      for (PartitionState s : PartitionState.values()) {
        if (random.nextInt(3) == 0) {
          byState.put(s, random.nextInt(1, 50));
        }
      }
      boolean complete = random.nextBoolean();
      boolean canceled = random.nextBoolean();
      RunOutcome outcome = RunOutcome.of(byState, complete, canceled);
      boolean anyNonTerminal = byState.keySet().stream().anyMatch(s -> !s.isJobTerminal());
      if (anyNonTerminal) {
        checked++;
        assertThat(outcome)
            .as("%s complete=%s canceled=%s", byState, complete, canceled)
            .isNotEqualTo(RunOutcome.SUCCEEDED);
        assertThat(outcome.isSettled()).as("%s", byState).isFalse();
      } else if (complete
          && !canceled
          && byState.keySet().equals(java.util.Set.of(PartitionState.SUCCEEDED))) {
        assertThat(outcome).isEqualTo(RunOutcome.SUCCEEDED);
      }
      // The summary's form decides the same as the counts' form.
      assertThat(RunOutcome.of(summary(complete, byState), canceled)).isEqualTo(outcome);
    }
    assertThat(checked).as("trials that had a non-terminal partition").isGreaterThan(10_000);
  }
}
