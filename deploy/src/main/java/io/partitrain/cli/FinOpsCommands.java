package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.FinOpsClient;
import io.partitrain.cli.client.MissingRun;
import io.partitrain.cli.client.RunClient;
import io.partitrain.orchestrator.finops.FinOpsReport;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.Money;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code partitrain finops report|events}: spend against caps, and every cap decision. */
@Command(
    name = "finops",
    description = "Spend against cost caps, and the trail of cap decisions.",
    mixinStandardHelpOptions = true,
    subcommands = {FinOpsCommands.Report.class, FinOpsCommands.Events.class})
public final class FinOpsCommands {

  /** How a report prints. */
  public enum ReportFormat {
    table,
    json,
    csv
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description =
          "A run's cap, spent, reserved, remaining; spend by tag and failure class; deferrals; cap events.")
  static final class Report implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Parameters(index = "0", description = "the run id")
    String runId;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table",
        description = "table, json or csv (the ledger)")
    ReportFormat output;

    @Option(
        names = "--all",
        description =
            "list every deferred partition (default: the first " + RunView.DEFAULT_ROWS + ")")
    boolean all;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      FinOpsReport report;
      var api = server.client();
      if (api.isPresent()) {
        try {
          report =
              api.get()
                  .get(
                      "/runs/" + ConsoleApiClient.segment(runId) + "/finops/report",
                      FinOpsReport.class);
        } catch (ConsoleApiClient.ApiException e) {
          return Answers.failed(spec, e);
        }
      } else {
        var settings = kafka.settings();
        try (RunClient client = new RunClient(settings, "partitrain-cli")) {
          List<RunEvent> events = client.events(runId);
          if (events.stream().noneMatch(e -> e instanceof RunEvent.RunStarted)) {
            // As the console's 410: a report without the cost decisions would mislead.
            spec.commandLine()
                .getErr()
                .println(
                    "partitrain: "
                        + (client.finalSnapshot(runId).isPresent()
                            ? pastRetention(runId)
                            : MissingRun.message(settings, runId)));
            return ExitCode.NOT_FOUND.code();
          }
          report =
              FinOpsReport.of(
                  runId, events, FinOpsClient.readRun(settings, "partitrain-cli", runId));
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (report.cap() == null) {
        spec.commandLine().getErr().println("partitrain: no run " + runId + " with a cost cap");
        return ExitCode.NOT_FOUND.code();
      }
      switch (output) {
        case json -> out.println(Json.toPrettyString(report));
        case csv -> printCsv(report, out);
        case table -> printTable(report, out, all);
      }
      out.flush();
      return ExitCode.OK.code();
    }
  }

  /** Why the report of a run read from its final snapshot is refused, and where to look. */
  static String pastRetention(String runId) {
    return "run "
        + runId
        + " is past the runs topic's retention (PARTITRAIN_RUNS_RETENTION, default "
        + ServiceSettings.DEFAULT_RUNS_RETENTION.toDays()
        + " days): its cost decisions (cap changes, reservations, deferrals) are gone from it,"
        + " and a report without them would mislead. Its final cap, spent and reserved:"
        + " `partitrain run show "
        + runId
        + "`; what the FinOps topic still holds: `partitrain finops events --run "
        + runId
        + "`";
  }

  @Command(
      name = "events",
      mixinStandardHelpOptions = true,
      description = "Cost-cap events across runs.")
  static final class Events implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Option(
        names = "--since",
        description = "only events at or after this time: " + TimeArgs.TIME_FORMATS)
    String since;

    @Option(names = "--run", description = "only this run")
    String runId;

    @Mixin OutputOption output;

    @Mixin ServerOptions server;

    /** Every cap event: from the console API, or from the FinOps topic. */
    private List<FinOpsRecord.CapEvent> capEvents() {
      var api = server.client();
      if (api.isPresent()) {
        CapEventList answer = api.get().get("/finops/events", CapEventList.class);
        if (answer.olderDropped()) {
          spec.commandLine()
              .getErr()
              .println(
                  "partitrain: the console keeps the latest cap events only; without --server"
                      + " the FinOps topic has every one");
        }
        return answer.items();
      }
      return FinOpsClient.readAll(kafka.settings(), "partitrain-cli").stream()
          .filter(r -> r instanceof FinOpsRecord.CapEvent)
          .map(r -> (FinOpsRecord.CapEvent) r)
          .toList();
    }

    @Override
    public Integer call() {
      Instant from = parseSince(since, Instant.now());
      List<FinOpsRecord.CapEvent> events;
      try {
        events =
            capEvents().stream()
                .filter(e -> !e.at().isBefore(from) && (runId == null || runId.equals(e.runId())))
                // In time order: the topic's partitions (one per run or target) read one after
                // another would otherwise group them by key.
                .sorted(java.util.Comparator.comparing(FinOpsRecord.CapEvent::at))
                .toList();
      } catch (ConsoleApiClient.ApiException e) {
        return Answers.failed(spec, e);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        out.println(eventsJson(events));
      } else {
        out.printf("%-20s %-36s %-17s %s%n", "AT", "RUN OR TARGET", "EVENT", "DETAIL");
        events.forEach(
            e ->
                out.printf(
                    "%-20s %-36s %-17s %s%n",
                    RunView.time(e.at()), subject(e), e.getClass().getSimpleName(), detail(e)));
      }
      out.flush();
      return ExitCode.OK.code();
    }
  }

  /** The console's answer to {@code GET /api/v1/finops/events}. */
  record CapEventList(String type, List<FinOpsRecord.CapEvent> items, boolean olderDropped) {}

  /** What an event is about: its run, or for a node cap (which spans runs) its compute target. */
  static String subject(FinOpsRecord.CapEvent e) {
    return e instanceof FinOpsRecord.NodeCapChanged n ? "target " + n.computeTarget() : e.runId();
  }

  /**
   * The events as a JSON array, each with its {@code type}; a node-cap event carries its compute
   * target and no run id (it belongs to no run; the topic keys it by target).
   */
  static String eventsJson(List<FinOpsRecord.CapEvent> events) {
    var array = Json.mapper().createArrayNode();
    for (FinOpsRecord.CapEvent e : events) {
      com.fasterxml.jackson.databind.node.ObjectNode o = Json.mapper().valueToTree(e);
      o = o.deepCopy();
      var typed = Json.mapper().createObjectNode().put("type", e.getClass().getSimpleName());
      typed.setAll(o);
      if (e instanceof FinOpsRecord.NodeCapChanged) {
        typed.remove("runId");
      }
      array.add(typed);
    }
    return Json.toPrettyString(array);
  }

  static Instant parseSince(String since, Instant now) {
    if (since == null || since.isBlank()) {
      return Instant.EPOCH;
    }
    try {
      return TimeArgs.time(since, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
    } catch (picocli.CommandLine.TypeConversionException e) {
      throw new IllegalArgumentException("--since " + e.getMessage());
    }
  }

  static String detail(FinOpsRecord.CapEvent e) {
    if (e instanceof FinOpsRecord.CostCapReached c) {
      return String.format(
          Locale.ROOT,
          "cap %s %s, spent %s, reserved %s, projected %s; deferred %d: %s",
          m(c.cap()),
          c.currency(),
          m(c.spent()),
          m(c.reserved()),
          m(c.projected()),
          c.deferred().size(),
          ids(c.deferred()));
    }
    if (e instanceof FinOpsRecord.DeferredAdmitted d) {
      return String.format(
          Locale.ROOT,
          "admitted again %d: %s; still deferred %d (spent %s, reserved %s of %s)",
          d.admitted().size(),
          ids(d.admitted()),
          d.stillDeferred(),
          m(d.spent()),
          m(d.reserved()),
          m(d.cap()));
    }
    if (e instanceof FinOpsRecord.CostCapChanged c) {
      return String.format(
          Locale.ROOT,
          "cap %s %s -> %s by %s: %s",
          c.raised() ? "raised" : "lowered",
          m(c.from()),
          m(c.to()),
          c.requestedBy(),
          c.reason());
    }
    if (e instanceof FinOpsRecord.NodeCapChanged n) {
      return String.format(
          Locale.ROOT,
          "node cap of %s %s -> %d by %s: %s",
          n.computeTarget(),
          n.from() == null ? "none" : n.from(),
          n.to(),
          n.requestedBy(),
          n.reason());
    }
    if (e instanceof RunEvent.ComputeCapacityWarning w) {
      return "compute " + w.computeTarget() + ": " + String.join("; ", w.problems());
    }
    if (e instanceof FinOpsRecord.RunCostSettled s) {
      return String.format(
          Locale.ROOT,
          "spent %s of cap %s %s, %s its projection %s; deferred %d",
          m(s.spent()),
          m(s.cap()),
          s.currency(),
          s.overProjection() ? "OVER" : "under",
          m(s.projected()),
          s.deferred().size());
    }
    if (e instanceof FinOpsRecord.CostOverrun o) {
      return String.format(
          Locale.ROOT,
          "%s attempt %d cost %s, reserved %s %s: ran %.0f s against its %.0f s limit",
          o.partitionId(),
          o.attempt(),
          m(o.charged()),
          m(o.reserved()),
          o.currency(),
          o.billableSeconds(),
          o.timeoutSeconds());
    }
    if (e instanceof FinOpsRecord.ChargeEstimated c) {
      return String.format(
          Locale.ROOT,
          "%s attempt %d charged %s %s: %s",
          c.partitionId(),
          c.attempt(),
          m(c.charged()),
          c.currency(),
          c.reason());
    }
    if (e instanceof RunEvent.DeadlineAtRisk d) {
      return d.detail();
    }
    return "";
  }

  private static String ids(List<String> ids) {
    return ids.size() <= 8 ? String.join(",", ids) : String.join(",", ids.subList(0, 8)) + ",…";
  }

  static String m(BigDecimal x) {
    return Money.format(x, null);
  }

  static String m(BigDecimal x, String currency) {
    return Money.format(x, currency);
  }

  static void printTable(FinOpsReport r, PrintWriter out, boolean all) {
    String cur = r.currency();
    out.printf("Run %s (plan %s), %s%n%n", r.runId(), r.planName(), cur);
    out.printf("  %-10s %12s%n", "cap", m(r.cap(), cur));
    out.printf("  %-10s %12s   (%d finished attempts)%n", "spent", m(r.spent(), cur), r.attempts());
    out.printf("  %-10s %12s%n", "reserved", m(r.reserved(), cur));
    out.printf("  %-10s %12s%n", "remaining", m(r.remaining(), cur));
    r.byTag()
        .forEach(
            (tag, byValue) -> {
              out.printf("%n  Spend by %s:%n", tag);
              byValue.forEach((v, cost) -> out.printf("    %-20s %12s%n", v, m(cost, cur)));
            });
    out.printf("%n  Spend by outcome / failure class:%n");
    r.byFailureClass().forEach((c, cost) -> out.printf("    %-20s %12s%n", c, m(cost, cur)));
    if (!r.deferred().isEmpty()) {
      out.printf("%n  Deferred by cost (%d):%n", r.deferred().size());
      out.printf("    %-20s %-20s %s%n", "PARTITION", "DEFERRED AT", "RELEASED AT");
      int shown = all ? r.deferred().size() : Math.min(r.deferred().size(), RunView.DEFAULT_ROWS);
      r.deferred()
          .subList(0, shown)
          .forEach(
              d ->
                  out.printf(
                      "    %-20s %-20s %s%n",
                      d.partitionId(),
                      RunView.time(d.deferredAt()),
                      d.readmittedAt() == null
                          ? "still deferred"
                          : RunView.time(d.readmittedAt())));
      if (shown < r.deferred().size()) {
        out.printf("    ... %d more; --all lists every one%n", r.deferred().size() - shown);
      }
    }
    if (!r.timeline().isEmpty()) {
      out.printf("%n  Cap events:%n");
      r.timeline()
          .forEach(
              e ->
                  out.printf(
                      "    %-20s %-17s %s%n",
                      RunView.time(e.at()), e.getClass().getSimpleName(), detail(e)));
    }
  }

  static void printCsv(FinOpsReport r, PrintWriter out) {
    TreeSet<String> tags =
        r.ledger().stream()
            .flatMap(l -> l.tags().keySet().stream())
            .collect(Collectors.toCollection(TreeSet::new));
    out.print(
        "run,plan,partition,attempt,compute_target,instance_type,nodes,billable_seconds,price_per_node_hour,"
            + "cost,reserved,currency,outcome,failure_class,at");
    tags.forEach(t -> out.print(",tag_" + t));
    out.println();
    for (FinOpsRecord.LedgerEntry l : r.ledger()) {
      out.print(
          String.join(
              ",",
              csv(l.runId()),
              csv(l.planName()),
              csv(l.partitionId()),
              String.valueOf(l.attempt()),
              csv(l.computeTarget()),
              csv(l.instanceType()),
              String.valueOf(l.nodes()),
              String.format(Locale.ROOT, "%.3f", l.billableSeconds()),
              l.pricePerNodeHour().toPlainString(),
              l.cost().toPlainString(),
              l.reserved().toPlainString(),
              l.currency(),
              l.outcome().name(),
              l.failureClass() == null ? "" : l.failureClass().name(),
              l.at().toString()));
      tags.forEach(t -> out.print("," + csv(l.tags().get(t))));
      out.println();
    }
  }

  private static String csv(String s) {
    if (s == null) {
      return "";
    }
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
