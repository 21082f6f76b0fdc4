package io.partitrain.cli;

import io.partitrain.cli.client.FinOpsClient;
import io.partitrain.orchestrator.finops.Forecast;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code partitrain run plan --plan FILE}: the pre-launch forecast. Emits nothing. With Kafka
 * configured it reads the ledger of earlier runs of the plan for expected costs and durations.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description =
        "Forecast a run's cost (worst case from timeouts; expected from earlier runs) without starting it.")
public final class RunPlanCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;

  @Option(names = "--plan", required = true, description = "the plan.yml")
  Path planFile;

  @Option(names = "--no-history", description = "do not read the ledger of earlier runs")
  boolean noHistory;

  @Mixin OutputOption output;

  @Option(
      names = "--all",
      description = "list every partition (default: the first " + RunView.DEFAULT_ROWS + ")")
  boolean all;

  @Override
  public Integer call() {
    Plan plan = PlanLoader.load(planFile);
    PrintWriter out = spec.commandLine().getOut();
    List<FinOpsRecord.LedgerEntry> history = List.of();
    String historyNote = "no ledger read (--no-history)";
    if (!noHistory) {
      KafkaSettings settings = null;
      try {
        settings = kafka.settings();
      } catch (io.partitrain.shared.RetriableException e) {
        throw e; // configured but unreachable: exit 4, as every verb
      } catch (io.partitrain.shared.PartitrainException e) {
        historyNote = "no Kafka configured: worst case only";
      }
      if (settings != null) {
        history =
            FinOpsClient.readAll(settings, "partitrain-cli").stream()
                .filter(r -> r instanceof FinOpsRecord.LedgerEntry)
                .map(r -> (FinOpsRecord.LedgerEntry) r)
                .toList();
        historyNote = "ledger read from " + settings.bootstrapServers();
      }
    }
    Forecast f = Forecast.of(plan, history);
    if (output.json()) {
      out.println(Json.toPrettyString(f));
      out.flush();
      return ExitCode.OK.code();
    }
    String cur = f.currency() == null ? "" : " " + f.currency();
    out.printf("Plan %s: %d partitions (%s)%n%n", f.planName(), f.partitions().size(), historyNote);
    out.printf(
        "  %-20s %-16s %5s %12s %12s %10s%n",
        "PARTITION", "TARGET", "NODES", "WORST CASE", "EXPECTED", "EXP. SECS");
    int shown = all ? f.partitions().size() : Math.min(f.partitions().size(), RunView.DEFAULT_ROWS);
    for (Forecast.PartitionForecast p : f.partitions().subList(0, shown)) {
      out.printf(
          "  %-20s %-16s %5d %12s %12s %10s%n",
          p.partitionId(),
          p.computeTarget(),
          p.nodes(),
          FinOpsCommands.m(p.worstCase(), f.currency()),
          p.expected() == null ? "-" : FinOpsCommands.m(p.expected(), f.currency()),
          p.expectedSeconds() == null ? "-" : String.format("%.0f", p.expectedSeconds()));
    }
    if (shown < f.partitions().size()) {
      out.printf(
          "  ... %d more partitions; --all lists every one%n", f.partitions().size() - shown);
    }
    out.println();
    out.printf(
        "  worst case %s%s (every attempt to its timeout)%n",
        FinOpsCommands.m(f.worstCase(), f.currency()), cur);
    out.printf(
        "  expected   %s%s (%d partitions with history from %d earlier runs; worst case for the rest)%n",
        FinOpsCommands.m(f.expected(), f.currency()),
        cur,
        f.partitionsWithHistory(),
        f.earlierRuns());
    if (f.cap() != null) {
      out.printf(
          "  cap        %s%s: deferred at worst case %d, at expected cost %d%n",
          FinOpsCommands.m(f.cap(), f.currency()),
          cur,
          f.deferredWorstCase(),
          f.deferredExpected());
    }
    f.warnings().forEach(w -> out.println("  WARNING: " + w));
    out.flush();
    return ExitCode.OK.code();
  }
}
