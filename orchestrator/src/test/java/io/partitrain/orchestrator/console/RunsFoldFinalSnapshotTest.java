package io.partitrain.orchestrator.console;

import static io.partitrain.orchestrator.console.ConsoleEvents.T0;
import static io.partitrain.orchestrator.console.ConsoleEvents.moved;
import static io.partitrain.orchestrator.console.ConsoleEvents.runStarted;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.console.api.read.RunEvidence;
import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The console shows a finished run whose decisions aged out of the runs topic from its final
 * snapshot on the state topic; the runs topic wins wherever it still holds the run's start, and
 * what the snapshot covers is not applied twice.
 */
class RunsFoldFinalSnapshotTest {

  private static final String RUN = "run-old";

  /** A finished run of two partitions: a1 succeeded, a2 failed twice (USER); budget 10 EUR. */
  private static StateSnapshot.Run finalSnapshot() {
    RunEvent.RunStarted started = runStarted(RUN, 2, new BigDecimal("10"));
    RunSummary summary =
        new RunSummary(
            RUN,
            "weekly-demand",
            true,
            2,
            Map.of(PartitionState.SUCCEEDED, 1, PartitionState.FAILED, 1),
            3,
            3,
            1,
            0,
            0,
            List.of(),
            Map.of(),
            T0,
            T0.plusSeconds(120),
            0,
            null);
    return new StateSnapshot.Run(
        Schema.VERSION,
        started,
        true,
        T0.plusSeconds(120),
        false,
        3,
        3,
        1,
        0,
        0,
        new StateSnapshot.Budget(
            new CostBudget(new BigDecimal("10"), "EUR", Map.of()),
            new BigDecimal("1.25"),
            BigDecimal.ZERO,
            List.of()),
        null,
        false,
        List.of(
            partition("a1", PartitionState.SUCCEEDED, 1, null),
            partition("a2", PartitionState.FAILED, 2, FailureClass.USER)),
        List.of(),
        summary,
        T0.plusSeconds(120),
        null);
  }

  private static StateSnapshot.Partition partition(
      String id, PartitionState state, int attempt, FailureClass failure) {
    return new StateSnapshot.Partition(
        id,
        Map.of("region", "north"),
        id.equals("a1") ? 0 : 1,
        state,
        attempt,
        attempt,
        RUN + "-" + id + "-a" + attempt,
        null,
        0,
        attempt > 1,
        false,
        failure,
        failure == null ? null : "exit 1",
        "/jobs/" + id + "/log.txt",
        Map.of("mape", 0.1),
        null);
  }

  private static RunView view(RunsFold fold) {
    return fold.snapshot(T0.plusSeconds(3600)).run(RUN).orElseThrow();
  }

  @Test
  void aRunPastTheRunsTopicsRetentionIsShownFromItsFinalSnapshot() {
    RunsFold fold = new RunsFold();
    fold.apply(finalSnapshot(), Map.of(0, 40L));
    RunView run = view(fold);
    assertThat(run.fromFinalSnapshot()).isTrue();
    assertThat(run.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(run.complete()).isTrue();
    assertThat(run.total()).isEqualTo(2);
    assertThat(run.attempts()).isEqualTo(3);
    assertThat(run.byState())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(PartitionState.SUCCEEDED, 1, PartitionState.FAILED, 1));
    assertThat(run.planName()).isEqualTo("weekly-demand");
    assertThat(run.requestedBy()).isEqualTo("scheduler");
    assertThat(run.cost().spent()).isEqualByComparingTo("1.25");
    assertThat(run.cost().cap()).isEqualByComparingTo("10");
    PartitionView a2 = run.partitions().get(1);
    assertThat(a2.partitionId()).isEqualTo("a2");
    assertThat(a2.state()).isEqualTo(PartitionState.FAILED);
    assertThat(a2.attempt()).isEqualTo(2);
    assertThat(a2.failureClass()).isEqualTo(FailureClass.USER);
    assertThat(a2.jobName()).isEqualTo(RUN + "-a2-a2");
    assertThat(a2.history()).isEmpty();

    // The bundle holds each partition's last attempt, with its state, and says what it lacks.
    RunEvidence evidence = RunEvidence.of(run, T0.plusSeconds(3600));
    assertThat(evidence.fromFinalSnapshot()).isTrue();
    assertThat(evidence.note()).contains("PARTITRAIN_RUNS_RETENTION");
    assertThat(evidence.jobs())
        .extracting(j -> j.partitionId() + "/" + j.attempt() + "/" + j.state())
        .containsExactly("a1/1/SUCCEEDED", "a2/2/FAILED");
  }

