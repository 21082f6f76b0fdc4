package io.partitrain.cli.demo;

import io.partitrain.cli.CliCommands;
import io.partitrain.cli.ConsoleBanner;
import io.partitrain.cli.ExitCode;
import io.partitrain.cli.OutputOption;
import io.partitrain.cli.SummaryView;
import io.partitrain.cli.client.FinOpsClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.deploy.LocalStack;
import io.partitrain.deploy.broker.KafkaBootstrap;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.local.LocalBackendConfig;
import io.partitrain.worker.backend.local.LocalProcessBackend;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code partitrain demo}: everything in one process on a fresh machine. An embedded Kafka broker,
 * the orchestrator, two workers and the local backend train one weekly demand model per store (the
 * {@code weekly-demand} example). A few stores have broken data and fail as USER failures; injected
 * node losses (INFRA) are retried automatically. Then the demo repairs the data, asks for {@code
 * run rerun --failed}, and shows that only the failed stores ran again.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the weekly-demand example end to end on an embedded Kafka broker.")
public final class DemoCommand implements Callable<Integer> {

  static final List<String> REGIONS = List.of("north", "south", "east", "west");
  private static final String EXAMPLE = "/examples/weekly-demand/";
  private static final Set<String> SHOWN_TAGS = Set.of("region");
  private static final Set<String> SHOWN_METRICS = Set.of("mape", "rmse");

  @Spec CommandSpec spec;

  @Option(
      names = "--stores",
      defaultValue = "40",
      description = "number of stores (partitions) (default: ${DEFAULT-VALUE})")
  int stores;

  @Option(
      names = "--broken",
      defaultValue = "3",
      description = "stores with broken data, which fail as USER (default: ${DEFAULT-VALUE})")
  int broken;

  @Option(
      names = "--failure-rate",
      defaultValue = "0.1",
      description =
          "injected INFRA failure rate, retried automatically (default: ${DEFAULT-VALUE})")
  double failureRate;

  @Option(
      names = "--backend",
      defaultValue = "local",
      description = "local or simulated (default: ${DEFAULT-VALUE})")
  String backend;

  @Option(
      names = "--workers",
      defaultValue = "2",
      description = "workers (default: ${DEFAULT-VALUE})")
  int workers;

  @Option(
      names = "--slots",
      defaultValue = "2",
      description = "local job slots per worker (default: ${DEFAULT-VALUE})")
  int slots;

  @Option(
      names = "--max-in-flight",
      description = "the run's concurrency cap (default: workers x slots; 500 for simulated)")
  Integer maxInFlight;

