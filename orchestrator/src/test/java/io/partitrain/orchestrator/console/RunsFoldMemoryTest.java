package io.partitrain.orchestrator.console;

import static io.partitrain.orchestrator.console.ConsoleEvents.T0;
import static io.partitrain.orchestrator.console.ConsoleEvents.ledger;
import static io.partitrain.orchestrator.console.ConsoleEvents.moved;
import static io.partitrain.orchestrator.console.ConsoleEvents.runStarted;
import static io.partitrain.shared.contracts.PartitionState.ADMITTED;
import static io.partitrain.shared.contracts.PartitionState.FAILED;
import static io.partitrain.shared.contracts.PartitionState.RUNNING;
import static io.partitrain.shared.contracts.PartitionState.SCHEDULED;
import static io.partitrain.shared.contracts.PartitionState.SUBMITTED;
import static io.partitrain.shared.contracts.PartitionState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.SubmittedJob;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The console's fold keeps the detail of active runs and of the last N finished ones only, so its
 * memory follows what is live, not the history on the topics; evicted runs keep exact summaries.
 */
class RunsFoldMemoryTest {

  static final int RUNS = 40;
  static final int PARTITIONS = 500;
  static final int RETAINED = 3;

  /** Feeds one whole run (every 10th partition fails as USER) to the folds. */
  static void run(String runId, Consumer<RunEvent> events, Consumer<FinOpsRecord> finops) {
    events.accept(runStarted(runId, PARTITIONS, new BigDecimal("100")));
    for (int i = 0; i < PARTITIONS; i++) {
      String p = String.format("store-%04d", i);
      events.accept(moved(runId, p, null, SCHEDULED, 0));
      events.accept(moved(runId, p, SCHEDULED, ADMITTED, 1));
      events.accept(submitted(runId, p));
      events.accept(moved(runId, p, SUBMITTED, RUNNING, 1));
      boolean fails = i % 10 == 0;
      events.accept(
          moved(
              runId,
              p,
              RUNNING,
              fails ? FAILED : SUCCEEDED,
              1,
              fails ? FailureClass.USER : null,
              null));
      finops.accept(ledger(runId, p, "0.01"));
    }
    events.accept(
        new RunEvent.RunCompleted(
            Schema.VERSION,
            runId,
            new RunSummary(
                runId,
                "weekly-demand",
                true,
                PARTITIONS,
                Map.of(),
                0,
                0,
                0,
                0,
                0,
                null,
                null,
                T0,
                T0.plusSeconds(3600),
                0,
                null),
            T0.plusSeconds(3600)));
  }

  static RunEvent.PartitionTransitioned submitted(String runId, String p) {
    RunEvent.PartitionTransitioned m = moved(runId, p, ADMITTED, SUBMITTED, 1);
    return RunEvent.PartitionTransitioned.move(m.runId(), m.partitionId(), m.to(), m.at())
        .schemaVersion(m.schemaVersion())
        .from(m.from())
        .attempt(m.attempt())
        .reason(m.reason())
        .failureClass(m.failureClass())
        .jobName(m.jobName())
        .tags(m.tags())
        .sequence(m.sequence())
        .logPath(m.logPath())
        .metrics(m.metrics())
        .submission(
            new SubmittedJob(
                "worker-1",
                "local",
                "/jobs/" + m.jobName(),
                "/plans/src",
                "ab".repeat(32),
                Map.of("sales", "/data/" + p + ".csv"),
                Map.of("model", "/jobs/" + m.jobName() + "/outputs/model"),
                null))
        .build();
  }

