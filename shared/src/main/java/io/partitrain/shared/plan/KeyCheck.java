package io.partitrain.shared.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Refuses keys a section does not know, with the nearest known key as a suggestion: a misspelled
 * {@code backof:} would otherwise be ignored silently and the run would use the default backoff.
 */
public final class KeyCheck {

  /** Suggest a key only when it is this close (edits) to what was written. */
  static final int MAX_SUGGESTION_DISTANCE = 3;

  private KeyCheck() {}

  /**
   * Adds a violation for each key of {@code section} that is not in {@code known}.
   *
   * @param prefix the section's path with a trailing dot ({@code "retry."}), or "" for the top
   * @param what how the rule names the section's keys ({@code "retry key"})
   */
  public static void refuseUnknown(
      JsonNode section,
      Collection<String> known,
      String prefix,
      String what,
      String file,
      List<PlanViolation> v) {
    if (section == null || !section.isObject()) {
      return;
    }
    section
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!known.contains(k)) {
                v.add(
                    new PlanViolation(
                        file, prefix + k, section.get(k).toString(), unknownRule(k, known, what)));
              }
            });
  }

  /** "is not a retry key; did you mean 'backoff'? retry keys: [...]" */
  public static String unknownRule(String key, Collection<String> known, String what) {
    String suggestion = suggest(key, known);
    return "is not a "
        + what
        + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?")
        + " "
        + what
        + "s: "
        + new TreeSet<>(known);
  }

  /** The known key nearest to {@code key}, when it is near enough; else null. */
  public static String suggest(String key, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : new TreeSet<>(known)) {
      int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    int limit = Math.min(MAX_SUGGESTION_DISTANCE, Math.max(1, key.length() / 2));
    return bestDistance <= limit ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
