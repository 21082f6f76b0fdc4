package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LivenessTest {

  private static final Duration SILENCE = Duration.ofSeconds(30);

  private final TrackerHarness h = new TrackerHarness(SILENCE);

  private void heartbeat(WorkItem item) {
    h.tracker.onStatus(
        JobStatusEvent.heartbeat(item.runId(), item.partitionId(), item.attempt(), item.jobName())
            .workerId("w1")
            .phase(JobPhase.RUNNING)
            .backendStatus("Running")
            .observedAt(h.clock.instant())
            .nodes(1)
            .build(),
        new Outbox());
  }

  @Test
  void aJobWhoseWatcherFellSilentIsOfferedForAdoptionOnceThenAgainOnlyAfterAnotherTimeout() {
    h.start("r1", 2, 2, retry(1));
    List<WorkItem> items = h.tick();
    items.forEach(i -> h.status(i, JobPhase.RUNNING));

    h.clock.advance(Duration.ofSeconds(20));
    heartbeat(items.get(0));
    assertThat(h.tick()).isEmpty();

    h.clock.advance(Duration.ofSeconds(11));
    List<WorkItem> adopt = h.tick();
    assertThat(adopt)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.kind()).isEqualTo(WorkItem.Kind.ADOPT);
              assertThat(w.partitionId()).isEqualTo("p2");
              assertThat(w.jobName()).isEqualTo(items.get(1).jobName());
              assertThat(w.job().command()).isEqualTo("echo p2");
            });
    assertThat(h.log)
        .filteredOn(e -> e instanceof RunEvent.AdoptionRequested)
        .singleElement()
        .satisfies(e -> assertThat(((RunEvent.AdoptionRequested) e).attempt()).isEqualTo(1));
    assertThat(h.tick()).as("not asked twice within one timeout").isEmpty();

    // The adopter reports: the final status is recorded once, the partition is not retried.
    h.status(items.get(1), JobPhase.SUCCEEDED);
    h.status(items.get(1), JobPhase.SUCCEEDED);
    assertThat(h.log)
        .filteredOn(
            e ->
                e instanceof RunEvent.PartitionTransitioned t
                    && t.partitionId().equals("p2")
                    && t.to() == PartitionState.SUCCEEDED)
        .hasSize(1);
    h.clock.advance(Duration.ofSeconds(31));
    assertThat(h.tick())
        .extracting(WorkItem::partitionId)
        .as("p1 went silent too now")
        .containsExactly("p1");
  }

  @Test
  void afterATakeoverEveryInFlightJobGetsAFullTimeoutBeforeAdoption() {
    h.start("r1", 1, 1, retry(1));
    h.status(h.tick().get(0), JobPhase.RUNNING);
    h.clock.advance(Duration.ofMinutes(5));

    TrackerHarness standby = new TrackerHarness(SILENCE);
    h.log.forEach(standby.tracker::replay);
    standby.clock.advance(Duration.between(standby.clock.instant(), h.clock.instant()));
    assertThat(standby.tick()).isEmpty();
    standby.clock.advance(SILENCE.plusSeconds(1));
    assertThat(standby.tick()).extracting(WorkItem::kind).containsExactly(WorkItem.Kind.ADOPT);
  }

  @Test
  void anAdmittedPartitionWhoseSubmitNoWorkerAnsweredIsOfferedForAdoptionToo() {
    h.start("r1", 1, 1, retry(2));
    WorkItem submit = h.tick().get(0);
    h.tick();
    // No worker ever reports on the SUBMIT (it was lost, or dead-lettered without an id).
    h.clock.advance(SILENCE.plusSeconds(1));
    assertThat(h.tick())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.kind()).isEqualTo(WorkItem.Kind.ADOPT);
              assertThat(w.jobName()).isEqualTo(submit.jobName());
            });
    // The adopter finds no job and says so: the attempt fails INFRA and is retried.
    h.status(submit, JobPhase.FAILED, io.partitrain.shared.contracts.FailureClass.INFRA);
    h.clock.advance(Duration.ofMinutes(1));
    assertThat(h.tick()).singleElement().extracting(WorkItem::attempt).isEqualTo(2);
  }

  @Test
  void onlyTheSilentJobsAreAdoptedAndFinishedOnesLeaveTheDeadlineIndex() {
    h.start("r1", 200, 200, retry(1));
    List<WorkItem> items = h.tick();
    assertThat(h.tracker.watchedPartitions()).isEqualTo(200);
    for (WorkItem item : items.subList(3, items.size())) {
      h.status(item, JobPhase.RUNNING);
      h.status(item, JobPhase.SUCCEEDED);
    }

    h.clock.advance(SILENCE.plusSeconds(1));
    assertThat(h.tick())
        .extracting(WorkItem::kind, WorkItem::partitionId)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(WorkItem.Kind.ADOPT, "p1"),
            org.assertj.core.groups.Tuple.tuple(WorkItem.Kind.ADOPT, "p2"),
            org.assertj.core.groups.Tuple.tuple(WorkItem.Kind.ADOPT, "p3"));
    assertThat(h.tracker.watchedPartitions())
        .as("the 197 finished partitions left the index when their deadline came up")
        .isEqualTo(3);
  }
}
