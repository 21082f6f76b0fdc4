package io.partitrain.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How every time and duration option is read, and what it says when it cannot read one. Times:
 * {@code 2026-03-20} (midnight UTC), {@code 2026-03-20T06:00} (UTC), {@code 2026-03-20T06:00Z} or
 * with an offset, or a span back from now ({@code 2h}, {@code 7d}, {@code PT30M}). Durations:
 * {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT10M}).
 */
public final class TimeArgs {

  /** The formats a time option takes, as its error message and help text say. */
  public static final String TIME_FORMATS =
      "2026-03-20, 2026-03-20T06:00 (UTC), 2026-03-20T06:00+01:00, or a span back from now: 2h, 7d,"
          + " PT30M";

  /** The formats a duration option takes. */
  public static final String DURATION_FORMATS = "90s, 10m, 2h, 1d, or ISO-8601 like PT10M";

  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private TimeArgs() {}

  /** Reads a duration; throws naming the formats. */
  public static Duration duration(String text) {
    String t = text.trim();
    Matcher m = SHORT.matcher(t.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'" + text + "' is not a duration; use " + DURATION_FORMATS);
    }
  }

  /** Reads a time; a span is taken back from {@code clock}'s now; throws naming the formats. */
  public static Instant time(String text, Clock clock) {
    String t = text.trim();
    try {
      if (t.length() == 10 && t.charAt(4) == '-') {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (t.contains("T") && Character.isDigit(t.charAt(0))) {
        if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
          return OffsetDateTime.parse(t).toInstant();
        }
        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
      }
    } catch (DateTimeParseException e) {
      throw new TypeConversionException("'" + text + "' is not a time; use " + TIME_FORMATS);
    }
    try {
      return clock.instant().minus(duration(t));
    } catch (TypeConversionException e) {
      throw new TypeConversionException("'" + text + "' is not a time; use " + TIME_FORMATS);
    }
  }

  /** picocli converter for {@link Instant} options. */
  public static final class TimeConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      return time(value, Clock.systemUTC());
    }
  }

  /** picocli converter for {@link Duration} options. */
  public static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return duration(value);
    }
  }
}
