package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.ScheduleSkipped.Reason;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.ScheduleSpec.ConcurrencyPolicy;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Schedules through the tracker with an injected clock. The harness starts on Monday 2026-11-23
 * 05:00 UTC (06:00 in Amsterdam); a schedule applied then fires first on 2026-11-30 (week 49).
 */
class ScheduleTrackingTest {

  private static final String PLAN = "plan";
  private static final Instant W49 = Instant.parse("2026-11-30T05:00:00Z");
  private static final Instant W50 = Instant.parse("2026-12-07T05:00:00Z");

  private final TrackerHarness h = new TrackerHarness();

  private void apply(TrackerHarness harness, ConcurrencyPolicy policy) {
    harness.command(
        new RunCommand.ApplySchedule(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            ScheduleSpec.key(PLAN),
            new ScheduleSpec(
                "0 6 * * MON", "Europe/Amsterdam", policy, Duration.ofMinutes(30), null),
            TrackerHarness.definition(2, retry(1)),
            List.of(
                new PartitionSpec("p1", java.util.Map.of()),
                new PartitionSpec("p2", java.util.Map.of())),
            "ops",
            harness.clock.instant()));
  }

  /** Moves the clock to {@code t} and runs one round; returns the round's work items. */
  private List<WorkItem> at(TrackerHarness harness, Instant t) {
    harness.clock.advance(Duration.between(harness.clock.instant(), t));
    List<WorkItem> w = harness.tick();
    harness.deliverScheduled();
    w = new java.util.ArrayList<>(w);
    w.addAll(harness.tick());
    return w;
  }

