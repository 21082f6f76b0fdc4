package io.partitrain.shared.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.RunIds;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.schedule.CronSchedule;
import io.partitrain.shared.schedule.FireTime;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and checks a plan's {@code schedule} section ({@link ScheduleSpec}). */
final class ScheduleReader {

  private static final Set<String> KEYS =
      Set.of("cron", "timeZone", "concurrencyPolicy", "startingDeadline", "runId");

  /** Fire times checked for distinct run ids: two years of a weekly schedule. */
  private static final int DISTINCT_CHECK = 104;

  private ScheduleReader() {}

  /** The schedule, or null when the plan has none or it is broken (then {@code v} says why). */
  static ScheduleSpec read(JsonNode s, String planName, String file, List<PlanViolation> v) {
    if (s.isMissingNode() || s.isNull()) {
      return null;
    }
    if (!s.isObject()) {
      v.add(
          new PlanViolation(
              file, "schedule", s.toString(), "must be a mapping with cron and timeZone"));
      return null;
    }
    int before = v.size();
    s.fieldNames()
        .forEachRemaining(
            k -> {
              if (!KEYS.contains(k)) {
                v.add(
                    new PlanViolation(
                        file,
                        "schedule." + k,
                        s.get(k).toString(),
                        KeyCheck.unknownRule(k, KEYS, "schedule key")));
              }
            });
    String cron = s.path("cron").asText(null);
    String zone = s.path("timeZone").asText(null);
    if (cron == null) {
      v.add(
          new PlanViolation(
              file, "schedule.cron", null, "is required: a 5-field cron such as \"0 6 * * MON\""));
    }
    if (zone == null) {
      v.add(
          new PlanViolation(
              file,
              "schedule.timeZone",
              null,
              "is required: an IANA zone id such as Europe/Amsterdam"));
    }
    ScheduleSpec.ConcurrencyPolicy policy = null;
    if (s.has("concurrencyPolicy")) {
      try {
        policy = ScheduleSpec.ConcurrencyPolicy.parse(s.get("concurrencyPolicy").asText());
      } catch (IllegalArgumentException e) {
        v.add(
            new PlanViolation(
                file,
                "schedule.concurrencyPolicy",
                s.get("concurrencyPolicy").asText(),
                "must be one of Forbid, Allow, Replace"));
      }
    }
    Duration deadline = null;
    if (s.has("startingDeadline")) {
      try {
        deadline = Duration.parse(s.get("startingDeadline").asText());
        if (deadline.isNegative() || deadline.isZero()) {
          v.add(
              new PlanViolation(
                  file,
                  "schedule.startingDeadline",
                  s.get("startingDeadline").asText(),
                  "must be greater than 0"));
        }
      } catch (DateTimeParseException e) {
        v.add(
            new PlanViolation(
                file,
                "schedule.startingDeadline",
                s.get("startingDeadline").asText(),
                "must be an ISO-8601 duration such as PT1H"));
      }
    }
    if (v.size() > before) {
      return null;
    }
    ScheduleSpec spec =
        new ScheduleSpec(cron, zone, policy, deadline, s.path("runId").asText(null));
    CronSchedule schedule;
    try {
      schedule = CronSchedule.of(spec);
    } catch (IllegalArgumentException e) {
      String field =
          e.getMessage().startsWith("schedule.timeZone")
              ? "schedule.timeZone"
              : e.getMessage().startsWith("schedule.runId") ? "schedule.runId" : "schedule.cron";
      v.add(
          new PlanViolation(
              file,
              field,
              field.endsWith("cron") ? cron : field.endsWith("Zone") ? zone : spec.runIdPattern(),
              e.getMessage()));
      return null;
    }
    checkRunIds(schedule, planName, file, v);
    return spec;
  }

  /** Every fire time must name a valid run id of its own, or a trigger would be refused. */
  private static void checkRunIds(
      CronSchedule schedule, String planName, String file, List<PlanViolation> v) {
    Map<String, FireTime> seen = new HashMap<>();
    for (FireTime f : schedule.next(Instant.parse("2026-01-01T00:00:00Z"), DISTINCT_CHECK)) {
      String id = schedule.runId(planName == null ? "plan" : planName, f);
      if (!RunIds.isValid(id)) {
        v.add(
            new PlanViolation(
                file,
                "schedule.runId",
                schedule.spec().runIdPattern(),
                "gives run id '" + id + "', which does not match " + RunIds.RULE));
        return;
      }
      FireTime other = seen.putIfAbsent(id, f);
      if (other != null) {
        v.add(
            new PlanViolation(
                file,
                "schedule.runId",
                schedule.spec().runIdPattern(),
                "gives the same run id '"
                    + id
                    + "' to two fire times ("
                    + other.nominal()
                    + " and "
                    + f.nominal()
                    + "), so the second would be refused; add {day}, {hour} or {minute}"));
        return;
      }
    }
  }
}
