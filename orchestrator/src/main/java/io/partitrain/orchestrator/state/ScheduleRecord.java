package io.partitrain.orchestrator.state;

import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.schedule.CronSchedule;
import java.time.Instant;

/**
 * One plan's schedule as the fold knows it: what was applied, whether it is paused, and up to which
 * fire time it has been decided. Written only by {@link OrchestratorState#apply}, so a new leader's
 * replay continues from the first undecided fire time.
 */
public final class ScheduleRecord {

  private RunEvent.ScheduleApplied applied;
  private CronSchedule cron;
  private boolean paused;

  /** The latest fire time decided (or the time the schedule was first applied). */
  private Instant cursor;

  private String lastRunId;

  ScheduleRecord() {}

  /** This schedule as a {@link StateSnapshot.Schedule}. */
  public StateSnapshot.Schedule snapshot(Instant now) {
    return new StateSnapshot.Schedule(Schema.VERSION, applied, paused, cursor, lastRunId, now);
  }

  /** The schedule a {@link #snapshot} describes. */
  static ScheduleRecord restore(StateSnapshot.Schedule s) {
    ScheduleRecord r = new ScheduleRecord();
    r.apply(s.applied());
    r.paused = s.paused();
    r.cursor = s.cursor();
    r.lastRunId = s.lastRunId();
    return r;
  }

  public String planName() {
    return applied.planName();
  }

  public ScheduleSpec spec() {
    return applied.schedule();
  }

  /** The event that applied the schedule: its plan definition and partitions. */
  public RunEvent.ScheduleApplied applied() {
    return applied;
  }

  public CronSchedule cron() {
    return cron;
  }

  public boolean paused() {
    return paused;
  }

  public Instant cursor() {
    return cursor;
  }

  public String lastRunId() {
    return lastRunId;
  }

  void apply(RunEvent.ScheduleApplied a) {
    applied = a;
    cron = CronSchedule.of(a.schedule());
    if (cursor == null) {
      cursor = a.at();
    }
  }

  void pause(boolean paused) {
    this.paused = paused;
  }

  void fired(RunEvent.ScheduleFired f) {
    advance(f.scheduledFor());
    lastRunId = f.runId();
  }

  void advance(Instant decided) {
    if (cursor == null || decided.isAfter(cursor)) {
      cursor = decided;
    }
  }
}
