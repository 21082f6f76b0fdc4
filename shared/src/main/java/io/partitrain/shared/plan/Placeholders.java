package io.partitrain.shared.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${{...}}} expressions of job.yml. Partitrain substitutes {@code ${{partition.id}}},
 * {@code ${{partition.tags.NAME}}} and {@code ${{run.id}}}; backends substitute {@code
 * ${{inputs.NAME}}} and {@code ${{outputs.NAME}}} (Azure ML does it in the service).
 */
public final class Placeholders {

  /** Matches {@code ${{ expression }}}; group 1 is the trimmed expression. */
  public static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([^}]*?)\\s*}}");

  public static final String PARTITION_ID = "partition.id";
  public static final String PARTITION_TAG_PREFIX = "partition.tags.";
  public static final String RUN_ID = "run.id";
  public static final String INPUT_PREFIX = "inputs.";
  public static final String OUTPUT_PREFIX = "outputs.";

  private Placeholders() {}

  /** Every expression in {@code text}, in order. */
  public static List<String> expressions(String text) {
    List<String> found = new ArrayList<>();
    if (!mayHaveExpressions(text)) {
      return found;
    }
    Matcher m = EXPRESSION.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /**
   * Replaces each expression for which {@code resolver} returns a value; leaves the others as they
   * are.
   */
  public static String substitute(String text, Function<String, String> resolver) {
    if (!mayHaveExpressions(text)) {
      return text;
    }
    Matcher m = EXPRESSION.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String value = resolver.apply(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * False when {@code text} cannot hold an expression: most fields of a job have none, and the
   * regular expression ran over each of them for every partition (a tenth of the orchestrator's
   * time at a run's start in a profile of 20,000 partitions).
   */
  private static boolean mayHaveExpressions(String text) {
    return text.indexOf("${{") >= 0;
  }

  /** The resolver for the partition placeholders; null for anything else. */
  public static Function<String, String> partitionResolver(
      String runId, String partitionId, Map<String, String> tags) {
    return expression -> {
      if (expression.equals(PARTITION_ID)) {
        return partitionId;
      }
      if (expression.equals(RUN_ID)) {
        return runId;
      }
      if (expression.startsWith(PARTITION_TAG_PREFIX)) {
        return tags.get(expression.substring(PARTITION_TAG_PREFIX.length()));
      }
      return null;
    };
  }
}
