package io.partitrain.orchestrator.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The takeover's promise, as a property over random histories: a tracker restored from the
 * snapshots taken at any moment, plus the events after that moment, holds exactly the state of a
 * tracker that replayed the whole history (and of the live one), and decides the same next round.
 * Histories mix budgeted runs with history-aware order and a deadline, retries, USER failures,
 * reruns, a cancel, node-cap changes and a schedule-less second plan; the snapshots go through
 * their JSON form as they do on the state topic.
 */
class SnapshotRestoreTest {

  static List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    for (long s = 1; s <= 40; s++) {
      seeds.add(s);
    }
    return seeds;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void restoredFromSnapshotsPlusTheTailEqualsAFullReplay(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    TrackerHarness live = new TrackerHarness(NodeCapConfig.of(4));
    int steps = 40 + rnd.nextInt(60);
    int cutAt = rnd.nextInt(steps);
    int cut = -1;
    List<StateSnapshot> snapshots = List.of();
    List<WorkItem> pending = new ArrayList<>();
    int runs = 0;
    for (int step = 0; step < steps; step++) {
      if (step == cutAt) {
        cut = live.log.size();
        snapshots = throughJson(live.tracker.stateSnapshots());
      }
      act(live, rnd, pending, runs);
      if (runs < 4 && rnd.nextInt(12) == 0 || runs == 0) {
        runs++;
        startRun(live, rnd, runs);
      }
    }
    Instant now = live.clock.instant();

    Tracker full = tracker(now);
    live.log.forEach(full::replay);

    Tracker restored = tracker(now);
    snapshots.forEach(restored::restore);
    Set<String> keys = new HashSet<>();
    for (StateSnapshot s : snapshots) {
      keys.add(keyOf(s));
    }
    for (int i = 0; i < live.log.size(); i++) {
      boolean beforeCut = i < cut;
      restored.replay(live.log.get(i), key -> beforeCut && keys.contains(key));
    }

    assertThat(tree(restored.stateSnapshots()))
        .as("restored from snapshots at event %d of %d, then the tail", cut, live.log.size())
        .isEqualTo(tree(full.stateSnapshots()));
    assertThat(tree(live.tracker.stateSnapshots()))
        .as("the live tracker")
        .isEqualTo(tree(full.stateSnapshots()));

    Outbox a = new Outbox();
    Outbox b = new Outbox();
    restored.tick(a);
    full.tick(b);
    assertThat(decisions(a)).as("the next round's decisions").isEqualTo(decisions(b));
  }

  private static void act(
      TrackerHarness h, SplittableRandom rnd, List<WorkItem> pending, int runs) {
    h.clock.advance(Duration.ofSeconds(1 + rnd.nextInt(90)));
    int what = rnd.nextInt(20);
    if (what < 5) {
      pending.addAll(h.tick());
    } else if (what < 14 && !pending.isEmpty()) {
      WorkItem item = pending.remove(rnd.nextInt(pending.size()));
      if (item.kind() != WorkItem.Kind.SUBMIT) {
        return;
      }
      h.status(item, JobPhase.SUBMITTED);
      if (rnd.nextInt(4) == 0) {
        pending.add(item); // still running: a later step may finish it again (a duplicate)
        return;
      }
      h.status(item, JobPhase.RUNNING);
      Instant start = h.clock.instant();
      h.clock.advance(Duration.ofSeconds(1 + rnd.nextInt(600)));
      int end = rnd.nextInt(10);
      if (end < 6) {
        h.status(item, JobPhase.SUCCEEDED, null, start, h.clock.instant());
      } else if (end < 8) {
        h.status(item, JobPhase.FAILED, FailureClass.INFRA, start, h.clock.instant());
      } else {
        h.status(item, JobPhase.FAILED, FailureClass.USER, start, h.clock.instant());
      }
    } else if (what == 15 && runs > 0) {
      h.command(
          new RunCommand.RerunFailed(
              Schema.VERSION,
              UUID.randomUUID().toString(),
              "run-" + (1 + rnd.nextInt(runs)),
              "tester",
              "fixed",
              h.clock.instant()));
    } else if (what == 16 && runs > 1 && rnd.nextInt(3) == 0) {
      h.command(
          new RunCommand.CancelRun(
              Schema.VERSION,
              UUID.randomUUID().toString(),
              "run-" + runs,
              "tester",
              "enough",
              h.clock.instant()));
    } else if (what == 17) {
      h.command(
          new RunCommand.SetNodeCap(
              Schema.VERSION,
              UUID.randomUUID().toString(),
              null,
              rnd.nextBoolean() ? "cpu" : "local",
              1 + rnd.nextInt(6),
              "tester",
              "capacity",
              h.clock.instant()));
    } else {
      pending.addAll(h.tick());
    }
  }

  private static void startRun(TrackerHarness h, SplittableRandom rnd, int n) {
    int partitions = 3 + rnd.nextInt(10);
    if (n % 2 == 1) {
      h.start(
          "run-" + n,
          DeadlineAwareTrackerTest.definition(
              1 + rnd.nextInt(4), rnd.nextBoolean() ? "PT1H" : null),
          partitions);
    } else {
      h.start(
          "run-" + n,
          TrackerHarness.definition(1 + rnd.nextInt(4), TrackerHarness.retry(3)),
          partitions);
    }
  }

  private static Tracker tracker(Instant now) {
    return Tracker.builder()
        .clock(new MutableClock(now))
        .admission(Admission.concurrencyCap())
        .random(new SplittableRandom(7))
        .topics(TrackerHarness.TOPICS)
        .snapshotInterval(Duration.ZERO)
        .nodeCaps(NodeCapConfig.of(4))
        .silenceTimeout(Duration.ofDays(365))
        .finishedRuns(id -> Optional.empty())
        .build();
  }

  private static List<StateSnapshot> throughJson(List<StateSnapshot> snapshots) {
    List<StateSnapshot> out = new ArrayList<>();
    for (StateSnapshot s : snapshots) {
      out.add(Json.read(Json.toBytes(s), StateSnapshot.class));
    }
    return out;
  }

  private static String keyOf(StateSnapshot s) {
    if (s instanceof StateSnapshot.Run r) {
      return StateSnapshot.runKey(r.runId());
    } else if (s instanceof StateSnapshot.Schedule sc) {
      return StateSnapshot.scheduleKey(sc.applied().planName());
    } else if (s instanceof StateSnapshot.Durations d) {
      return StateSnapshot.durationsKey(d.planName());
    }
    return StateSnapshot.CHECKPOINT_KEY;
  }

  private static List<JsonNode> tree(List<StateSnapshot> snapshots) {
    return snapshots.stream()
        .map(s -> Json.mapper().valueToTree(s))
        .map(n -> (JsonNode) n)
        .toList();
  }

  /** The work items and run events of a round, as JSON trees (state records left out). */
  private static List<JsonNode> decisions(Outbox out) {
    List<JsonNode> d = new ArrayList<>();
    for (Outbox.Entry e : out.entries()) {
      if (e.value() instanceof WorkItem || e.value() instanceof RunEvent) {
        d.add(Json.mapper().valueToTree(e.value()));
      }
    }
    return d;
  }
}
