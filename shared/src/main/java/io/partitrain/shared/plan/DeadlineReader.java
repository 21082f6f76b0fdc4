package io.partitrain.shared.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.RunDeadline;
import io.partitrain.shared.contracts.ScheduleSpec;
import java.util.List;
import java.util.Set;

/**
 * Reads and checks a plan's {@code deadline} ({@link RunDeadline}): a string, or a mapping {@code
 * {at, timeZone}}. A weekday or local time is read in {@code timeZone}, else in the schedule's
 * zone; a scheduled plan may only name a deadline that means the same for every run (a weekday and
 * time, or a duration).
 */
final class DeadlineReader {

  private static final Set<String> KEYS = Set.of("at", "timeZone");

  private DeadlineReader() {}

  /** The deadline, or null when the plan has none or it is broken (then {@code v} says why). */
  static RunDeadline read(JsonNode d, ScheduleSpec schedule, String file, List<PlanViolation> v) {
    if (d.isMissingNode() || d.isNull()) {
      return null;
    }
    String at;
    String zone = null;
    String field = "deadline";
    if (d.isObject()) {
      KeyCheck.refuseUnknown(d, KEYS, "deadline.", "deadline key", file, v);
      field = "deadline.at";
      at = d.path("at").isValueNode() ? d.path("at").asText() : null;
      zone = d.path("timeZone").isValueNode() ? d.path("timeZone").asText() : null;
      if (at == null) {
        v.add(new PlanViolation(file, field, null, "is required: " + RunDeadline.FORMS));
        return null;
      }
    } else if (d.isTextual()) {
      at = d.asText();
    } else {
      v.add(
          new PlanViolation(
              file, field, d.toString(), "must be " + RunDeadline.FORMS + ", or {at, timeZone}"));
      return null;
    }
    RunDeadline.Kind kind;
    try {
      kind = RunDeadline.kindOf(at);
    } catch (IllegalArgumentException e) {
      v.add(new PlanViolation(file, field, at, ruleOf(e, at)));
      return null;
    }
    if (schedule != null && !kind.recurs()) {
      v.add(
          new PlanViolation(
              file,
              field,
              at,
              "a scheduled plan starts a run at every fire time, so its deadline must hold for"
                  + " each: a weekday and time such as MON 06:00 (in schedule.timeZone) or a"
                  + " duration such as PT20H"));
      return null;
    }
    if (zone == null && kind.needsZone()) {
      zone = schedule == null ? null : schedule.timeZone();
      if (zone == null) {
        v.add(
            new PlanViolation(
                file,
                field,
                at,
                "is a local time and needs a time zone: write deadline: {at: \""
                    + at
                    + "\", timeZone: Europe/Amsterdam}, or give the plan a schedule"));
        return null;
      }
    }
    if (zone != null && !kind.needsZone()) {
      v.add(
          new PlanViolation(
              file,
              "deadline.timeZone",
              zone,
              "applies to a weekday or local time only; '" + at + "' is a " + describe(kind)));
      return null;
    }
    try {
      return new RunDeadline(at, zone);
    } catch (IllegalArgumentException e) {
      v.add(new PlanViolation(file, "deadline.timeZone", zone, e.getMessage()));
      return null;
    }
  }

  /** The rule part of a parse error ("deadline 'X' must be ..." → "must be ..."). */
  private static String ruleOf(IllegalArgumentException e, String at) {
    String prefix = "deadline '" + at + "' ";
    String m = e.getMessage();
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  private static String describe(RunDeadline.Kind kind) {
    return kind == RunDeadline.Kind.DURATION ? "duration" : "instant with its own offset";
  }
}
