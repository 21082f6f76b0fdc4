package io.partitrain.orchestrator.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Finished runs leave the leader's memory once their final snapshot is committed, stay known by id,
 * come back from their final snapshot when a command names them, and their final snapshot is
 * tombstoned after the retention.
 */
class FinishedRunEvictionTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T05:00:00Z"));
  private final AtomicReference<StateSnapshot.Run> stateTopic = new AtomicReference<>();
  private final Tracker tracker =
      Tracker.builder()
          .clock(clock)
          .admission(Admission.concurrencyCap())
          .random(new SplittableRandom(7))
          .topics(TrackerHarness.TOPICS)
          .nodeCaps(NodeCapConfig.unlimited())
          .stateInterval(Duration.ofSeconds(30))
          .finishedRetention(Duration.ofDays(2))
          // What the state topic gives back: the final snapshot, through its JSON form.
          .finishedRuns(
              id ->
                  Optional.ofNullable(stateTopic.get())
                      .filter(s -> s.runId().equals(id))
                      .map(
                          s -> (StateSnapshot.Run) Json.read(Json.toBytes(s), StateSnapshot.class)))
          .build();

  @Test
  void aFinishedRunIsEvictedKeptByIdAndBroughtBackForARerun() {
    Outbox out = new Outbox();
    tracker.onCommand(start("wk-1"), out);
    tracker.tick(out);
    List<WorkItem> items = work(out);
    assertThat(items).hasSize(3);
    for (WorkItem item : items) {
      boolean fail = item.partitionId().equals("p2");
      tracker.onStatus(status(item, JobPhase.SUBMITTED, null), out);
      tracker.onStatus(
          status(
              item, fail ? JobPhase.FAILED : JobPhase.SUCCEEDED, fail ? FailureClass.USER : null),
          out);
    }
    out.clear();
    tracker.tick(out);
    StateSnapshot.Run last = finalSnapshot(out);
    assertThat(last.complete()).isTrue();
    assertThat(last.partitions())
        .extracting(StateSnapshot.Partition::state)
        .containsExactly(PartitionState.SUCCEEDED, PartitionState.FAILED, PartitionState.SUCCEEDED);
    stateTopic.set(last);

    assertThat(tracker.committed(last)).as("evicted once its final snapshot committed").isTrue();
    assertThat(tracker.run("wk-1")).isEmpty();
    assertThat(tracker.runs()).isEmpty();
    assertThat(tracker.finishedRuns()).containsKey("wk-1");
    assertThat(tracker.finishedPartitions())
        .as("the gauges still count its partitions")
        .containsEntry(PartitionState.SUCCEEDED, 2L)
        .containsEntry(PartitionState.FAILED, 1L);

    // A run id starts one run only, in memory or not.
    out.clear();
    tracker.onCommand(start("wk-1"), out);
    assertThat(answers(out))
        .singleElement()
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class, r -> assertThat(r.reason()).contains("exists already"));

    // A rerun brings it back from its final snapshot and reruns exactly the failed partition.
    out.clear();
    tracker.onCommand(
        new RunCommand.RerunFailed(
            Schema.VERSION, UUID.randomUUID().toString(), "wk-1", "op", "fixed", clock.instant()),
        out);
    assertThat(answers(out))
        .singleElement()
        .isInstanceOfSatisfying(
            RunEvent.RerunAccepted.class, r -> assertThat(r.partitionIds()).containsExactly("p2"));
    assertThat(tracker.run("wk-1")).isPresent();
    tracker.tick(out);
    assertThat(work(out)).extracting(WorkItem::partitionId).containsExactly("p2");
    assertThat(finalSnapshot(out).complete())
        .as("a reopened run is snapshotted at once, so a successor never takes it for finished")
        .isFalse();
  }

  @Test
  void aFinalSnapshotIsTombstonedAfterTheRetention() {
    Outbox out = new Outbox();
    tracker.onCommand(start("wk-2"), out);
    tracker.tick(out);
    for (WorkItem item : work(out)) {
      tracker.onStatus(status(item, JobPhase.SUCCEEDED, null), out);
    }
    out.clear();
    tracker.tick(out);
    assertThat(tracker.committed(finalSnapshot(out))).isTrue();

    clock.advance(Duration.ofDays(2).plusMinutes(1));
    out.clear();
    tracker.tick(out); // the eviction's checkpoint, with the tombstone now due
    assertThat(out.entries())
        .anySatisfy(
            e -> {
              assertThat(e.key()).isEqualTo(StateSnapshot.runKey("wk-2"));
              assertThat(e.encoded()).isNotNull();
              assertThat(e.encoded().value()).as("a tombstone").isNull();
            });
    assertThat(tracker.finishedRuns()).doesNotContainKey("wk-2");
  }

  private RunCommand.StartRun start(String runId) {
    List<PartitionSpec> specs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      specs.add(new PartitionSpec("p" + i, Map.of()));
    }
    return new RunCommand.StartRun(
        Schema.VERSION,
        UUID.randomUUID().toString(),
        runId,
        TrackerHarness.definition(3, TrackerHarness.retry(1)),
        specs,
        "tester",
        clock.instant());
  }

  private JobStatusEvent status(WorkItem item, JobPhase phase, FailureClass fc) {
    return JobStatusEvent.status(item.runId(), item.partitionId(), item.attempt(), item.jobName())
        .workerId("w1")
        .phase(phase)
        .backendStatus(phase.name())
        .failureClass(fc)
        .message(fc == null ? null : "failed")
        .observedAt(clock.instant())
        .nodes(1)
        .logPath("/logs/" + item.jobName())
        .build();
  }

  private static List<WorkItem> work(Outbox out) {
    return out.entries().stream()
        .filter(e -> e.value() instanceof WorkItem)
        .map(e -> (WorkItem) e.value())
        .toList();
  }

  private static List<RunEvent> answers(Outbox out) {
    return out.entries().stream()
        .filter(e -> e.value() instanceof RunEvent.Answer)
        .map(e -> (RunEvent) e.value())
        .toList();
  }

  private static StateSnapshot.Run finalSnapshot(Outbox out) {
    StateSnapshot.Run last = null;
    for (Outbox.Entry e : out.entries()) {
      if (e.value() instanceof StateSnapshot.Run r) {
        last = r;
      }
    }
    assertThat(last).as("a run snapshot in the round").isNotNull();
    return last;
  }
}
