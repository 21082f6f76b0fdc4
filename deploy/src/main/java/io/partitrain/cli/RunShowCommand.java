package io.partitrain.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.client.RunHistory;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "show",
    description = "Show a run: outcome, times, counts; with --partitions, one line per partition.",
    mixinStandardHelpOptions = true)
final class RunShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;

  @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
  String runId;

  @Option(
      names = "--partitions",
      description = "list the partitions: state, attempt, duration, failure class, reason, log")
  boolean partitions;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description = "with --partitions: only partitions in this state (${COMPLETION-CANDIDATES})")
  PartitionState state;

  @Option(
      names = "--tag",
      paramLabel = "NAME=VALUE",
      description = "with --partitions: only partitions with this tag (repeatable: all must match)")
  Map<String, String> tags = new LinkedHashMap<>();

  @Option(
      names = "--all",
      description = "list every partition (default: the first " + RunView.DEFAULT_ROWS + ")")
  boolean all;

  @Option(
      names = {"-w", "--watch"},
      description = "after showing the run, print a line per change until it settles")
  boolean watch;

  @Mixin OutputOption output;

  @Mixin ServerOptions server;

  @Override
  public Integer call() {
    boolean listPartitions = partitions || state != null || !tags.isEmpty();
    var api = server.client();
    if (api.isPresent()) {
      return showThroughServer(api.get(), listPartitions);
    }
    try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
      Instant asked = Instant.now();
      RunHistory h =
          client.history(runId, listPartitions).orElseThrow(() -> NotFoundException.run(runId));
      List<RunHistory.PartitionLine> lines = listPartitions ? select(h.partitions()) : List.of();
      PrintWriter out = print(h, listPartitions, lines);
      if (watch && !h.outcome().isSettled()) {
        printSettled(
            RunFollow.onTopics(
                client, runId, asked, RunFollow.WATCH_LIMIT, RunFollow.printingTo(out)),
            out);
      }
      return ExitCode.OK.code();
    }
  }

  /** The same table and JSON as from the topics, from the console's view of the run. */
  private int showThroughServer(ConsoleApiClient api, boolean listPartitions) {
    Optional<RunHistory> found;
    List<RunHistory.PartitionLine> lines = List.of();
    try {
      found = api.run(runId);
      if (found.isPresent() && listPartitions) {
        lines = select(partitionsThroughServer(api));
      }
    } catch (ConsoleApiClient.ApiException e) {
      return Answers.failed(spec, e);
    }
    if (found.isEmpty()) {
      // Started, but no summary published yet: what the topics hold is no more than that.
      throw NotFoundException.run(runId);
    }
    RunHistory h = found.get();
    PrintWriter out = print(h, listPartitions, lines);
    if (watch && !h.outcome().isSettled()) {
      printSettled(
          RunFollow.throughServer(
              api, runId, Instant.now().plus(RunFollow.WATCH_LIMIT), RunFollow.printingTo(out)),
          out);
    }
    return ExitCode.OK.code();
  }

  /** The run, and with {@code listPartitions} its partition lines, as a table or JSON. */
  private PrintWriter print(
      RunHistory h, boolean listPartitions, List<RunHistory.PartitionLine> lines) {
    PrintWriter out = spec.commandLine().getOut();
    Instant now = Instant.now();
    if (output.json()) {
      ObjectNode o = RunView.json(h, now);
      if (listPartitions) {
        o.set("partitions", RunView.partitionsJson(lines, h.summary().budget(), now));
      }
      out.println(Json.toPrettyString(o));
    } else {
      RunView.print(h, now, out, !listPartitions);
      if (listPartitions) {
        out.println();
        RunView.printPartitions(lines, h.summary().budget(), all, now, out);
      }
    }
    out.flush();
    return out;
  }

  private static void printSettled(Optional<RunHistory> last, PrintWriter out) {
    last.ifPresent(l -> out.println("settled: " + RunView.outcomeLine(l)));
    out.flush();
  }

  /** Every partition, page by page, in plan order as the topic path lists them. */
  private List<RunHistory.PartitionLine> partitionsThroughServer(ConsoleApiClient api) {
    List<RunHistory.PartitionLine> out = new java.util.ArrayList<>();
    String cursor = null;
    do {
      var page =
          api.get(
              "/runs/"
                  + ConsoleApiClient.segment(runId)
                  + "/partitions?limit=1000"
                  + (state == null ? "" : "&state=" + state)
                  + (cursor == null ? "" : "&cursor=" + cursor));
      page.path("items").forEach(p -> out.add(RunHistory.PartitionLine.fromConsole(runId, p)));
      cursor = page.path("nextCursor").asText(null);
    } while (cursor != null);
    out.sort(java.util.Comparator.comparingInt(RunHistory.PartitionLine::sequence));
    return out;
  }

  private List<RunHistory.PartitionLine> select(List<RunHistory.PartitionLine> all) {
    return all.stream()
        .filter(p -> state == null || p.state() == state)
        .filter(
            p ->
                tags.entrySet().stream()
                    .allMatch(t -> t.getValue().equals(p.tags().get(t.getKey()))))
        .toList();
  }
}
