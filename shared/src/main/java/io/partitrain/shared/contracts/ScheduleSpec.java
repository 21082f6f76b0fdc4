package io.partitrain.shared.contracts;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code schedule} section of a plan: when the plan runs by itself.
 *
 * <pre>
 * schedule:
 *   cron: "0 6 * * MON"              # standard 5-field cron, required
 *   timeZone: Europe/Amsterdam       # an IANA zone id, required
 *   concurrencyPolicy: Forbid        # Forbid (default) | Allow | Replace
 *   startingDeadline: PT1H           # a trigger found later than this is missed, not run late
 *   runId: "{plan}-{weekYear}-W{week}"   # the run id pattern (see RunIdPattern)
 * </pre>
 *
 * @param cron the cron expression, in the plan's time zone
 * @param timeZone the zone the cron is read in; daylight saving follows it
 * @param concurrencyPolicy what a trigger does while an earlier run of the plan is active
 * @param startingDeadline how late a trigger may still start its run (default {@link
 *     #DEFAULT_STARTING_DEADLINE})
 * @param runIdPattern how the run id is made from the plan name and the scheduled time (default
 *     {@link #DEFAULT_RUN_ID_PATTERN})
 */
public record ScheduleSpec(
    String cron,
    String timeZone,
    ConcurrencyPolicy concurrencyPolicy,
    Duration startingDeadline,
    String runIdPattern) {

  public static final Duration DEFAULT_STARTING_DEADLINE = Duration.ofHours(1);
  public static final String DEFAULT_RUN_ID_PATTERN = "{plan}-{weekYear}-W{week}";
  public static final ConcurrencyPolicy DEFAULT_CONCURRENCY_POLICY = ConcurrencyPolicy.FORBID;

  public ScheduleSpec {
    Objects.requireNonNull(cron, "cron");
    Objects.requireNonNull(timeZone, "timeZone");
    concurrencyPolicy = concurrencyPolicy == null ? DEFAULT_CONCURRENCY_POLICY : concurrencyPolicy;
    startingDeadline = startingDeadline == null ? DEFAULT_STARTING_DEADLINE : startingDeadline;
    runIdPattern = runIdPattern == null ? DEFAULT_RUN_ID_PATTERN : runIdPattern;
  }

  /**
   * The key of a plan's schedule on the runs topic (and the {@code runId} field of schedule
   * commands and events). It contains a colon, which no run id may, so it never names a run.
   */
  public static String key(String planName) {
    return "schedule:" + planName;
  }

  /** What a trigger does while an earlier run of the same plan is still active. */
  public enum ConcurrencyPolicy {
    /** Skip the trigger (recorded as a skipped-schedule event). */
    FORBID,
    /** Start the new run beside the active one. */
    ALLOW,
    /** Cancel the active run, then start the new one. */
    REPLACE;

    /** Reads {@code Forbid|Allow|Replace} (any case). */
    public static ConcurrencyPolicy parse(String s) {
      for (ConcurrencyPolicy p : values()) {
        if (p.name().equalsIgnoreCase(s)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "concurrencyPolicy '" + s + "' must be one of Forbid, Allow, Replace");
    }
  }
}
