package io.partitrain.shared.config;

import io.partitrain.shared.PartitrainException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Typed reads of configuration from environment variables (how the services are configured in a
 * container). A bad value fails start-up with the key, the value and the rule.
 */
public final class Env {

  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  /** The variables whose names start with {@code prefix}, sorted by name. */
  public Map<String, String> startingWith(String prefix) {
    Map<String, String> out = new java.util.TreeMap<>();
    vars.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k, v);
          }
        });
    return out;
  }

  public String string(String key, String dflt) {
    String v = vars.get(key);
    return v == null || v.isBlank() ? dflt : v.strip();
  }

  public String required(String key, String what) {
    String v = string(key, null);
    if (v == null) {
      throw new PartitrainException(key + " is not set; it must name " + what);
    }
    return v;
  }

  public int integer(String key, int dflt, int min, int max) {
    String v = string(key, null);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new PartitrainException(
          key + "='" + v + "' must be a whole number from " + min + " to " + max);
    }
  }

  public double decimal(String key, double dflt, double min, double max) {
    String v = string(key, null);
    if (v == null) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(v);
      if (d < min || d > max) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new PartitrainException(
          key + "='" + v + "' must be a number from " + min + " to " + max);
    }
  }

  public Duration duration(String key, Duration dflt) {
    String v = string(key, null);
    if (v == null) {
      return dflt;
    }
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new PartitrainException(
          key + "='" + v + "' must be an ISO-8601 duration such as PT0.5S");
    }
  }
}
