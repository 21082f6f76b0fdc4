package io.partitrain.shared.schedule;

import java.time.Instant;
import java.time.LocalDateTime;

/**
 * One time a schedule fires.
 *
 * @param nominal the wall-clock time the cron names, in the schedule's zone (the run id is made
 *     from it)
 * @param at the instant it fires: the nominal time, or, when daylight saving skips that wall time,
 *     the first instant after the gap
 */
public record FireTime(LocalDateTime nominal, Instant at) {}
