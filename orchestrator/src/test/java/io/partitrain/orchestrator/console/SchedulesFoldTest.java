package io.partitrain.orchestrator.console;

import static io.partitrain.orchestrator.console.ConsoleEvents.T0;
import static io.partitrain.orchestrator.console.ConsoleEvents.runStarted;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.orchestrator.console.view.ScheduleView;
import io.partitrain.orchestrator.console.view.SchedulesFold;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.schedule.CronSchedule;
import io.partitrain.shared.schedule.FireTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Schedules outlive the runs topic's retention: the state topic's {@code schedule/PLAN} snapshot is
 * the base, the runs topic's events after it win, events it covers are not applied twice, and a
 * snapshot older than what was applied is ignored whatever order the two topics are read in.
 */
class SchedulesFoldTest {

  private static final String PLAN = "weekly-demand";
  private static final ScheduleSpec WEEKLY =
      new ScheduleSpec(
          "0 6 * * MON",
          "Europe/Amsterdam",
          ScheduleSpec.ConcurrencyPolicy.FORBID,
          Duration.ofHours(1),
          null);
  private static final ScheduleSpec DAILY =
      new ScheduleSpec("30 5 * * *", "Europe/Amsterdam", null, null, null);

  /** The first Monday 06:00 in Amsterdam after T0 - 7 days, and the second one. */
  private static final FireTime FIRST =
      CronSchedule.of(WEEKLY).nextAfter(T0.minus(Duration.ofDays(8))).orElseThrow();

  private static final FireTime SECOND =
      CronSchedule.of(WEEKLY).nextAfter(FIRST.at()).orElseThrow();

  private static RunEvent.ScheduleApplied applied(ScheduleSpec spec, String by, Instant at) {
    return new RunEvent.ScheduleApplied(
        Schema.VERSION,
        ScheduleSpec.key(PLAN),
        PLAN,
        spec,
        runStarted("x", 1, null).definition(),
        List.of(),
        "cmd-apply",
        by,
        at);
  }

  private static RunEvent.SchedulePauseChanged paused(boolean paused) {
    return new RunEvent.SchedulePauseChanged(
        Schema.VERSION, ScheduleSpec.key(PLAN), PLAN, paused, "cmd-p", "alice", "it", T0);
  }

  private static RunEvent.ScheduleFired fired(FireTime f) {
    return new RunEvent.ScheduleFired(Schema.VERSION, runIdOf(f), PLAN, f.at(), f.at());
  }

  private static RunEvent.ScheduleSkipped skipped(FireTime f) {
    return new RunEvent.ScheduleSkipped(
        Schema.VERSION,
        runIdOf(f),
        PLAN,
        f.at(),
        RunEvent.ScheduleSkipped.Reason.PAUSED,
        "paused",
        f.at());
  }

  private static String runIdOf(FireTime f) {
    return CronSchedule.of(WEEKLY).runId(PLAN, f);
  }

  /** The leader's snapshot: applied by bob at T0 - 10 days, paused, first fire decided. */
  private static StateSnapshot.Schedule snapshot(boolean paused, Instant cursor, String lastRun) {
    return new StateSnapshot.Schedule(
        Schema.VERSION,
        applied(WEEKLY, "bob", T0.minus(Duration.ofDays(10))),
        paused,
        cursor,
        lastRun,
        T0);
  }

  private static ScheduleView only(SchedulesFold fold) {
    assertThat(fold.views()).hasSize(1);
    return fold.views().get(0);
  }

  @Test
  void aScheduleWhoseEventsAgedOutIsListedFromItsSnapshot() {
    SchedulesFold fold = new SchedulesFold();
    fold.apply(snapshot(true, FIRST.at(), runIdOf(FIRST)), Map.of(0, 100L));

    ScheduleView v = only(fold);
    assertThat(v.planName()).isEqualTo(PLAN);
    assertThat(v.cron()).isEqualTo("0 6 * * MON");
    assertThat(v.timeZone()).isEqualTo("Europe/Amsterdam");
    assertThat(v.concurrencyPolicy()).isEqualTo("FORBID");
    assertThat(v.paused()).isTrue();
    assertThat(v.appliedBy()).isEqualTo("bob");
    assertThat(v.lastRunId()).isEqualTo(runIdOf(FIRST));
    assertThat(v.lastFired()).isEqualTo(FIRST.at());
    assertThat(v.lastDecided()).isEqualTo(FIRST.at());
    assertThat(v.schedule()).isEqualTo(WEEKLY);
  }

