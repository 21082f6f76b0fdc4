package io.partitrain.orchestrator.admission;

import java.util.Map;
import java.util.TreeMap;

/**
 * Node caps per compute target, as configured at start-up: a default for every target and overrides
 * per target name. Operators change a cap at run time with {@code partitrain cap set}; that change
 * is an event and outlives this configuration (see {@link NodeCap}).
 *
 * <p>Environment: {@value #DEFAULT_ENV} (default {@link #UNLIMITED}: no cap) and {@value
 * #PER_TARGET_ENV} ({@code cpu-cluster=8,gpu-cluster=2}).
 *
 * @param defaultCap the cap of a target with no override, at least 0
 * @param perTarget caps by compute target name (without {@code azureml:}), each at least 0
 */
public record NodeCapConfig(int defaultCap, Map<String, Integer> perTarget) {

  public static final int UNLIMITED = Integer.MAX_VALUE;
  public static final String DEFAULT_ENV = "PARTITRAIN_NODE_CAP_DEFAULT";
  public static final String PER_TARGET_ENV = "PARTITRAIN_NODE_CAPS";

  public NodeCapConfig {
    if (defaultCap < 0) {
      throw new IllegalArgumentException(
          "node cap default must be at least 0, but was " + defaultCap);
    }
    perTarget = perTarget == null ? Map.of() : Map.copyOf(perTarget);
    perTarget.forEach(
        (t, n) -> {
          if (n == null || n < 0) {
            throw new IllegalArgumentException(
                "node cap of compute target '" + t + "' must be at least 0, but was " + n);
          }
        });
  }

  public static NodeCapConfig unlimited() {
    return new NodeCapConfig(UNLIMITED, Map.of());
  }

  /** One cap for every target. */
  public static NodeCapConfig of(int defaultCap) {
    return new NodeCapConfig(defaultCap, Map.of());
  }

  public NodeCapConfig with(String target, int cap) {
    Map<String, Integer> m = new TreeMap<>(perTarget);
    m.put(target, cap);
    return new NodeCapConfig(defaultCap, m);
  }

  public int capOf(String target) {
    return perTarget.getOrDefault(target, defaultCap);
  }

  /**
   * Parses the environment's form: a default (null or blank: unlimited) and {@code
   * target=n,target=n}.
   *
   * @throws IllegalArgumentException naming the variable, the value and the rule
   */
  public static NodeCapConfig parse(String defaultValue, String perTargetValue) {
    int d = UNLIMITED;
    if (defaultValue != null && !defaultValue.isBlank()) {
      d = parseCount(DEFAULT_ENV, defaultValue.trim());
    }
    Map<String, Integer> m = new TreeMap<>();
    if (perTargetValue != null && !perTargetValue.isBlank()) {
      for (String pair : perTargetValue.split(",")) {
        String[] kv = pair.trim().split("=", 2);
        if (kv.length != 2 || kv[0].isBlank()) {
          throw new IllegalArgumentException(
              PER_TARGET_ENV
                  + " entry '"
                  + pair
                  + "' must look like target=nodes (e.g. cpu-cluster=8,gpu-cluster=2)");
        }
        m.put(kv[0].trim(), parseCount(PER_TARGET_ENV, kv[1].trim()));
      }
    }
    return new NodeCapConfig(d, m);
  }

  private static int parseCount(String key, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException(
        key + " value '" + value + "' must be a whole number of at least 0");
  }
}