  @Option(
      names = "--workdir",
      defaultValue = ".partitrain/demo",
      description = "where data, jobs and logs go (default: ${DEFAULT-VALUE})")
  Path workdir;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "seed of the data and the injected failures")
  long seed;

  @Option(
      names = "--run-id",
      description =
          "the run id (default: weekly-demand-demo-yyyyMMdd-HHmmss); "
              + "with the same seed, the same id replays the same injected failures")
  String runId;

  @Option(
      names = "--timeout",
      defaultValue = "PT10M",
      description = "give up after this long (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Mixin OutputOption output;

  @Option(names = "--report", description = "also write the JSON summary to this file")
  Path reportFile;

  @Option(
      names = "--cost-cap",
      description =
          "the run's cost cap (a budget priced with --price); partitions that "
              + "do not fit are DEFERRED_BY_COST")
  java.math.BigDecimal costCap;

  @Option(
      names = "--price",
      defaultValue = "2.00",
      description =
          "price per node-hour of the demo's compute target " + "(default: ${DEFAULT-VALUE})")
  java.math.BigDecimal price;

  @Option(
      names = "--currency",
      defaultValue = "EUR",
      description = "currency of --cost-cap and --price (default: ${DEFAULT-VALUE})")
  String currency;

  @Option(names = "--node-cap", description = "node cap of every compute target (default: none)")
  Integer nodeCap;

  @Option(
      names = "--console-port",
      defaultValue = "0",
      description = "port of the web console and API on 127.0.0.1 (default: any free port)")
  int consolePort;

  @Override
  public Integer call() throws IOException {
    validate();
    Instant t0 = Instant.now();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter info = output.json() ? spec.commandLine().getErr() : out;
    Path dir = prepareWorkdir();
    List<String> storeIds = writeStores(dir.resolve("stores.csv"));
    Set<String> brokenStores = WeeklyDemandData.pickBroken(storeIds, broken, seed);
    if (backend.equals("local")) {
      // Simulated jobs read no data; 10,000 stores of sales would only cost time and disk.
      WeeklyDemandData.writeAll(dir.resolve("data"), storeIds, seed, brokenStores);
    }
    Plan plan = withConcurrency(PlanLoader.load(dir.resolve("plan.yml")));

    info.printf(
        "Partitrain demo: %d stores (%d with broken data), %s backend, injected INFRA failure rate %.2f%n",
        stores, brokenStores.size(), backend, failureRate);
    info.printf("  workdir %s%n", dir);
    info.flush();
    SimulatedBackend simulated =
        backend.equals("simulated")
            ? new SimulatedBackend(Clock.systemUTC(), simulationProfile())
            : null;
    if (simulated != null) {
      simulated.breakPartitions(brokenStores);
    }
    try (KafkaBootstrap kafkaHandle = KafkaBootstrap.resolve()) {
      info.printf("  Kafka: %s%n", kafkaHandle.description());
      info.flush();
      var kafka = new KafkaSettings(kafkaHandle.bootstrapServers(), Topics.defaults(), Map.of());
      try (LocalStack stack =
              LocalStack.start(
                  kafka,
                  workers,
                  backendFactory(dir, simulated),
                  WorkerConfig.forInstallation("w", Topics.DEFAULT_PREFIX)
                      .withPollInterval(Duration.ofMillis(200)),
                  Clock.systemUTC(),
                  nodeCap == null ? NodeCapConfig.unlimited() : NodeCapConfig.of(nodeCap));
          RunClient client = new RunClient(kafka, "partitrain-demo")) {
        LocalTokenAuthenticator token = LocalTokenAuthenticator.generate();
        Console console =
            stack.startConsole(
                new ConsoleConfig(ConsoleConfig.DEFAULT_HOST, consolePort),
                token,
                Optional.of(dir.resolve("jobs")));
        ConsoleBanner.print(info, console, token);
        String runId =
            this.runId != null
                ? this.runId
                : CliCommands.manualRunId("weekly-demand-demo", Instant.now());
        RunEvent started =
            client.send(
                CliCommands.startCommand(plan, runId, "demo", Instant.now()),
                Duration.ofSeconds(60));
        if (started instanceof RunEvent.CommandRejected r) {
          throw new PartitrainException("the orchestrator rejected the demo run: " + r.reason());
        }
        info.printf(
            "%nRun %s started: %d partitions, concurrency cap %d%n",
            runId, stores, plan.definition().limits().maxInFlight());
        info.flush();
        Progress progress = new Progress(info, System.console() != null && !output.json());
        RunSummary first = client.follow(runId, DemoCommand::settledOrWaiting, progress, timeout);
        progress.done(first);
        if (!output.json()) {
          out.println();
          SummaryView.print(first, out, SHOWN_TAGS, SHOWN_METRICS);
        }

        repair(dir, brokenStores, simulated, info);
        Instant rerunAt = Instant.now();
        RunEvent answer =
            client.send(
                new RunCommand.RerunFailed(
                    Schema.VERSION,
                    UUID.randomUUID().toString(),
                    runId,
                    "demo",
                    "data repaired",
                    rerunAt),
                Duration.ofSeconds(60));
        if (!(answer instanceof RunEvent.RerunAccepted accepted)) {
          throw new PartitrainException("the orchestrator did not accept the rerun: " + answer);
        }
        info.printf(
            "%n`run rerun %s --failed`: %d partitions will run again: %s%n",
            runId, accepted.partitionIds().size(), String.join(", ", accepted.partitionIds()));
        info.flush();
        int wanted = first.rerunRequested() + accepted.partitionIds().size();
        RunSummary last =
            client.follow(
                runId,
                rerunAt,
                s -> settledOrWaiting(s) && s.rerunRequested() >= wanted,
                progress,
                timeout);
        progress.done(last);
        List<RunEvent> events = client.events(runId);
        RerunEvidence evidence = RerunEvidence.of(events, accepted.commandId());
        DemoCaps caps = DemoCaps.of(runId, events, FinOpsClient.readAll(kafka, "partitrain-demo"));
        DemoReport report =
            report(
                runId, kafkaHandle.description(), dir, first, last, accepted, evidence, t0, caps);
        print(report, last, out);
        return report.rerun().onlyFailedRanAgain() ? ExitCode.OK.code() : ExitCode.REJECTED.code();
      }
    }
  }

  private void validate() {
    if (stores < 1 || stores > 100_000) {
      throw new PartitrainException("--stores must be from 1 to 100000, but was " + stores);
    }
    if (broken < 0 || broken > stores) {
      throw new PartitrainException(
          "--broken must be from 0 to --stores (" + stores + "), but was " + broken);
    }
    if (failureRate < 0 || failureRate > 0.9) {
      throw new PartitrainException("--failure-rate must be from 0 to 0.9, but was " + failureRate);
    }
    if (!backend.equals("local") && !backend.equals("simulated")) {
      throw new PartitrainException("--backend must be local or simulated, but was " + backend);
    }
    if (workers < 1 || slots < 1) {
      throw new PartitrainException("--workers and --slots must be at least 1");
    }
  }

  private SimulationProfile simulationProfile() {
    return new SimulationProfile(
        Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(300), 0, failureRate, seed);
  }

  private Function<String, JobBackend> backendFactory(Path dir, SimulatedBackend simulated) {
    if (simulated != null) {
      // One shared "cloud" for all workers, as Azure ML would be; closing it is a no-op.
      return id -> simulated;
    }
    Path jobs = dir.resolve("jobs");
    return id ->
        new LocalProcessBackend(
            new LocalBackendConfig(jobs, slots, failureRate, seed), Clock.systemUTC());
  }

  private Plan withConcurrency(Plan plan) {
    int cap =
        maxInFlight != null ? maxInFlight : backend.equals("simulated") ? 500 : workers * slots;
    RunDefinition d = plan.definition();
    CostBudget budget =
        costCap == null
            ? null
            : new CostBudget(
                costCap,
                currency,
                Map.of(
                    plan.template().render("demo", plan.partitions().get(0)).computeTarget(),
                    price));
    return new Plan(
        plan.file(), d.withLimits(new RunLimits(cap, budget)), plan.partitions(), plan.template());
  }

  private Path prepareWorkdir() throws IOException {
    Path dir = workdir.toAbsolutePath().normalize();
    if (Files.exists(dir)) {
      deleteTree(dir);
    }
    Files.createDirectories(dir.resolve("src"));
    copyResource("plan.yml", dir.resolve("plan.yml"));
    copyResource("job.yml", dir.resolve("job.yml"));
    copyResource("src/Train.java", dir.resolve("src/Train.java"));
    return dir;
  }

  /**
   * Where the demo stops following a run: settled, or held by its money cap ({@code --cost-cap}),
   * whose deferred partitions wait for an operator; it is never "complete" then.
   */
  static boolean settledOrWaiting(RunSummary s) {
    return RunOutcome.of(s, false) != RunOutcome.ACTIVE;
  }

  private static void copyResource(String name, Path target) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(EXAMPLE + name)) {
      if (in == null) {
        throw new PartitrainException(
            "the example file " + EXAMPLE + name + " is missing from the jar");
      }
      Files.copy(in, target);
    }
  }

  private List<String> writeStores(Path csv) throws IOException {
    List<String> ids = new ArrayList<>();
    StringBuilder b = new StringBuilder("store_id,region,business_unit\n");
    for (int i = 1; i <= stores; i++) {
      String id = String.format(Locale.ROOT, stores < 1000 ? "store-%03d" : "store-%05d", i);
      ids.add(id);
      b.append(id)
          .append(',')
          .append(REGIONS.get((i - 1) % REGIONS.size()))
          .append(',')
          .append(WeeklyDemandData.businessUnitOf(id))
          .append('\n');
    }
    Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
    return ids;
  }

  private void repair(
      Path dir, Set<String> brokenStores, SimulatedBackend simulated, PrintWriter info) {
    for (String store : brokenStores) {
      if (simulated != null) {
        simulated.repair(store);
      } else {
        WeeklyDemandData.repair(dir.resolve("data"), store, seed);
      }
    }
    info.printf(
        "%nRepaired the data of %d stores: %s%n",
        brokenStores.size(), brokenStores.stream().sorted().collect(Collectors.joining(", ")));
    info.flush();
  }

  private DemoReport report(
      String runId,
      String broker,
      Path dir,
      RunSummary first,
      RunSummary last,
      RunEvent.RerunAccepted accepted,
      RerunEvidence evidence,
      Instant t0,
      DemoCaps caps) {
    return new DemoReport(
        runId,
        backend,
        broker,
        dir.toString(),
        new DemoReport.Partitions(
            last.total(),
            last.count(PartitionState.SUCCEEDED),
            last.failedForGood(),
            last.count(PartitionState.CANCELED)),
        last.attempts(),
        last.retried(),
        last.jobsSubmitted(),
        new DemoReport.Pass(
            first.count(PartitionState.SUCCEEDED),
            first.failedForGood(),
            first.attempts(),
            first.jobsSubmitted(),
            first.failed()),
        new DemoReport.Rerun(
            last.rerunRequested(),
            last.rerunResubmitted(),
            accepted.partitionIds(),
            evidence.ranAgain(),
            evidence.onlyFailedRanAgain()),
        last.failed(),
        shownMetrics(last.metricsByTag().getOrDefault("region", Map.of())),
        Duration.between(t0, Instant.now()).toMillis() / 1000.0,
        caps.report().cap() == null
            ? null
            : new DemoReport.Cost(
                caps.report().cap(), caps.report().spent(), caps.report().currency()),
        caps.maxInFlightNodes(),
        nodeCap,
        caps.stillDeferred());
  }

  /** The metrics the table shows, so that table and JSON tell the same story. */
  private static Map<String, Map<String, RunSummary.MetricStats>> shownMetrics(
      Map<String, Map<String, RunSummary.MetricStats>> byRegion) {
    Map<String, Map<String, RunSummary.MetricStats>> out = new java.util.TreeMap<>();
    byRegion.forEach(
        (region, metrics) -> {
          Map<String, RunSummary.MetricStats> kept = new java.util.TreeMap<>(metrics);
          kept.keySet().retainAll(SHOWN_METRICS);
          out.put(region, kept);
        });
    return out;
  }

  private void print(DemoReport r, RunSummary last, PrintWriter out) throws IOException {
    if (reportFile != null) {
      Files.writeString(reportFile, Json.toPrettyString(r));
    }
    if (output.json()) {
      out.println(Json.toPrettyString(r));
      out.flush();
      return;
    }
    out.println();
    SummaryView.print(last, out, SHOWN_TAGS, SHOWN_METRICS);
    out.println();
    out.printf(
        "Rerun: %d failed partitions asked to run again, %d resubmitted; partitions that ran again: %s%n",
        r.rerun().requested(),
        r.rerun().resubmitted(),
        r.rerun().ranAgain().isEmpty()
            ? "none"
            : String.join(", ", new java.util.TreeSet<>(r.rerun().ranAgain())));
    out.printf(
        "Only failed partitions ran again: %s (%d succeeded partitions untouched)%n",
        r.rerun().onlyFailedRanAgain() ? "yes" : "NO", r.firstPass().succeeded());
    if (r.cost() != null) {
      out.printf(
          "Cost: spent %s of cap %s %s%n",
          r.cost().spent().setScale(4, java.math.RoundingMode.HALF_UP).toPlainString(),
          r.cost().cap().toPlainString(),
          r.cost().currency());
    }
    out.printf(
        "Nodes: at most %d in flight at once%s%n",
        r.maxInFlightNodes(),
        r.nodeCap() == null ? " (no node cap)" : " (node cap " + r.nodeCap() + ")");
    out.printf(
        "Deferred by cost: %s%n",
        r.deferred().isEmpty()
            ? "none"
            : r.deferred().size() + ": " + String.join(", ", r.deferred()));
    out.printf("Done in %.1f s. Logs and models under %s/jobs%n", r.elapsedSeconds(), r.workdir());
    out.flush();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  /** Prints a progress line per published snapshot: counts per state. */
  static final class Progress implements java.util.function.Consumer<RunSummary> {
    private final PrintWriter out;
    private final boolean inPlace;
    private final Instant start = Instant.now();
    private Instant lastPrinted = Instant.EPOCH;
    private String lastCounts = "";

    Progress(PrintWriter out, boolean inPlace) {
      this.out = out;
      this.inPlace = inPlace;
    }

    @Override
    public void accept(RunSummary s) {
      Instant now = Instant.now();
      String counts = counts(s);
      boolean due =
          inPlace || Duration.between(lastPrinted, now).toMillis() >= 2000 || settledOrWaiting(s);
      if (!due || counts.equals(lastCounts)) {
        return;
      }
      lastPrinted = now;
      lastCounts = counts;
      String line = line(s, now, counts);
      if (inPlace) {
        out.print("\r" + line + "   ");
      } else {
        out.println(line);
      }
      out.flush();
    }

    void done(RunSummary s) {
      if (inPlace) {
        out.println();
        out.flush();
      }
    }

    private static String counts(RunSummary s) {
      return SummaryView.stateCounts(s).entrySet().stream()
          .map(e -> e.getKey().toLowerCase(Locale.ROOT) + " " + e.getValue())
          .collect(Collectors.joining(" | "));
    }

    private String line(RunSummary s, Instant now, String counts) {
      int settled =
          s.count(PartitionState.SUCCEEDED) + s.failedForGood() + s.count(PartitionState.CANCELED);
      int width = 24;
      int filled = s.total() == 0 ? 0 : settled * width / s.total();
      String bar = "#".repeat(filled) + ".".repeat(width - filled);
      return String.format(
          Locale.ROOT,
          "[%5.1fs] [%s] %s",
          Duration.between(start, now).toMillis() / 1000.0,
          bar,
          counts);
    }
  }
}
