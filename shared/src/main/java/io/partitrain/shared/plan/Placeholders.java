package io.partitrain.shared.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
    for (int at = text.indexOf(OPEN); at >= 0; ) {
      int close = closeOf(text, at);
      if (close < 0) {
        at = text.indexOf(OPEN, at + 1);
        continue;
      }
      found.add(strip(text, at + OPEN.length(), close));
      at = text.indexOf(OPEN, close + CLOSE.length());
    }
    return found;
  }

  /**
   * Replaces each expression for which {@code resolver} returns a value; leaves the others as they
   * are.
   *
   * <p>A scan, not {@link #EXPRESSION}: it finds what the pattern finds (an equivalence test checks
   * them against each other), but the pattern ran for every field of every job an orchestrator
   * renders, a tenth of its time in a profile at 60,000 partitions.
   */
  public static String substitute(String text, Function<String, String> resolver) {
    int at = text.indexOf(OPEN);
    if (at < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    int copied = 0;
    while (at >= 0) {
      int close = closeOf(text, at);
      if (close < 0) {
        at = text.indexOf(OPEN, at + 1);
        continue;
      }
      int end = close + CLOSE.length();
      String value = resolver.apply(strip(text, at + OPEN.length(), close));
      if (value != null) {
        out.append(text, copied, at).append(value);
        copied = end;
      }
      at = text.indexOf(OPEN, end);
    }
    return copied == 0 ? text : out.append(text, copied, text.length()).toString();
  }

  private static final String OPEN = "${{";
  private static final String CLOSE = "}}";

  /**
   * Whether {@code text} opens a placeholder anywhere: a text that does not renders as it is, and
   * {@link #substitute} returns it unchanged.
   */
  static boolean opensAny(String text) {
    return text.contains(OPEN);
  }

  /**
   * Where the expression opened at {@code open} closes: the first {@code '}'} after the opening
   * must start {@code "}}"} (an expression holds no {@code '}'}); -1 when it does not.
   */
  private static int closeOf(String text, int open) {
    int brace = text.indexOf('}', open + OPEN.length());
    return brace >= 0 && text.startsWith(CLOSE, brace) ? brace : -1;
  }

  /** {@code text[from, to)} without the whitespace (the pattern's {@code \s}) at either end. */
  private static String strip(String text, int from, int to) {
    while (from < to && isSpace(text.charAt(from))) {
      from++;
    }
    while (to > from && isSpace(text.charAt(to - 1))) {
      to--;
    }
    return text.substring(from, to);
  }

  /** A regular expression's {@code \s}: space, tab, line feed, vertical tab, form feed, return. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
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
