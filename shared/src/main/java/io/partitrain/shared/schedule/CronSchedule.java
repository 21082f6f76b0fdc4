package io.partitrain.shared.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.partitrain.shared.contracts.ScheduleSpec;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A plan's cron in its time zone: the instants it fires at, and the run id each one creates.
 * Parsing is cron-utils' UNIX (5-field) definition.
 *
 * <p>Daylight saving: the cron is matched against wall-clock times in a frame without daylight
 * saving, and each matching wall time is then placed in the zone. A wall time that a spring-forward
 * gap skips fires at the first instant after the gap (02:30 becomes 03:30), so it is not lost; a
 * wall time that a fall-back overlap repeats fires once, at its first occurrence, so it is not
 * doubled. Two wall times that land on the same instant fire once.
 */
public final class CronSchedule {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final ScheduleSpec spec;
  private final ZoneId zone;
  private final ExecutionTime execution;
  private final RunIdPattern runIds;

  private CronSchedule(ScheduleSpec spec) {
    this.spec = spec;
    this.zone = ZoneId.of(spec.timeZone());
    Cron cron = PARSER.parse(spec.cron());
    cron.validate();
    this.execution = ExecutionTime.forCron(cron);
    this.runIds = RunIdPattern.of(spec.runIdPattern());
  }

  /**
   * @throws IllegalArgumentException naming the field and the rule, for a bad cron, zone or pattern
   */
  public static CronSchedule of(ScheduleSpec spec) {
    try {
      ZoneId.of(spec.timeZone());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "schedule.timeZone '"
              + spec.timeZone()
              + "' must be an IANA time zone id such as Europe/Amsterdam");
    }
    try {
      return new CronSchedule(spec);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("schedule.")) {
        throw e;
      }
      throw new IllegalArgumentException(
          "schedule.cron '"
              + spec.cron()
              + "' must be a standard 5-field cron (minute hour day-of-month month day-of-week): "
              + e.getMessage());
    }
  }

  public ScheduleSpec spec() {
    return spec;
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first fire time strictly after {@code after}; empty when the cron never fires again. */
  public Optional<FireTime> nextAfter(Instant after) {
    ZonedDateTime cursor = LocalDateTime.ofInstant(after, zone).atZone(ZoneOffset.UTC);
    // A wall time may map to an instant at or before `after` (an overlap's second pass, a gap
    // merging two wall times); those fired already, so look further.
    for (int guard = 0; guard < 10_000; guard++) {
      Optional<ZonedDateTime> next = execution.nextExecution(cursor);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      LocalDateTime wall = next.get().toLocalDateTime();
      Instant at = ZonedDateTime.ofLocal(wall, zone, null).toInstant();
      if (at.isAfter(after)) {
        return Optional.of(new FireTime(wall, at));
      }
      cursor = next.get();
    }
    return Optional.empty();
  }

  /** The next {@code count} fire times strictly after {@code after}. */
  public List<FireTime> next(Instant after, int count) {
    List<FireTime> out = new ArrayList<>();
    Instant cursor = after;
    while (out.size() < count) {
      Optional<FireTime> f = nextAfter(cursor);
      if (f.isEmpty()) {
        break;
      }
      out.add(f.get());
      cursor = f.get().at();
    }
    return out;
  }

  /** The run id the fire time creates for {@code planName}. */
  public String runId(String planName, FireTime fire) {
    return runIds.format(planName, fire.nominal());
  }
}