  @Test
  void onlyTheLastFinishedRunsKeepTheirDetailAndTheBoundHoldsThroughout() {
    RunsFold bounded = new RunsFold(RETAINED);
    RunsFold unbounded = new RunsFold();
    int mostInDetail = 0;
    for (int r = 0; r < RUNS; r++) {
      String runId = "wd-" + r;
      run(
          runId,
          e -> {
            bounded.apply(e);
            unbounded.apply(e);
          },
          f -> {
            bounded.apply(f);
            unbounded.apply(f);
          });
      mostInDetail = Math.max(mostInDetail, bounded.partitionsInDetail());
    }

    // Held in detail: the last RETAINED finished runs, never more (while one more is active:
    // RETAINED + 1 runs at the peak); the unbounded fold holds every partition ever seen.
    assertThat(mostInDetail).isLessThanOrEqualTo((RETAINED + 1) * PARTITIONS);
    assertThat(bounded.partitionsInDetail()).isEqualTo(RETAINED * PARTITIONS);
    assertThat(unbounded.partitionsInDetail()).isEqualTo(RUNS * PARTITIONS);

    var snap = bounded.snapshot(T0);
    var full = unbounded.snapshot(T0);
    assertThat(snap.runs()).hasSize(RUNS);
    List<String> detailed =
        snap.runs().stream().filter(v -> !v.detailEvicted()).map(RunView::runId).toList();
    assertThat(detailed).containsExactlyInAnyOrder("wd-37", "wd-38", "wd-39");

    // An evicted run keeps an exact summary: counts, failure classes, attempts, cost, decisions.
    RunView old = snap.run("wd-0").orElseThrow();
    RunView same = full.run("wd-0").orElseThrow();
    assertThat(old.detailEvicted()).isTrue();
    assertThat(old.partitions()).isEmpty();
    assertThat(old.ledger()).isEmpty();
    assertThat(old.submissions()).isEmpty();
    assertThat(old.byState()).isEqualTo(same.byState()).containsEntry(FAILED, PARTITIONS / 10);
    assertThat(old.failureClasses())
        .isEqualTo(same.failureClasses())
        .containsExactly(Map.entry(FailureClass.USER, PARTITIONS / 10));
    assertThat(old.total()).isEqualTo(PARTITIONS);
    assertThat(old.attempts()).isEqualTo(same.attempts());
    assertThat(old.outcome()).isEqualTo(same.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(old.cost().spent()).isEqualTo(same.cost().spent());
    assertThat(old.actions()).isEqualTo(same.actions());
    // A run still held in detail is whole, submissions included.
    RunView recent = snap.run("wd-39").orElseThrow();
    assertThat(recent.partitions()).hasSize(PARTITIONS);
    assertThat(recent.submission("store-0001", 1).workerId()).isEqualTo("worker-1");
  }

  @Test
  void aRerunOfAnEvictedRunKeepsItsCountsExact() {
    RunsFold bounded = new RunsFold(1);
    RunsFold unbounded = new RunsFold();
    Consumer<RunEvent> both =
        e -> {
          bounded.apply(e);
          unbounded.apply(e);
        };
    Consumer<FinOpsRecord> bothFinops =
        f -> {
          bounded.apply(f);
          unbounded.apply(f);
        };
    run("old", both, bothFinops);
    run("new", both, bothFinops);
    assertThat(bounded.snapshot(T0).run("old").orElseThrow().detailEvicted()).isTrue();

    // The failed partitions of the old run are rerun and succeed.
    for (int i = 0; i < PARTITIONS; i += 10) {
      String p = String.format("store-%04d", i);
      both.accept(moved("old", p, FAILED, ADMITTED, 2));
      both.accept(moved("old", p, ADMITTED, SUBMITTED, 2));
      both.accept(moved("old", p, SUBMITTED, RUNNING, 2));
      both.accept(moved("old", p, RUNNING, SUCCEEDED, 2));
    }
    RunView old = bounded.snapshot(T0).run("old").orElseThrow();
    RunView same = unbounded.snapshot(T0).run("old").orElseThrow();
    assertThat(old.byState()).isEqualTo(same.byState()).containsExactly(Map.entry(SUCCEEDED, 500));
    assertThat(old.attempts()).isEqualTo(same.attempts()).isEqualTo(PARTITIONS + PARTITIONS / 10);
    assertThat(bounded.partitionsInDetail()).isEqualTo(PARTITIONS);
  }
}