  @Test
  void theSnapshotsCursorIsADecisionOnlyWhenItIsAFireTime() {
    SchedulesFold fold = new SchedulesFold();
    // Applied, nothing decided yet: the cursor is the time it was applied.
    fold.apply(snapshot(false, T0.minus(Duration.ofDays(10)), null), Map.of());
    assertThat(only(fold).lastDecided()).isNull();
    assertThat(only(fold).lastFired()).isNull();

    // A skipped fire time after the last run: decided, but the run fired earlier (unknown when).
    fold.apply(snapshot(true, SECOND.at(), runIdOf(FIRST)), Map.of());
    assertThat(only(fold).lastDecided()).isEqualTo(SECOND.at());
    assertThat(only(fold).lastFired()).isNull();
    assertThat(only(fold).lastRunId()).isEqualTo(runIdOf(FIRST));
  }

  @Test
  void eventsAfterTheSnapshotWinAndEventsItCoversAreNotAppliedTwice() {
    SchedulesFold fold = new SchedulesFold();
    fold.apply(snapshot(true, FIRST.at(), runIdOf(FIRST)), Map.of(0, 100L, 1, 40L));
    // Still on the runs topic, below the covered offsets: an older application (daily), a resume.
    fold.apply(applied(DAILY, "carol", T0.minus(Duration.ofDays(20))), 0, 10);
    fold.apply(paused(false), 0, 50);
    assertThat(only(fold).cron()).isEqualTo("0 6 * * MON");
    assertThat(only(fold).paused()).isTrue();

    // After the snapshot: a resume and the next fire (its record on another partition).
    fold.apply(paused(false), 0, 100);
    fold.apply(fired(SECOND), 1, 41);
    ScheduleView v = only(fold);
    assertThat(v.paused()).isFalse();
    assertThat(v.lastRunId()).isEqualTo(runIdOf(SECOND));
    assertThat(v.lastFired()).isEqualTo(SECOND.at());
    assertThat(v.appliedBy()).isEqualTo("bob");

    // A re-application after the snapshot replaces cron and author, keeping the rest.
    fold.apply(applied(DAILY, "carol", T0), 0, 101);
    assertThat(only(fold).cron()).isEqualTo("30 5 * * *");
    assertThat(only(fold).appliedBy()).isEqualTo("carol");
    assertThat(only(fold).lastRunId()).isEqualTo(runIdOf(SECOND));
  }

  @Test
  void aSnapshotOlderThanTheEventsAppliedIsIgnoredInWhateverOrderTheTopicsAreRead() {
    SchedulesFold fold = new SchedulesFold();
    fold.apply(applied(WEEKLY, "bob", T0.minus(Duration.ofDays(10))), 0, 5);
    fold.apply(fired(FIRST), 0, 6);
    fold.apply(paused(true), 0, 9);
    // The snapshot written with the fire (covering up to offset 7) arrives after the pause.
    fold.apply(snapshot(false, FIRST.at(), runIdOf(FIRST)), Map.of(0, 7L));
    assertThat(only(fold).paused()).isTrue();

    // The next snapshot covers the pause: it replaces what the events built, the same schedule.
    fold.apply(snapshot(true, FIRST.at(), runIdOf(FIRST)), Map.of(0, 10L));
    assertThat(only(fold).paused()).isTrue();
    assertThat(only(fold).lastRunId()).isEqualTo(runIdOf(FIRST));
  }

  @Test
  void aTombstoneRemovesAScheduleKnownOnlyFromItsSnapshot() {
    SchedulesFold fold = new SchedulesFold();
    fold.apply(snapshot(true, FIRST.at(), runIdOf(FIRST)), Map.of(0, 100L));
    fold.forget(PLAN);
    assertThat(fold.views()).isEmpty();
    // A later fire of a schedule nobody holds anymore does not bring it back.
    fold.apply(fired(SECOND), 0, 120);
    assertThat(fold.views()).isEmpty();

    // Its events still on the runs topic keep it.
    SchedulesFold kept = new SchedulesFold();
    kept.apply(snapshot(true, FIRST.at(), runIdOf(FIRST)), Map.of(0, 100L));
    kept.apply(applied(WEEKLY, "bob", T0), 0, 100);
    kept.forget(PLAN);
    assertThat(kept.views()).hasSize(1);
  }

  @Test
  void theConsolesFoldListsTheScheduleFromItsSnapshotAndFollowsItsFires() {
    RunsFold fold = new RunsFold();
    fold.apply(snapshot(true, FIRST.at(), runIdOf(FIRST)), Map.of(0, 100L));
    fold.apply(paused(false), 0, 100);
    // The fire names the run it starts: the schedule's snapshot decides whether it is covered.
    fold.apply(fired(SECOND), 0, 101);
    List<ScheduleView> views = fold.snapshot(T0).schedules();
    assertThat(views).hasSize(1);
    assertThat(views.get(0).paused()).isFalse();
    assertThat(views.get(0).lastRunId()).isEqualTo(runIdOf(SECOND));
    fold.forgetSchedule(PLAN);
    assertThat(fold.snapshot(T0).schedules()).hasSize(1);
  }
}
