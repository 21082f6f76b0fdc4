package io.partitrain.shared.plan;

/**
 * One broken rule in a plan or job file.
 *
 * @param file the file, as the user named it
 * @param field the field path ({@code partitions.file}, {@code limits.timeout}, row 17 of a CSV)
 * @param value the offending value, or null when the field is missing
 * @param rule what the value must be
 */
public record PlanViolation(String file, String field, String value, String rule) {

  @Override
  public String toString() {
    String shown = value == null ? "(missing)" : "'" + abbreviate(value) + "'";
    return file + ": " + field + " = " + shown + ": " + rule;
  }

  private static String abbreviate(String s) {
    String oneLine = s.replace("\n", "\\n");
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
  }
}
