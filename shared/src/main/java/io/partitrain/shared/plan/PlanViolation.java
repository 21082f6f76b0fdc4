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

  /** The field of a violation about the file as a whole (it cannot be read, it is not YAML). */
  public static final String FILE_FIELD = "(file)";

  /** A violation about the whole file, shown as {@code file: rule}. */
  public static PlanViolation ofFile(String file, String rule) {
    return new PlanViolation(file, FILE_FIELD, null, rule);
  }

  /** A violation at a place in the file, shown as {@code file:line:column: rule}. */
  public static PlanViolation at(String file, int line, int column, String rule) {
    return new PlanViolation(file + ":" + line + ":" + column, FILE_FIELD, null, rule);
  }

  @Override
  public String toString() {
    if (FILE_FIELD.equals(field) && value == null) {
      return file + ": " + rule;
    }
    String shown = value == null ? "(missing)" : "'" + abbreviate(value) + "'";
    return file + ": " + field + " = " + shown + ": " + rule;
  }

  private static String abbreviate(String s) {
    String oneLine = s.replace("\n", "\\n");
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
  }
}