  @Test
  void theRunsTopicWinsWhereItStillHoldsTheRunsStart() {
    RunsFold fold = new RunsFold();
    // Snapshot first (the console reads the state topic first), then the whole history.
    fold.apply(finalSnapshot(), Map.of(0, 40L));
    fold.apply(runStarted(RUN, 2, new BigDecimal("10")), 0, 0);
    fold.apply(moved(RUN, "a1", null, PartitionState.SCHEDULED, 0), 0, 1);
    RunView run = view(fold);
    assertThat(run.fromFinalSnapshot()).isFalse();
    assertThat(run.partitions()).extracting(PartitionView::partitionId).containsExactly("a1");
    assertThat(run.partitions().get(0).history()).hasSize(1);

    // A final snapshot read after the start changes nothing: the decisions say more.
    fold.apply(finalSnapshot(), Map.of(0, 40L));
    assertThat(view(fold).fromFinalSnapshot()).isFalse();
    assertThat(view(fold).partitions()).hasSize(1);
  }

  @Test
  void eventsTheSnapshotCoversAreNotAppliedTwiceAndLaterOnesAre() {
    RunsFold fold = new RunsFold();
    fold.apply(finalSnapshot(), Map.of(0, 40L));
    // The start aged out, later records of the run did not: below offset 40, all in the snapshot.
    fold.apply(moved(RUN, "a2", PartitionState.SCHEDULED, PartitionState.ADMITTED, 2), 0, 38);
    assertThat(view(fold).attempts()).isEqualTo(3);
    assertThat(view(fold).partitions().get(1).state()).isEqualTo(PartitionState.FAILED);
    // A rerun after the snapshot is applied.
    fold.apply(moved(RUN, "a2", PartitionState.FAILED, PartitionState.ADMITTED, 3), 0, 41);
    assertThat(view(fold).attempts()).isEqualTo(4);
    assertThat(view(fold).partitions().get(1).state()).isEqualTo(PartitionState.ADMITTED);
    assertThat(view(fold).fromFinalSnapshot()).isTrue();
  }

  @Test
  void aTombstonedFinalSnapshotTakesTheRunOutOfTheConsole() {
    RunsFold fold = new RunsFold();
    fold.apply(finalSnapshot(), Map.of());
    fold.forgetFinalSnapshot(RUN);
    assertThat(fold.snapshot(T0).run(RUN)).isEqualTo(Optional.empty());

    // A run still on the runs topic stays when its snapshot is tombstoned.
    fold.apply(runStarted(RUN, 2, null), 0, 0);
    fold.forgetFinalSnapshot(RUN);
    assertThat(fold.snapshot(T0).run(RUN)).isPresent();
  }

  @Test
  void finishedRunsFromSnapshotsCountAgainstTheConsolesMemoryBound() {
    RunsFold fold = new RunsFold(1);
    fold.apply(finalSnapshot(), Map.of());
    StateSnapshot.Run other = finalSnapshot();
    fold.apply(
        new StateSnapshot.Run(
            other.schemaVersion(),
            runStarted("run-newer", 2, null),
            true,
            other.completedAt(),
            false,
            3,
            3,
            1,
            0,
            0,
            null,
            null,
            false,
            other.partitions(),
            List.of(),
            other.summary(),
            other.at(),
            null),
        Map.of());
    RunView old = view(fold);
    assertThat(old.detailEvicted()).isTrue();
    assertThat(old.partitions()).isEmpty();
    assertThat(old.byState())
        .as("the summary stays exact")
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(PartitionState.SUCCEEDED, 1, PartitionState.FAILED, 1));
  }
}
