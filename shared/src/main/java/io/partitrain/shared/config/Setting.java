package io.partitrain.shared.config;

import io.partitrain.shared.PartitrainException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One setting of a service, in the Kafka style: its key (the environment variable users set), a doc
 * string, a default, and the rule a value must follow. A service's config class declares one
 * constant per setting and lists them ({@code settings()}); the README's settings table is
 * generated from those lists, and a test keeps the two equal.
 *
 * <p>Every error names the environment variable, the value and the rule, so the message tells the
 * user what to change: {@code PARTITRAIN_SILENCE_TIMEOUT='PT0S' must be a duration greater than 0
 * (ISO-8601, e.g. PT30S)}.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {

  private static final String REQUIRED = "required";
  private static final String ANY_TEXT = "any text";

  private final String key;
  private final String doc;
  private final Supplier<T> defaultValue;
  private final String defaultText;
  private final Function<String, T> parser;
  private final Predicate<T> valid;
  private final String rule;
  private final boolean secret;

  private Setting(
      String key,
      String doc,
      Supplier<T> defaultValue,
      String defaultText,
      Function<String, T> parser,
      Predicate<T> valid,
      String rule) {
    this.secret = parser instanceof SecretText;
    this.key = key;
    this.doc = doc;
    this.defaultValue = defaultValue;
    this.defaultText = defaultText;
    this.parser = parser;
    this.valid = valid;
    this.rule = rule;
  }

  /** A duration greater than 0 (ISO-8601: {@code PT0.5S}, {@code PT30S}). */
  public static Setting<Duration> positiveDuration(String key, String doc, Duration dflt) {
    return duration(key, doc, dflt, Duration.ZERO, false);
  }

  /** A duration of at least {@code min}. */
  public static Setting<Duration> durationAtLeast(
      String key, String doc, Duration dflt, Duration min) {
    return duration(key, doc, dflt, min, true);
  }

  private static Setting<Duration> duration(
      String key, String doc, Duration dflt, Duration min, boolean inclusive) {
    String rule =
        (inclusive ? "a duration of at least " + min : "a duration greater than " + min)
            + " (ISO-8601, e.g. PT30S)";
    return new Setting<>(
        key,
        doc,
        () -> dflt,
        dflt == null ? "(none)" : dflt.toString(),
        Setting::parseDuration,
        d -> d != null && (inclusive ? d.compareTo(min) >= 0 : d.compareTo(min) > 0),
        rule);
  }

  /** A whole number from {@code min} to {@code max}. */
  public static Setting<Integer> integer(String key, String doc, int dflt, int min, int max) {
    return new Setting<>(
        key,
        doc,
        () -> dflt,
        Integer.toString(dflt),
        Integer::valueOf,
        n -> n != null && n >= min && n <= max,
        "a whole number from " + min + " to " + max);
  }

  /**
   * A whole number from {@code min} to {@code max}, or unset (null): for a feature that is off
   * unless set, such as a port. {@code unsetText} says what unset means in the settings table.
   */
  public static Setting<Integer> optionalInteger(
      String key, String doc, String unsetText, int min, int max) {
    return new Setting<>(
        key,
        doc,
        () -> null,
        unsetText,
        Integer::valueOf,
        n -> n != null && n >= min && n <= max,
        "a whole number from " + min + " to " + max);
  }

  /** A number from {@code min} to {@code max}. */
  public static Setting<Double> decimal(
      String key, String doc, double dflt, double min, double max) {
    return new Setting<>(
        key,
        doc,
        () -> dflt,
        Double.toString(dflt),
        Double::valueOf,
        d -> d != null && d >= min && d <= max,
        "a number from " + min + " to " + max);
  }

  /** Free text, with a default computed at start-up and described by {@code defaultText}. */
  public static Setting<String> text(
      String key, String doc, Supplier<String> dflt, String defaultText) {
    return new Setting<>(key, doc, dflt, defaultText, s -> s, s -> true, ANY_TEXT);
  }

  /** Free text with a fixed default (null: unset means "not used"). */
  public static Setting<String> text(String key, String doc, String dflt) {
    return text(key, doc, () -> dflt, dflt == null ? "(none)" : dflt);
  }

  /** Text that must be set. */
  public static Setting<String> required(String key, String doc) {
    return new Setting<>(key, doc, () -> null, "(required)", s -> s, s -> s != null, REQUIRED);
  }

  /**
   * A secret of at least {@code minLength} characters, or unset (null). Error messages never show
   * its value, only its length.
   */
  public static Setting<String> secret(String key, String doc, int minLength) {
    return new Setting<>(
        key,
        doc,
        () -> null,
        "(none)",
        new SecretText(),
        v -> v != null && v.length() >= minLength,
        "a secret of at least " + minLength + " characters");
  }

  /** The parser of a secret: the text as is; its type marks the setting as secret. */
  private static final class SecretText implements Function<String, String> {
    @Override
    public String apply(String raw) {
      return raw;
    }
  }

  /** One of the given words. */
  public static Setting<String> oneOf(String key, String doc, String dflt, String... values) {
    java.util.List<String> allowed = java.util.List.of(values);
    return new Setting<>(
        key,
        doc,
        () -> dflt,
        dflt,
        s -> s,
        allowed::contains,
        "one of " + String.join(", ", values));
  }

  public String key() {
    return key;
  }

  public String doc() {
    return doc;
  }

  /** The default as the settings table shows it. */
  public String defaultText() {
    return defaultText;
  }

  /** The rule a value must follow, as error messages state it. */
  public String rule() {
    return rule;
  }

  /** Whether any value is accepted (free text). */
  public boolean isFreeText() {
    return ANY_TEXT.equals(rule);
  }

  /**
   * The value {@code env} sets (blank counts as unset), else the default; checked against the rule.
   *
   * @throws PartitrainException naming the variable, the value and the rule
   */
  public T from(Env env) {
    String raw = env.string(key, null);
    if (raw == null) {
      T d = defaultValue.get();
      if (d == null && REQUIRED.equals(rule)) {
        throw new PartitrainException(key + " is not set; it must name " + doc);
      }
      return d;
    }
    String shown = secret ? "(a secret of " + raw.length() + " characters)" : "'" + raw + "'";
    T value;
    try {
      value = parser.apply(raw);
    } catch (RuntimeException e) {
      throw new PartitrainException(key + "=" + shown + " must be " + rule);
    }
    if (!valid.test(value)) {
      throw new PartitrainException(key + "=" + shown + " must be " + rule);
    }
    return value;
  }

  /**
   * Checks a value set in code (a builder, a test) against the same rule.
   *
   * @throws IllegalArgumentException naming the variable that sets it, the value and the rule
   */
  public T check(T value) {
    if (!valid.test(value)) {
      throw new IllegalArgumentException(
          key + " must be " + rule + ", but was " + (secret ? "another secret" : value));
    }
    return value;
  }

  private static Duration parseDuration(String s) {
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
