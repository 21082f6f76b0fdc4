package io.partitrain.orchestrator.console.view;

import java.time.Instant;

/** A schedule as last applied, paused or fired. */
public record ScheduleView(
    String planName,
    String cron,
    String timeZone,
    boolean paused,
    String appliedBy,
    Instant lastFired,
    String lastRunId) {}
