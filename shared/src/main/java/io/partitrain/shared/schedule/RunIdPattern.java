package io.partitrain.shared.schedule;

import java.time.LocalDateTime;
import java.time.temporal.IsoFields;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a run id from a plan name and a scheduled wall-clock time, so that the same trigger always
 * names the same run (and a repeated trigger is refused as a duplicate run id).
 *
 * <p>Tokens: {@code {plan}}, {@code {year}}, {@code {month}}, {@code {day}}, {@code {hour}}, {@code
 * {minute}} (zero-padded), {@code {weekYear}} and {@code {week}} (ISO-8601 week-based year and
 * week, as in {@code 2026-W48}). Anything else is copied.
 */
public final class RunIdPattern {

  private static final Pattern TOKEN = Pattern.compile("\\{([A-Za-z]+)}");
  private static final Map<String, Function<LocalDateTime, String>> TOKENS =
      Map.of(
          "year", t -> String.format("%04d", t.getYear()),
          "month", t -> String.format("%02d", t.getMonthValue()),
          "day", t -> String.format("%02d", t.getDayOfMonth()),
          "hour", t -> String.format("%02d", t.getHour()),
          "minute", t -> String.format("%02d", t.getMinute()),
          "weekYear", t -> String.format("%04d", t.get(IsoFields.WEEK_BASED_YEAR)),
          "week", t -> String.format("%02d", t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));

  private final String pattern;

  private RunIdPattern(String pattern) {
    this.pattern = pattern;
  }

  /**
   * @throws IllegalArgumentException for an unknown token
   */
  public static RunIdPattern of(String pattern) {
    Matcher m = TOKEN.matcher(pattern);
    while (m.find()) {
      if (!m.group(1).equals("plan") && !TOKENS.containsKey(m.group(1))) {
        throw new IllegalArgumentException(
            "schedule.runId '"
                + pattern
                + "' uses unknown token {"
                + m.group(1)
                + "}; tokens: {plan} {year} {month} {day} {hour} {minute} {weekYear} {week}");
      }
    }
    return new RunIdPattern(pattern);
  }

  public String format(String planName, LocalDateTime nominal) {
    Matcher m = TOKEN.matcher(pattern);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      m.appendReplacement(
          out,
          Matcher.quoteReplacement(
              name.equals("plan") ? planName : TOKENS.get(name).apply(nominal)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
