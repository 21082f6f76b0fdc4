package io.partitrain.cli.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What {@code bench cli} measured: for each history size, each command's wall times as a child
 * process, directly and through {@code --server}, and the console API's time for its request.
 *
 * @param command how the CLI was run (the launcher, or {@code java -jar})
 * @param repeat how many times each command ran
 */
record CliBenchReport(
    String type,
    int cpus,
    String java,
    String broker,
    String command,
    int repeat,
    List<AtHistory> histories) {

  /** The figures at one history size. */
  record AtHistory(int runs, double historySeconds, List<Row> rows) {}

  /** One command: null where it does not apply (no API request behind {@code --version}). */
  record Row(String command, Times direct, Times server, Times api) {}

  /**
   * Wall times in seconds.
   *
   * @param failures runs that exited non-zero (or answered other than 200)
   * @param failure the first failure's exit code and first line of stderr; null when none failed
   */
  record Times(
      double median, double p90, double min, List<Double> seconds, int failures, String failure) {

    static Times of(List<Double> seconds, int failures, String failure) {
      List<Double> sorted = new ArrayList<>(seconds);
      Collections.sort(sorted);
      return new Times(
          round3(percentile(sorted, 0.5)),
          round3(percentile(sorted, 0.9)),
          round3(sorted.get(0)),
          seconds.stream().map(Times::round3).toList(),
          failures,
          failure);
    }

    /** Nearest rank: of 5 samples the median is the 3rd, the p90 the 5th. */
    static double percentile(List<Double> sorted, double p) {
      int rank = (int) Math.ceil(p * sorted.size());
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static double round3(double v) {
      return Math.round(v * 1000) / 1000.0;
    }

    String cell(boolean millis) {
      String s =
          millis
              ? String.format(Locale.ROOT, "%.0f / %.0f ms", median * 1000, p90 * 1000)
              : String.format(Locale.ROOT, "%.2f / %.2f s", median, p90);
      return failures == 0 ? s : s + " (" + failures + " failed)";
    }
  }

  void print(PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "CLI read times, median / p90 of %d runs each (a child process: %s)%n",
        repeat,
        command);
    out.printf(Locale.ROOT, "machine: %d CPUs, %s; Kafka %s%n", cpus, java, broker);
    List<String> failures = new ArrayList<>();
    for (AtHistory h : histories) {
      out.println();
      out.printf(
          Locale.ROOT,
          "history: %,d finished runs (made in %.1f s)%n",
          h.runs(),
          h.historySeconds());
      out.printf(
          Locale.ROOT,
          "  %-26s %-24s %-24s %s%n",
          "command",
          "direct (Kafka)",
          "--server",
          "console API alone");
      for (Row r : h.rows()) {
        out.printf(
            Locale.ROOT,
            "  %-26s %-24s %-24s %s%n",
            r.command(),
            r.direct() == null ? "-" : r.direct().cell(false),
            r.server() == null ? "-" : r.server().cell(false),
            r.api() == null ? "-" : r.api().cell(true));
        note(failures, h.runs(), r.command(), "direct", r.direct());
        note(failures, h.runs(), r.command(), "--server", r.server());
        note(failures, h.runs(), r.command(), "API", r.api());
      }
    }
    if (!failures.isEmpty()) {
      out.println();
      out.println("failures (the first of each cell):");
      failures.forEach(f -> out.println("  " + f));
    }
  }

  private static void note(List<String> failures, int runs, String command, String how, Times t) {
    if (t != null && t.failure() != null) {
      failures.add(runs + " runs, " + command + ", " + how + ": " + t.failure());
    }
  }
}
