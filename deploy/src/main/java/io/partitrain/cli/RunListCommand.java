package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.client.RunHistory;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "list",
    description = "List runs: outcome, start, end, duration and counts.",
    mixinStandardHelpOptions = true)
final class RunListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;

  @Option(names = "--plan", paramLabel = "NAME", description = "only runs of this plan")
  String plan;

  @Option(
      names = "--state",
      paramLabel = "OUTCOME",
      description = "only runs with this outcome (${COMPLETION-CANDIDATES})")
  RunOutcome state;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "only runs started at or after this time: " + TimeArgs.TIME_FORMATS)
  Instant since;

  @Option(
      names = "--all",
      description = "list every run (default: the latest " + RunView.DEFAULT_ROWS + ")")
  boolean all;

  @Mixin OutputOption output;

  @Mixin ServerOptions server;

  /** Every run with a published summary: from the console API, or from the runs topic. */
  private java.util.Collection<RunHistory> histories() {
    var api = server.client();
    if (api.isPresent()) {
      List<RunHistory> out = new java.util.ArrayList<>();
      for (var item : api.get().get("/runs?include=summary").path("items")) {
        if (item.path("summary").isObject()) {
          out.add(
              RunHistory.of(
                  ConsoleApiClient.as(
                      item.get("summary"), io.partitrain.shared.contracts.RunSummary.class),
                  item.path("startedAt").isTextual()
                      ? Instant.parse(item.get("startedAt").asText())
                      : null,
                  item.path("cancel").isObject()
                      ? ConsoleApiClient.as(item.get("cancel"), RunEvent.CancelAccepted.class)
                      : null));
        }
      }
      return out;
    }
    try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
      return client.histories(since == null ? Instant.EPOCH : since).values();
    }
  }

  @Override
  public Integer call() {
    Instant now = Instant.now();
    List<RunHistory> runs =
        histories().stream()
            .filter(h -> plan == null || plan.equals(h.planName()))
            .filter(h -> state == null || state == h.outcome())
            .filter(h -> since == null || (h.startedAt() != null && !h.startedAt().isBefore(since)))
            .sorted(
                java.util.Comparator.comparing(
                    RunHistory::startedAt,
                    java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
            .toList();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      var a = Json.mapper().createArrayNode();
      runs.forEach(h -> a.add(RunView.json(h, now)));
      out.println(Json.toPrettyString(a));
      out.flush();
      return ExitCode.OK.code();
    }
    int skip = all ? 0 : Math.max(0, runs.size() - RunView.DEFAULT_ROWS);
    if (skip > 0) {
      out.printf("(%d older runs not shown; --all lists every one)%n", skip);
    }
    out.printf(
        "%-36s %-20s %-17s %-20s %-20s %8s %6s %9s %6s%n",
        "RUN", "PLAN", "OUTCOME", "START", "END", "DURATION", "TOTAL", "SUCCEEDED", "FAILED");
    for (RunHistory h : runs.subList(skip, runs.size())) {
      out.printf(
          "%-36s %-20s %-17s %-20s %-20s %8s %6d %9d %6d%n",
          h.runId(),
          h.planName(),
          h.outcome(),
          RunView.time(h.startedAt()),
          RunView.time(h.endedAt()),
          RunView.duration(h.duration(now)),
          h.summary().total(),
          h.summary().count(PartitionState.SUCCEEDED),
          h.summary().failedForGood());
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
