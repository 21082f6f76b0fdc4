package io.partitrain.orchestrator.console;

import static io.partitrain.orchestrator.console.ConsoleEvents.T0;
import static io.partitrain.orchestrator.console.ConsoleEvents.moved;
import static io.partitrain.shared.contracts.PartitionState.FAILED;
import static io.partitrain.shared.contracts.PartitionState.SCHEDULED;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.console.view.RunDetails;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.RunEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 29, item 3: the console reads the detail of a run beyond its memory bound on demand, and
 * reuses what it read only while the run has not changed since.
 */
class RunDetailsTest {

  private final RunsFold bounded = new RunsFold(1);
  private final RunsFold full = new RunsFold();
  private final AtomicInteger reads = new AtomicInteger();
  private final RunDetails details =
      RunDetails.reading(
          runId -> {
            reads.incrementAndGet();
            return full.snapshot(T0).run(runId);
          });

  private final Consumer<RunEvent> events =
      e -> {
        bounded.apply(e);
        full.apply(e);
      };
  private final Consumer<FinOpsRecord> finops =
      f -> {
        bounded.apply(f);
        full.apply(f);
      };

  @Test
  void anEvictedRunIsReadOnceWhileItDoesNotChangeAndAgainAfterItChanged() {
    for (String run : List.of("older", "newer")) {
      RunsFoldMemoryTest.run(run, events, finops);
    }
    RunView older = bounded.snapshot(T0).run("older").orElseThrow();
    assertThat(older.detailEvicted()).as("the bound under test holds").isTrue();
    assertThat(older.partitions()).isEmpty();

    RunView detail = details.withDetail(older).orElseThrow();
    assertThat(detail.detailEvicted()).isFalse();
    assertThat(detail.partitions()).hasSize(RunsFoldMemoryTest.PARTITIONS);
    assertThat(detail.byState()).isEqualTo(older.byState());
    assertThat(details.withDetail(bounded.snapshot(T0).run("older").orElseThrow()))
        .containsSame(detail);
    assertThat(reads).as("read once while the run is unchanged").hasValue(1);

    // A run the console holds is its own detail: nothing is read.
    RunView newer = bounded.snapshot(T0).run("newer").orElseThrow();
    assertThat(details.withDetail(newer)).containsSame(newer);
    assertThat(reads).hasValue(1);

    // The older run is rerun: one partition scheduled again. Its summary changed, so its detail
    // is read again and shows the rerun.
    events.accept(moved("older", "store-0000", FAILED, SCHEDULED, 2));
    RunView rerun = bounded.snapshot(T0).run("older").orElseThrow();
    Optional<RunView> again = details.withDetail(rerun);
    assertThat(reads).hasValue(2);
    assertThat(again.orElseThrow().byState()).isEqualTo(rerun.byState());
  }

  @Test
  void aRunWhoseDecisionsAreGoneFromTheTopicsHasNoDetail() {
    for (String run : List.of("older", "newer")) {
      RunsFoldMemoryTest.run(run, events, finops);
    }
    RunView older = bounded.snapshot(T0).run("older").orElseThrow();
    assertThat(RunDetails.NONE.withDetail(older)).isEmpty();
  }
}
