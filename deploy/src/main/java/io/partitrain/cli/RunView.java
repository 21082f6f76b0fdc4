package io.partitrain.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.cli.client.RunHistory;
import io.partitrain.cli.client.RunHistory.PartitionLine;
import io.partitrain.shared.contracts.Money;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How runs look to people (tables) and to scripts (JSON with a {@code type} on every object). Times
 * are shown to the second in UTC; durations as {@code 2m10s}.
 */
public final class RunView {

  /** Rows a table shows before it summarizes the rest (expand with {@code --all}). */
  public static final int DEFAULT_ROWS = 20;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** A log line that says what went wrong, in the words of common runtimes and tools. */
  private static final Pattern ERROR_LINE =
      Pattern.compile(
          "(?i).*\\b(error|exception|fatal|traceback|failed|cannot|can't|no such file|denied"
              + "|not found|invalid)\\b.*");

  private static final Pattern STACK_FRAME =
      Pattern.compile("^\\s+(at |\\.\\.\\. \\d+ more|File \").*");

  private RunView() {}

  public static String time(Instant t) {
    return t == null ? "-" : TIME.format(t);
  }

  public static String duration(Duration d) {
    if (d == null) {
      return "-";
    }
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + String.format("%02ds", s % 60);
    }
    return (s / 3600) + "h" + String.format("%02dm", (s % 3600) / 60);
  }

  /** One line: the outcome, with who canceled and why. */
  public static String outcomeLine(RunHistory h) {
    StringBuilder b = new StringBuilder(h.outcome().name());
    RunEvent.CancelAccepted c = h.cancel();
    if (c != null) {
      b.append(h.outcome().isSettled() ? "" : " (canceling)")
          .append(" by ")
          .append(c.requestedBy())
          .append(" at ")
          .append(time(c.at()))
          .append(": ")
          .append(c.reason());
    }
    return b.toString();
  }

  /** {@code run show}'s table: the outcome and times, then the counts (SummaryView). */
  public static void print(RunHistory h, Instant now, PrintWriter out) {
    print(h, now, out, true);
  }

  /**
   * @param failedList whether to list the failed partitions (not when the partition table follows)
   */
  public static void print(RunHistory h, Instant now, PrintWriter out, boolean failedList) {
    out.printf("Run %s (plan %s): %s%n", h.runId(), h.planName(), outcomeLine(h));
    out.printf(
        "  started %s, ended %s, %s %s%n",
        time(h.startedAt()),
        time(h.endedAt()),
        h.endedAt() == null ? "running for" : "took",
        duration(h.duration(now)));
    if (h.deadlineAtRisk() != null) {
      out.printf(
          "  DEADLINE AT RISK (%s): %s%n",
          time(h.deadlineAtRisk().at()), h.deadlineAtRisk().detail());
    }
    SummaryView.printCounts(h.summary(), out, failedList);
    if (h.outcome() == RunOutcome.WAITING_ON_BUDGET) {
      // Where operators got stuck (issue 23, item 8): what waits, and the command that moves it.
      out.println("  NEXT: " + budgetNextStep(h));
    }
    for (var w : h.warnings()) {
      w.problems().forEach(problem -> out.println("  WARNING (run start): " + problem));
    }
  }

  /**
   * What a run WAITING_ON_BUDGET needs, in figures: how much its deferred partitions reserve
   * together, what the cap leaves, the cap that would let them all run, and the command.
   */
  static String budgetNextStep(RunHistory h) {
    int waiting = h.summary().count(PartitionState.DEFERRED_BY_COST);
    RunSummary.Budget b = h.summary().budget();
    if (b == null || b.deferredNeed() == null) {
      return String.format(
          "%d partitions wait for budget; `partitrain finops report %s` shows the cap, spent and"
              + " reserved; raise the cap with `partitrain cap raise %s --to AMOUNT --reason TEXT`"
              + " (finops role), or cancel the run",
          waiting, h.runId(), h.runId());
    }
    String cur = b.currency();
    return String.format(
        "%d partitions wait for budget: their next attempts reserve %s %s together, the cap of %s"
            + " %s leaves %s (spent %s, reserved %s). To let them all run at their worst case:"
            + " `partitrain cap raise %s --to %s --reason TEXT` (finops role); `partitrain finops"
            + " report %s` shows every cap event; or cancel the run",
        waiting,
        Money.format(b.deferredNeed(), cur),
        cur,
        Money.format(b.cap(), cur),
        cur,
        Money.format(b.remaining(), cur),
        Money.format(b.spent(), cur),
        Money.format(b.reserved(), cur),
        h.runId(),
        Money.format(b.capToRunDeferred(), cur),
        h.runId());
  }

  /** The run as one JSON object: the summary's fields plus type, outcome, times and cancel. */
  public static ObjectNode json(RunHistory h, Instant now) {
    ObjectNode o = Json.mapper().createObjectNode();
    o.put("type", "run");
    o.put("runId", h.runId());
    o.put("planName", h.planName());
    o.put("outcome", h.outcome().name());
    o.put("startedAt", h.startedAt() == null ? null : h.startedAt().toString());
    o.put("endedAt", h.endedAt() == null ? null : h.endedAt().toString());
    Duration d = h.duration(now);
    if (d != null) {
      o.put("durationSeconds", d.toSeconds());
    }
    if (h.cancel() != null) {
      ObjectNode c = o.putObject("cancel");
      c.put("requestedBy", h.cancel().requestedBy());
      c.put("reason", h.cancel().reason());
      c.put("at", h.cancel().at().toString());
    }
    if (h.deadlineAtRisk() != null) {
      o.set("deadlineAtRisk", Json.mapper().valueToTree(h.deadlineAtRisk()));
    }
    o.setAll((ObjectNode) Json.mapper().valueToTree(h.summary()));
    // States in their lifecycle order: the summary's map has no stable order of its own.
    var byState =
        new java.util.EnumMap<io.partitrain.shared.contracts.PartitionState, Integer>(
            io.partitrain.shared.contracts.PartitionState.class);
    byState.putAll(h.summary().byState());
    o.set("byState", Json.mapper().valueToTree(byState));
    if (!h.warnings().isEmpty()) {
      var warnings = o.putArray("warnings");
      for (var w : h.warnings()) {
        ObjectNode j = warnings.addObject();
        j.put("type", "ComputeCapacityWarning");
        j.put("computeTarget", w.computeTarget());
        j.set("nodeCap", w.nodeCap() == null ? null : j.numberNode(w.nodeCap()));
        j.set("problems", Json.mapper().valueToTree(w.problems()));
        j.put("at", w.at().toString());
      }
    }
    return o;
  }

  /**
   * The partition table; at most {@link #DEFAULT_ROWS} rows unless {@code all}.
   *
   * @param budget the run's money now (its summary's), for the reason of partitions that wait for
   *     budget; null for a run without a budget
   */
  public static void printPartitions(
      List<PartitionLine> lines,
      RunSummary.Budget budget,
      boolean all,
      Instant now,
      PrintWriter out) {
    out.printf(
        "  %-20s %-16s %7s %8s %-9s %-72s %s%n",
        "PARTITION", "STATE", "ATTEMPT", "DURATION", "CLASS", "REASON", "LOG");
    int shown = all ? lines.size() : Math.min(lines.size(), DEFAULT_ROWS);
    for (PartitionLine p : lines.subList(0, shown)) {
      out.printf(
          "  %-20s %-16s %7d %8s %-9s %-72s %s%n",
          p.partitionId(),
          p.state(),
          p.attempt(),
          duration(p.duration(now)),
          p.failureClass() == null ? "-" : p.failureClass(),
          SummaryView.clip(reason(p, budget), 72),
          log(p));
    }
    if (shown < lines.size()) {
      out.printf("  ... %d more partitions; --all lists every one%n", lines.size() - shown);
    }
  }

  /**
   * The partitions as JSON; a partition waiting for budget has today's {@code reason} and the one
   * recorded when it was deferred as {@code deferredBecause}.
   */
  public static ArrayNode partitionsJson(
      List<PartitionLine> lines, RunSummary.Budget budget, Instant now) {
    ArrayNode a = Json.mapper().createArrayNode();
    for (PartitionLine p : lines) {
      ObjectNode o = a.addObject();
      o.put("type", "partition");
      o.put("partitionId", p.partitionId());
      o.put("state", p.state() == null ? null : p.state().name());
      o.put("attempt", p.attempt());
      Duration d = p.duration(now);
      if (d != null) {
        o.put("durationSeconds", d.toSeconds());
      }
      if (p.failureClass() != null) {
        o.put("failureClass", p.failureClass().name());
      }
      o.put("reason", reason(p, budget));
      if (waitsForBudget(p, budget)) {
        o.put("deferredBecause", p.reason());
      }
      if (p.logPath() != null) {
        o.put("logPath", p.logPath());
      }
      if (p.studioUrl() != null) {
        o.put("studioUrl", p.studioUrl());
      }
      if (p.jobName() != null) {
        o.put("jobName", p.jobName());
      }
      o.set("tags", Json.mapper().valueToTree(p.tags()));
    }
    return a;
  }

  /**
   * Where to look: the job's page in Azure ML Studio when it has one (its log, metrics and outputs
   * are there; {@code job logs} prints the log), else the log's path.
   */
  static String log(PartitionLine p) {
    if (p.studioUrl() != null) {
      return p.studioUrl();
    }
    return p.logPath() == null ? "-" : p.logPath();
  }

  /**
   * What the table says of a partition: for one waiting for budget, the budget now (the reason
   * recorded at its deferral names the cap and spent of that moment); else the recorded reason,
   * followed for a failure by the first line of the job's log that says what went wrong ("exited
   * with code 2" alone does not).
   */
  static String reason(PartitionLine p, RunSummary.Budget budget) {
    if (waitsForBudget(p, budget)) {
      return budget.waitReason();
    }
    String reason = p.reason() == null ? "" : p.reason();
    if (p.failureClass() == null || p.logPath() == null) {
      return reason;
    }
    String line = firstErrorLine(Path.of(p.logPath()));
    return line == null || reason.contains(line) ? reason : reason + ": " + line;
  }

  private static boolean waitsForBudget(PartitionLine p, RunSummary.Budget budget) {
    return budget != null && p.state() == PartitionState.DEFERRED_BY_COST;
  }

  /**
   * The first line of a log that names an error (skipping stack frames), else its last non-blank
   * line; null when the log cannot be read here (another machine's path, an Azure ML link).
   */
  static String firstErrorLine(Path log) {
    if (!Files.isRegularFile(log)) {
      return null;
    }
    String last = null;
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) lines.limit(100_000)::iterator) {
        if (line.isBlank() || STACK_FRAME.matcher(line).matches()) {
          continue;
        }
        if (ERROR_LINE.matcher(line).matches()) {
          return line.strip();
        }
        last = line.strip();
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      return null;
    }
    return last;
  }
}
