package io.partitrain.shared.contracts;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a run must be done: a plan's {@code deadline}. It is resolved against the run's start, so a
 * weekly schedule's deadline moves with each run.
 *
 * <pre>
 * deadline: MON 06:00                      # weekday and local time: the first such moment after
 *                                          #   the run starts, in the schedule's time zone
 * deadline: {at: "MON 06:00", timeZone: Europe/Amsterdam}   # the same, for a plan without schedule
 * deadline: PT20H                          # within this long of the run's start
 * deadline: 2026-12-01T06:00:00+01:00      # an instant: one-off plans only
 * deadline: {at: "2026-12-01T06:00", timeZone: Europe/Amsterdam}   # a local time in a zone
 * </pre>
 *
 * @param at the deadline as written
 * @param timeZone the IANA zone of a weekday or local-time deadline; null for the other forms
 */
public record RunDeadline(String at, String timeZone) {

  /** The forms {@link #at} may take, for error messages. */
  public static final String FORMS =
      "a weekday and time such as MON 06:00, a duration such as PT20H, or an instant such as"
          + " 2026-12-01T06:00:00+01:00";

  private static final Pattern WEEKDAY_TIME =
      Pattern.compile("^([A-Za-z]{3,9})\\s+(\\d{1,2}):(\\d{2})$");

  /** What kind of deadline {@link #at} is. */
  public enum Kind {
    /** A weekday and a local time ({@code MON 06:00}): needs a time zone. */
    WEEKDAY_TIME,
    /** A duration from the run's start ({@code PT20H}). */
    DURATION,
    /** A point in time with an offset ({@code 2026-12-01T06:00:00Z}). */
    INSTANT,
    /** A local date and time ({@code 2026-12-01T06:00}): needs a time zone. */
    LOCAL_DATE_TIME;

    /** Whether this form means the same thing for every run of a schedule. */
    public boolean recurs() {
      return this == WEEKDAY_TIME || this == DURATION;
    }

    /** Whether this form is read in a time zone. */
    public boolean needsZone() {
      return this == WEEKDAY_TIME || this == LOCAL_DATE_TIME;
    }
  }

  public RunDeadline {
    Objects.requireNonNull(at, "at");
    Kind kind = kindOf(at);
    if (kind.needsZone()) {
      if (timeZone == null) {
        throw new IllegalArgumentException(
            "deadline '" + at + "' is a local time and needs a time zone (an IANA id)");
      }
      zone(timeZone);
    }
  }

  /**
   * The kind of a written deadline.
   *
   * @throws IllegalArgumentException naming the value and the forms it may take
   */
  public static Kind kindOf(String at) {
    String s = at.trim();
    Matcher m = WEEKDAY_TIME.matcher(s);
    if (m.matches()) {
      dayOf(m.group(1), at);
      timeOf(m, at);
      return Kind.WEEKDAY_TIME;
    }
    if (s.startsWith("P") || s.startsWith("p")) {
      Duration d;
      try {
        d = Duration.parse(s);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "deadline '" + at + "' is not an ISO-8601 duration such as PT20H");
      }
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(
            "deadline '" + at + "' must be a duration greater than 0");
      }
      return Kind.DURATION;
    }
    try {
      OffsetDateTime.parse(s);
      return Kind.INSTANT;
    } catch (DateTimeParseException notOffset) {
      // a zoned one ends in [Zone]; the offset form is the canonical instant
    }
    try {
      ZonedDateTime.parse(s);
      return Kind.INSTANT;
    } catch (DateTimeParseException notZoned) {
      // fall through
    }
    try {
      LocalDateTime.parse(s);
      return Kind.LOCAL_DATE_TIME;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("deadline '" + at + "' must be " + FORMS);
    }
  }

  public Kind kind() {
    return kindOf(at);
  }

  /** When a run that started at {@code startedAt} must be done. */
  public Instant resolve(Instant startedAt) {
    String s = at.trim();
    return switch (kind()) {
      case DURATION -> startedAt.plus(Duration.parse(s));
      case INSTANT -> {
        try {
          yield OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
          yield ZonedDateTime.parse(s).toInstant();
        }
      }
      case LOCAL_DATE_TIME -> LocalDateTime.parse(s).atZone(zone(timeZone)).toInstant();
      case WEEKDAY_TIME -> nextWeekdayTime(s, startedAt);
    };
  }

  /** The first moment strictly after the start that is that weekday and local time. */
  private Instant nextWeekdayTime(String s, Instant startedAt) {
    Matcher m = WEEKDAY_TIME.matcher(s);
    m.matches();
    DayOfWeek day = dayOf(m.group(1), at);
    LocalTime time = timeOf(m, at);
    ZonedDateTime start = startedAt.atZone(zone(timeZone));
    ZonedDateTime candidate =
        ZonedDateTime.of(
            start.toLocalDate().with(TemporalAdjusters.nextOrSame(day)), time, start.getZone());
    if (!candidate.toInstant().isAfter(startedAt)) {
      candidate = ZonedDateTime.of(candidate.toLocalDate().plusWeeks(1), time, candidate.getZone());
    }
    return candidate.toInstant();
  }

  private static DayOfWeek dayOf(String word, String at) {
    String w = word.toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().equals(w) || d.name().substring(0, 3).equals(w)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "deadline '" + at + "' names no weekday: '" + word + "' must be MON, TUE, ... SUN");
  }

  private static LocalTime timeOf(Matcher m, String at) {
    try {
      return LocalTime.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "deadline '" + at + "' has no valid time of day: HH:MM from 00:00 to 23:59");
    }
  }

  private static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "time zone '" + id + "' is not an IANA zone id such as Europe/Amsterdam");
    }
  }
}
