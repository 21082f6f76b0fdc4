package io.partitrain.shared.contracts;

import java.util.regex.Pattern;

/**
 * The one rule for partition ids. They reach file names, job names and command lines, so only a
 * conservative character set is allowed; anything else is refused before it goes further.
 */
public final class PartitionIds {

  /** The rule, as users see it in error messages. */
  public static final String RULE = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";

  private static final Pattern PATTERN = Pattern.compile(RULE);

  private PartitionIds() {}

  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }

  /**
   * @throws IllegalArgumentException naming the value and the rule
   */
  public static String requireValid(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException("partition id '" + id + "' does not match " + RULE);
    }
    return id;
  }
}
