package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.admission.SubmitWindow;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure on SUBMITs (issue 12): a SUBMIT that waits in the work topic longer than the
 * silence timeout reaches its worker expired, liveness finds no job, and the partition pays an
 * attempt for a queue it did not choose. So the tracker hands out no more SUBMITs than the workers
 * take in half a timeout, whatever {@code maxInFlight} says.
 *
 * <p>The workers here are simulated on the harness's clock: they take items from the work topic in
 * order at a fixed rate, skip an expired SUBMIT (create nothing, as {@code Worker} does), and
 * answer an ADOPT of a job nobody created with a lost attempt (INFRA).
 */
class SubmitBackPressureTest {

  private static final Duration SILENCE = Duration.ofSeconds(30);
  private static final Duration STEP = Duration.ofMillis(100);

  /** Simulated workers: a FIFO work topic, taken at {@code perStep} items per 100 ms. */
  private static final class SlowWorkers {
    final TrackerHarness h;
    final int perStep;
    final ArrayDeque<WorkItem> topic = new ArrayDeque<>();
    final Set<String> created = new HashSet<>();
    int expired;

    SlowWorkers(TrackerHarness h, int perStep) {
      this.h = h;
      this.perStep = perStep;
    }

    /** One 100 ms step: a tracker round, then the workers take what they can. */
    void step() {
      topic.addAll(h.tick());
      for (int i = 0; i < perStep && !topic.isEmpty(); i++) {
        take(topic.poll());
      }
      h.clock.advance(STEP);
    }

    private void take(WorkItem item) {
      if (item.kind() == WorkItem.Kind.SUBMIT) {
        if (item.expiredAt(h.clock.instant())) {
          expired++;
          return;
        }
        created.add(item.jobName());
        // A job that ends at once: the partition leaves flight, the cap is never the limit.
        h.finish(item, JobPhase.SUCCEEDED, null);
      } else if (item.kind() == WorkItem.Kind.ADOPT && !created.contains(item.jobName())) {
        h.status(item, JobPhase.FAILED, FailureClass.INFRA);
      }
    }
  }

  @Test
  void workersSlowerThanTheCapTakeEverySubmitBeforeItExpiresAndNoAttemptIsLost() {
    TrackerHarness h = new TrackerHarness(SILENCE, SubmitWindow.DEFAULT_FLOOR);
    // 2,000 partitions may all be in flight; the workers take 20 a second, so admitting them all
    // at once would leave the last ones 100 s in the topic, far past the 30 s timeout.
    h.start("r1", 2_000, 2_000, retry(3));
    SlowWorkers workers = new SlowWorkers(h, 2);

    int steps = 0;
    while (!h.run("r1").isComplete() && steps++ < 20_000) {
      workers.step();
    }

    assertThat(h.run("r1").isComplete()).as("the run completes").isTrue();
    assertThat(workers.expired).as("SUBMITs that reached a worker expired").isZero();
    assertThat(h.log).noneMatch(e -> e instanceof RunEvent.AdoptionRequested);
    assertThat(h.run("r1").countsByState())
        .containsOnlyKeys(PartitionState.SUCCEEDED)
        .containsEntry(PartitionState.SUCCEEDED, 2_000);
    assertThat(h.work).as("one SUBMIT per partition").hasSize(2_000);
    assertThat(workers.created).as("jobs created at the backend").hasSize(2_000);
    // The window held the backlog to what 20/s drains in half a timeout (plus one round's room).
    assertThat(steps * STEP.toMillis() / 1000.0)
        .as("seconds to finish, against 100 s of work at 20/s")
        .isLessThan(130);
  }

  @Test
  void withNoWorkerTakingAnythingOnlyTheFloorOfSubmitsIsHandedOut() {
    TrackerHarness h = new TrackerHarness(SILENCE, 16);
    h.start("r1", 1_000, 1_000, retry(3));

    List<WorkItem> first = h.tick();
    h.clock.advance(Duration.ofSeconds(5));
    List<WorkItem> later = h.tick();

    assertThat(first).hasSize(16).allMatch(w -> w.kind() == WorkItem.Kind.SUBMIT);
    assertThat(later).as("no worker took any: nothing more is handed out").isEmpty();
    assertThat(h.run("r1").countsByState())
        .containsEntry(PartitionState.ADMITTED, 16)
        .containsEntry(PartitionState.SCHEDULED, 984);
  }

  @Test
  void theWindowGrowsToWhatTheWorkersTakeInHalfATimeout() {
    TrackerHarness h = new TrackerHarness(SILENCE, 16);
    h.start("r1", 5_000, 5_000, retry(3));
    SlowWorkers workers = new SlowWorkers(h, 10); // 100 a second
    for (int i = 0; i < 150; i++) {
      workers.step();
    }
    int waiting = h.run("r1").countsByState().getOrDefault(PartitionState.ADMITTED, 0);
    assertThat(workers.topic).as("what waits in the work topic").hasSize(waiting);
    // 100/s for half of 30 s: about 1,500 SUBMITs may wait; not the floor's 16, not all 5,000.
    assertThat(waiting).isBetween(1_000, 1_600);
    assertThat(workers.expired).isZero();
  }
}
