package io.partitrain.shared.contracts;

import java.util.regex.Pattern;

/** The rule for run ids: they become part of job names, topic keys and folder names. */
public final class RunIds {

  public static final String RULE = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";

  private static final Pattern PATTERN = Pattern.compile(RULE);

  private RunIds() {}

  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }

  /**
   * @throws IllegalArgumentException naming the value and the rule
   */
  public static String requireValid(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException("run id '" + id + "' does not match " + RULE);
    }
    return id;
  }
}
