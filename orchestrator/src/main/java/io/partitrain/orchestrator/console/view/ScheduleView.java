package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.ScheduleSpec;
import java.time.Instant;

/**
 * A schedule as last applied, paused, fired or skipped.
 *
 * @param concurrencyPolicy what a fire does while the previous run is active
 * @param lastFired the last fire time that started a run
 * @param lastRunId the run it started
 * @param lastDecided the last fire time decided either way (fired or skipped)
 * @param schedule the schedule as applied (its run id pattern names the runs it starts)
 */
public record ScheduleView(
    String planName,
    String cron,
    String timeZone,
    String concurrencyPolicy,
    boolean paused,
    String appliedBy,
    Instant lastFired,
    String lastRunId,
    Instant lastDecided,
    ScheduleSpec schedule) {

  ScheduleView withPaused(boolean p) {
    return new ScheduleView(
        planName,
        cron,
        timeZone,
        concurrencyPolicy,
        p,
        appliedBy,
        lastFired,
        lastRunId,
        lastDecided,
        schedule);
  }

  ScheduleView fired(Instant scheduledFor, String runId) {
    return new ScheduleView(
        planName,
        cron,
        timeZone,
        concurrencyPolicy,
        paused,
        appliedBy,
        scheduledFor,
        runId,
        later(lastDecided, scheduledFor),
        schedule);
  }

  ScheduleView skipped(Instant scheduledFor) {
    return new ScheduleView(
        planName,
        cron,
        timeZone,
        concurrencyPolicy,
        paused,
        appliedBy,
        lastFired,
        lastRunId,
        later(lastDecided, scheduledFor),
        schedule);
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }
}
