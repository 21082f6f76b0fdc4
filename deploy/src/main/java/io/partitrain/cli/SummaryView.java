package io.partitrain.cli;

import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Prints a {@link RunSummary} as tables for people. */
public final class SummaryView {

  private SummaryView() {}

  public static void print(RunSummary s, PrintWriter out) {
    print(s, out, null, null);
  }

  /**
   * @param tags the tags to break metrics down by; null for all
   * @param metrics the metrics to show; null for all
   */
  public static void print(RunSummary s, PrintWriter out, Set<String> tags, Set<String> metrics) {
    out.printf("Run %s (plan %s): %s%n", s.runId(), s.planName(), RunOutcome.of(s, false).name());
    printCounts(s, out, tags, metrics);
  }

  /** Everything below the run's header line: states, attempts, failed partitions, metrics. */
  public static void printCounts(RunSummary s, PrintWriter out, boolean failedList) {
    printCounts(s, out, null, null, failedList);
  }

  static void printCounts(RunSummary s, PrintWriter out, Set<String> tags, Set<String> metrics) {
    printCounts(s, out, tags, metrics, true);
  }

  private static void printCounts(
      RunSummary s, PrintWriter out, Set<String> tags, Set<String> metrics, boolean failedList) {
    out.println();
    out.printf("  %-18s %10s%n", "STATE", "PARTITIONS");
    stateCounts(s).forEach((label, n) -> out.printf("  %-18s %10d%n", label, n));
    out.printf("  %-18s %10d%n", "total", s.total());
    out.println();
    out.printf(
        "  attempts %d, jobs submitted %d%s, partitions retried automatically %d%n",
        s.attempts(),
        s.jobsSubmitted(),
        s.attemptsNotSubmitted() == 0
            ? ""
            : " (" + s.attemptsNotSubmitted() + " not submitted yet or refused before submission)",
        s.retried());
    if (s.rerunRequested() > 0) {
      out.printf(
          "  rerun: %d failed partitions requested, %d resubmitted%n",
          s.rerunRequested(), s.rerunResubmitted());
    }
    if (failedList && !s.failed().isEmpty()) {
      out.println();
      out.println("  Failed partitions:");
      out.printf("    %-16s %7s %-8s %-44s %s%n", "PARTITION", "ATTEMPT", "CLASS", "REASON", "LOG");
      for (RunSummary.FailedPartition f : s.failed()) {
        out.printf(
            "    %-16s %7d %-8s %-44s %s%n",
            f.partitionId(),
            f.attempt(),
            f.failureClass(),
            clip(f.message(), 44),
            f.logPath() == null ? "-" : f.logPath());
      }
    }
    for (var byTag : s.metricsByTag().entrySet()) {
      if (tags == null || tags.contains(byTag.getKey())) {
        out.println();
        out.printf("  Model metrics by %s (mean over succeeded partitions):%n", byTag.getKey());
        printMetrics(byTag.getKey(), byTag.getValue(), metrics, out);
      }
    }
  }

  private static void printMetrics(
      String tag,
      Map<String, Map<String, RunSummary.MetricStats>> byValue,
      Set<String> only,
      PrintWriter out) {
    var metricNames =
        byValue.values().stream()
            .flatMap(m -> m.keySet().stream())
            .distinct()
            .filter(m -> only == null || only.contains(m))
            .sorted()
            .toList();
    StringBuilder head =
        new StringBuilder(
            String.format(Locale.ROOT, "    %-14s %4s", tag.toUpperCase(Locale.ROOT), "N"));
    metricNames.forEach(
        m -> head.append(String.format(Locale.ROOT, " %10s", m.toUpperCase(Locale.ROOT))));
    out.println(head);
    byValue.forEach(
        (value, metrics) -> {
          int n = metrics.values().stream().mapToInt(RunSummary.MetricStats::count).max().orElse(0);
          StringBuilder row =
              new StringBuilder(String.format(Locale.ROOT, "    %-14s %4d", value, n));
          metricNames.forEach(
              m -> {
                RunSummary.MetricStats st = metrics.get(m);
                row.append(
                    String.format(Locale.ROOT, " %10s", st == null ? "-" : number(st.mean())));
              });
          out.println(row);
        });
  }

  /**
   * Partitions per state as people read them, in lifecycle order, states with none left out. A
   * FAILED partition whose next attempt is already scheduled shows as RETRY_PENDING, not FAILED:
   * the demo's failed count went 2, 4, 2 while two failures waited for their retry (issue 23).
   */
  public static Map<String, Integer> stateCounts(RunSummary s) {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    for (PartitionState state : PartitionState.values()) {
      int n = state == PartitionState.FAILED ? s.failedForGood() : s.count(state);
      if (n > 0) {
        counts.put(state.name(), n);
      }
      if (state == PartitionState.FAILED && s.retryPending() > 0) {
        counts.put(RETRY_PENDING, s.retryPending());
      }
    }
    return counts;
  }

  /** The label of FAILED partitions whose next attempt is scheduled. */
  public static final String RETRY_PENDING = "RETRY_PENDING";

  /** A metric: integers as integers ({@code 91}, not {@code 91.0000}), others to 4 decimals. */
  static String number(double x) {
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return String.valueOf((long) x);
    }
    return String.format(Locale.ROOT, "%.4f", x);
  }

  static String clip(String s, int width) {
    if (s == null) {
      return "-";
    }
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }
}