  private <T extends RunEvent> List<T> events(TrackerHarness harness, Class<T> type) {
    return harness.log.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void aFireTimeStartsOneRunNamedAfterItsWeekAndAReplayDoesNotFireItAgain() {
    apply(h, ConcurrencyPolicy.FORBID);
    assertThat(events(h, RunEvent.ScheduleApplied.class)).hasSize(1);
    assertThat(at(h, W49.minusSeconds(1))).isEmpty();
    assertThat(events(h, RunEvent.RunStarted.class)).isEmpty();

    List<WorkItem> work = at(h, W49.plusMillis(100));
    assertThat(events(h, RunEvent.ScheduleFired.class))
        .singleElement()
        .satisfies(f -> assertThat(f.scheduledFor()).isEqualTo(W49))
        .satisfies(f -> assertThat(f.runId()).isEqualTo("plan-2026-W49"));
    assertThat(events(h, RunEvent.RunStarted.class))
        .singleElement()
        .satisfies(s -> assertThat(s.runId()).isEqualTo("plan-2026-W49"))
        .satisfies(s -> assertThat(s.requestedBy()).isEqualTo("schedule:plan"));
    assertThat(work).extracting(WorkItem::partitionId).containsExactly("p1", "p2");
    at(h, W49.plusSeconds(5));
    assertThat(events(h, RunEvent.ScheduleFired.class)).hasSize(1);

    // A new leader replays the log and continues: W49 is decided, W50 is not.
    TrackerHarness standby = new TrackerHarness();
    h.log.forEach(standby.tracker::replay);
    at(standby, W49.plusSeconds(10));
    assertThat(standby.log).as("nothing re-fired after the replay").isEmpty();
    assertThat(standby.tracker.schedules().views())
        .singleElement()
        .satisfies(v -> assertThat(v.lastRunId()).isEqualTo("plan-2026-W49"))
        .satisfies(v -> assertThat(v.next().orElseThrow().at()).isEqualTo(W50));
  }

  @Test
  void forbidSkipsAFireTimeWhileThePreviousRunIsActiveAndRecordsWhy() {
    apply(h, ConcurrencyPolicy.FORBID);
    at(h, W49);
    at(h, W50);
    assertThat(events(h, RunEvent.RunStarted.class))
        .extracting(RunEvent::runId)
        .containsExactly("plan-2026-W49");
    assertThat(events(h, RunEvent.ScheduleSkipped.class))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.reason()).isEqualTo(Reason.PREVIOUS_RUN_ACTIVE);
              assertThat(s.runId()).isEqualTo("plan-2026-W50");
              assertThat(s.detail()).contains("plan-2026-W49");
            });
  }

  @Test
  void forbidStartsTheNextRunOnceThePreviousOneCompleted() {
    apply(h, ConcurrencyPolicy.FORBID);
    List<WorkItem> w = at(h, W49);
    w.forEach(item -> h.finish(item, JobPhase.SUCCEEDED, null));
    h.tick();
    assertThat(h.run("plan-2026-W49").isComplete()).isTrue();
    at(h, W50);
    assertThat(events(h, RunEvent.RunStarted.class))
        .extracting(RunEvent::runId)
        .containsExactly("plan-2026-W49", "plan-2026-W50");
  }

  @Test
  void allowStartsTheNewRunBesideTheActiveOne() {
    apply(h, ConcurrencyPolicy.ALLOW);
    at(h, W49);
    at(h, W50);
    assertThat(events(h, RunEvent.RunStarted.class))
        .extracting(RunEvent::runId)
        .containsExactly("plan-2026-W49", "plan-2026-W50");
    assertThat(events(h, RunEvent.CancelAccepted.class)).isEmpty();
    assertThat(h.run("plan-2026-W49").isCanceling()).isFalse();
  }

  @Test
  void replaceCancelsTheActiveRunThenStartsTheNewOne() {
    apply(h, ConcurrencyPolicy.REPLACE);
    at(h, W49);
    List<WorkItem> w50 = at(h, W50);
    assertThat(events(h, RunEvent.CancelAccepted.class))
        .singleElement()
        .satisfies(c -> assertThat(c.runId()).isEqualTo("plan-2026-W49"))
        .satisfies(c -> assertThat(c.reason()).contains("replaced by scheduled run plan-2026-W50"));
    assertThat(h.run("plan-2026-W49").isCanceling()).isTrue();
    assertThat(w50)
        .filteredOn(w -> w.kind() == WorkItem.Kind.CANCEL)
        .extracting(WorkItem::runId)
        .containsOnly("plan-2026-W49");
    assertThat(events(h, RunEvent.RunStarted.class))
        .extracting(RunEvent::runId)
        .containsExactly("plan-2026-W49", "plan-2026-W50");
  }

  @Test
  void aFireTimeFoundLaterThanTheStartingDeadlineIsRecordedAsMissedNotRunLate() {
    apply(h, ConcurrencyPolicy.FORBID);
    at(h, W49.plus(Duration.ofMinutes(31)));
    assertThat(events(h, RunEvent.RunStarted.class)).isEmpty();
    assertThat(events(h, RunEvent.ScheduleSkipped.class))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.reason()).isEqualTo(Reason.MISSED_DEADLINE);
              assertThat(s.scheduledFor()).isEqualTo(W49);
              assertThat(s.runId()).isEqualTo("plan-2026-W49");
            });
    // Within the deadline it still starts, late.
    at(h, W50.plus(Duration.ofMinutes(29)));
    assertThat(events(h, RunEvent.RunStarted.class))
        .extracting(RunEvent::runId)
        .containsExactly("plan-2026-W50");
  }

  @Test
  void aPausedScheduleSkipsItsFireTimesUntilResumedAndReplayKeepsItPaused() {
    apply(h, ConcurrencyPolicy.ALLOW);
    h.command(
        new RunCommand.SetSchedulePaused(
            Schema.VERSION,
            "c1",
            ScheduleSpec.key(PLAN),
            PLAN,
            true,
            "ops",
            "store migration",
            h.clock.instant()));
    at(h, W49);
    assertThat(events(h, RunEvent.ScheduleSkipped.class))
        .singleElement()
        .satisfies(s -> assertThat(s.reason()).isEqualTo(Reason.PAUSED));

    TrackerHarness standby = new TrackerHarness();
    h.log.forEach(standby.tracker::replay);
    assertThat(standby.tracker.schedules().views())
        .singleElement()
        .satisfies(v -> assertThat(v.paused()).isTrue());

    h.command(
        new RunCommand.SetSchedulePaused(
            Schema.VERSION,
            "c2",
            ScheduleSpec.key(PLAN),
            PLAN,
            false,
            "ops",
            "done",
            h.clock.instant()));
    at(h, W50);
    assertThat(events(h, RunEvent.SchedulePauseChanged.class))
        .extracting(RunEvent.SchedulePauseChanged::paused)
        .containsExactly(true, false);
    assertThat(events(h, RunEvent.RunStarted.class))
        .extracting(RunEvent::runId)
        .containsExactly("plan-2026-W50");
  }

  @Test
  void pausingAPlanWithoutAScheduleIsRejected() {
    h.command(
        new RunCommand.SetSchedulePaused(
            Schema.VERSION,
            "c1",
            ScheduleSpec.key("nope"),
            "nope",
            true,
            "ops",
            "x",
            h.clock.instant()));
    assertThat(events(h, RunEvent.CommandRejected.class))
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("no schedule for plan nope"));
  }

  @Test
  void twoInstancesFiringTheSameTimeCreateOneRun() {
    // Instance B decided nothing yet but its log already holds the run (instance A, or an
    // operator's `run start --run-id plan-2026-W49`): B's trigger meets the existing id.
    apply(h, ConcurrencyPolicy.ALLOW);
    TrackerHarness b = new TrackerHarness();
    h.log.forEach(b.tracker::replay);
    at(h, W49);
    h.log.stream().filter(e -> !(e instanceof RunEvent.ScheduleFired)).forEach(b.tracker::replay);
    at(b, W49.plusSeconds(1));
    assertThat(events(b, RunEvent.ScheduleFired.class)).hasSize(1);
    assertThat(events(b, RunEvent.RunStarted.class)).as("B started nothing").isEmpty();
    assertThat(events(b, RunEvent.CommandRejected.class))
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("run plan-2026-W49 exists already"));
    assertThat(b.tracker.runs()).extracting(RunState::runId).containsExactly("plan-2026-W49");
  }
}
