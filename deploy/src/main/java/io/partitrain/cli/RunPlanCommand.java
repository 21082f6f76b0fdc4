package io.partitrain.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.cli.client.FinOpsClient;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.finops.Forecast;
import io.partitrain.orchestrator.scheduling.deadline.DeadlineForecast;
import io.partitrain.orchestrator.scheduling.deadline.ExpectedDurations;
import io.partitrain.orchestrator.scheduling.deadline.PlanDeadlineForecast;
import io.partitrain.shared.contracts.ComputeCapacity;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import io.partitrain.worker.backend.azureml.AzureMlBackend;
import io.partitrain.worker.backend.azureml.AzureMlConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.ToIntFunction;
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
      names = "--node-cap",
      description =
          "forecast the deadline at this node cap on every compute target (default: the caps in"
              + " force: operators' cap set, else PARTITRAIN_NODE_CAPS / PARTITRAIN_NODE_CAP_DEFAULT)")
  Integer nodeCap;

  /** The clock the forecast starts from. */
  Clock clock = Clock.systemUTC();

  @Option(
      names = "--all",
      description = "list every partition (default: the first " + RunView.DEFAULT_ROWS + ")")
  boolean all;

  @Mixin ComputeChecks.Options computeCheck;

  private final Function<AzureMlConfig, AzureMlBackend> azureMlBackends;

  public RunPlanCommand() {
    this(config -> AzureMlBackend.builder(config).build());
  }

  /** With the backend the compute check asks (a fake ARM in tests). */
  RunPlanCommand(Function<AzureMlConfig, AzureMlBackend> azureMlBackends) {
    this.azureMlBackends = azureMlBackends;
  }

  @Override
  public Integer call() {
    if (nodeCap != null && nodeCap < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--node-cap must be at least 1, but was " + nodeCap);
    }
    Plan plan = PlanLoader.load(planFile);
    PrintWriter out = spec.commandLine().getOut();
    List<FinOpsRecord> records = List.of();
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
        records = FinOpsClient.readAll(settings, "partitrain-cli");
        historyNote = "ledger read from " + settings.bootstrapServers();
      }
    }
    List<FinOpsRecord.LedgerEntry> history =
        records.stream()
            .filter(r -> r instanceof FinOpsRecord.LedgerEntry)
            .map(r -> (FinOpsRecord.LedgerEntry) r)
            .toList();
    Forecast f = Forecast.of(plan, history);
    PlanDeadlineForecast d =
        PlanDeadlineForecast.of(
            plan, ExpectedDurations.fromLedger(history), nodeCaps(records), clock.instant());
    List<FinOpsRecord> read = records;
    List<ComputeLine> computes =
        computeCheck
            .file()
            .map(file -> ComputeChecks.check(plan, file, azureMlBackends))
            .orElse(List.of())
            .stream()
            .map(c -> ComputeLine.of(c, knownNodeCap(read, c.computeTarget())))
            .toList();
    if (output.json()) {
      ObjectNode json = Json.mapper().valueToTree(f);
      json.set("deadline", Json.mapper().valueToTree(d));
      json.set("computes", Json.mapper().valueToTree(computes));
      out.println(Json.toPrettyString(json));
      out.flush();
      return ExitCode.OK.code();
    }
    String cur = f.currency() == null ? "" : " " + f.currency();
    out.printf("Plan %s: %d partitions (%s)%n%n", f.planName(), f.partitions().size(), historyNote);
    out.printf(
        "  %-20s %-16s %5s %10s %12s %12s %10s%n",
        "PARTITION", "TARGET", "NODES", "RESERVES", "WORST CASE", "EXPECTED", "EXP. SECS");
    int shown = all ? f.partitions().size() : Math.min(f.partitions().size(), RunView.DEFAULT_ROWS);
    for (Forecast.PartitionForecast p : f.partitions().subList(0, shown)) {
      out.printf(
          "  %-20s %-16s %5d %10s %12s %12s %10s%n",
          p.partitionId(),
          p.computeTarget(),
          p.nodes(),
          FinOpsCommands.m(p.reservation(), f.currency()),
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
        "  worst case %s%s (%d attempts per partition, retry.maxAttempts, each to its timeout;"
            + " first attempts alone %s%s)%n",
        FinOpsCommands.m(f.worstCase(), f.currency()),
        cur,
        f.maxAttempts(),
        FinOpsCommands.m(f.firstAttempts(), f.currency()),
        cur);
    out.printf(
        "  expected   %s%s (%d partitions with history from %d earlier runs; one attempt to its"
            + " timeout for the rest)%n",
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
    printDeadline(d, out);
    printComputes(out, computes);
    out.flush();
    return ExitCode.OK.code();
  }

  /** When the run would end at the node cap, against the plan's deadline if it has one. */
  private static void printDeadline(PlanDeadlineForecast d, PrintWriter out) {
    out.println();
    if (d.deadline() == null) {
      out.printf("  duration   (the plan names no deadline)%n");
    } else {
      out.printf(
          "  deadline   %s%s: a run starting %s must end by %s%n",
          d.deadlineAt(),
          d.timeZone() == null ? "" : " (" + d.timeZone() + ")",
          d.start(),
          d.deadline());
    }
    for (DeadlineForecast t : d.targets()) {
      out.printf(
          "  %-10s %d partitions (%d with history), longest-expected-first: expected %s"
              + " (lower bound %s%s); %s%n",
          t.computeTarget(),
          t.partitions(),
          t.withHistory(),
          DeadlineForecast.human(t.expectedSeconds()),
          DeadlineForecast.human(t.lowerBoundSeconds()),
          t.worstCaseSeconds() == null
              ? ""
              : ", worst case " + DeadlineForecast.human(t.worstCaseSeconds()),
          t.advice());
    }
    if (d.assumedTimeout() > 0) {
      out.printf(
          "  NOTE: no history for this plan: %d partitions forecast at their timeout (worst case)%n",
          d.assumedTimeout());
    }
    if (Boolean.FALSE.equals(d.meets())) {
      out.println("  WARNING: the deadline will not be met at the current node cap");
    }
  }

  /** The node cap per target: --node-cap, else operators' changes, else the environment's. */
  private ToIntFunction<String> nodeCaps(List<FinOpsRecord> records) {
    if (nodeCap != null) {
      return t -> nodeCap;
    }
    NodeCapConfig config =
        NodeCapConfig.parse(
            System.getenv(NodeCapConfig.DEFAULT_ENV), System.getenv(NodeCapConfig.PER_TARGET_ENV));
    Map<String, Integer> changed = new HashMap<>();
    for (FinOpsRecord r : records) {
      if (r instanceof FinOpsRecord.NodeCapChanged n) {
        changed.put(n.computeTarget(), n.to());
      }
    }
    return t -> changed.getOrDefault(t, config.capOf(t));
  }

  /**
   * The node cap the compute check compares: {@code --node-cap}, else the last {@code cap set};
   * null when neither says (the orchestrator's configured cap is not known here).
   */
  private Integer knownNodeCap(List<FinOpsRecord> records, String target) {
    if (nodeCap != null) {
      return nodeCap;
    }
    Integer cap = null;
    for (FinOpsRecord r : records) {
      if (r instanceof FinOpsRecord.NodeCapChanged n && n.computeTarget().equals(target)) {
        cap = n.to();
      }
    }
    return cap;
  }

  private void printComputes(PrintWriter out, List<ComputeLine> computes) {
    if (computeCheck.file().isEmpty()) {
      out.println(
          "  compute    not checked (--azureml-config or $"
              + ComputeChecks.CONFIG_ENV
              + " names the azureml.* settings to ask Azure ML)");
      return;
    }
    for (ComputeLine c : computes) {
      if (c.error() != null) {
        out.printf("  compute    %s: not checked: %s%n", c.computeTarget(), c.error());
        continue;
      }
      out.printf("  compute    %s%n", c.capacity().describe());
      if (c.nodeCap() == null && c.capacity().nodesItHolds() >= 0) {
        out.printf(
            "             node cap: none set with cap set; keep the orchestrator's at most %d"
                + " (partitrain cap set %s --nodes %d)%n",
            c.capacity().nodesItHolds(), c.computeTarget(), c.capacity().nodesItHolds());
      }
      c.problems().forEach(p -> out.println("  WARNING: " + p));
    }
  }

  /**
   * One compute target in the plan's output: what it holds, the node cap last set for it with
   * {@code cap set} (null: the orchestrator's configured cap, unknown here), and what does not fit.
   */
  record ComputeLine(
      String type,
      String computeTarget,
      ComputeCapacity capacity,
      Integer nodeCap,
      Integer nodesItHolds,
      List<String> problems,
      String error) {

    static ComputeLine of(ComputeChecks.Checked c, Integer nodeCap) {
      if (c.capacity() == null) {
        return new ComputeLine(
            "computeCheck", c.computeTarget(), null, nodeCap, null, List.of(), c.error());
      }
      int holds = c.capacity().nodesItHolds();
      return new ComputeLine(
          "computeCheck",
          c.computeTarget(),
          c.capacity(),
          nodeCap,
          holds < 0 ? null : holds,
          problems(c.capacity(), nodeCap),
          null);
    }

    /** Without a known cap, the cluster at its maximum is what the quota must hold. */
    private static List<String> problems(ComputeCapacity capacity, Integer nodeCap) {
      if (nodeCap != null) {
        return capacity.problemsFor(nodeCap);
      }
      return capacity.known() ? capacity.problemsFor(capacity.maxNodeCount()) : List.of();
    }
  }
}
