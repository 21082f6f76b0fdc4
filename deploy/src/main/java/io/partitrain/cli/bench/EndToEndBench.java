package io.partitrain.cli.bench;

import io.partitrain.cli.CliCommands;
import io.partitrain.cli.client.RunClient;
import io.partitrain.deploy.LocalStack;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The end-to-end part of {@code partitrain bench}: the demo's simulated path (the {@code
 * weekly-demand} plan, an orchestrator and workers in this process, simulated jobs of 20–80 ms)
 * with {@code partitions} partitions, timed from the start command to the run's completion.
 */
final class EndToEndBench {

  private static final String EXAMPLE = "/examples/weekly-demand/";

  /**
   * How the run is set up.
   *
   * @param orchestratorHeap null: the orchestrator runs in this process; else it runs as a process
   *     of its own under this {@code -Xmx} ({@link OrchestratorProcess})
   */
  record Setup(
      int partitions,
      int workers,
      int maxInFlight,
      double failureRate,
      long seed,
      Duration timeout,
      String orchestratorHeap) {

    Setup(
        int partitions,
        int workers,
        int maxInFlight,
        double failureRate,
        long seed,
        Duration timeout) {
      this(partitions, workers, maxInFlight, failureRate, seed, timeout, null);
    }
  }

  /** What the run did. */
  record Result(
      String runId,
      Instant startedAt,
      double seconds,
      int succeeded,
      int failed,
      int attempts,
      long transactions,
      long recordsProduced,
      double meanCommitMillis,
      BenchReport.Workers workers,
      BenchReport.OrchestratorMemory orchestratorProcess,
      BenchReport.Cpu cpu) {}

  private EndToEndBench() {}

  static Result run(KafkaSettings kafka, Setup setup, Path dir, Consumer<RunSummary> progress) {
    if (setup.orchestratorHeap() != null) {
      return runWithOrchestratorProcess(kafka, setup, dir, progress);
    }
    Plan plan = plan(dir, setup);
    LocalStack stack = simulatedStack(kafka, setup.workers(), setup.failureRate(), setup.seed());
    Timed timed;
    try (stack;
        RunClient client = new RunClient(kafka, "partitrain-bench")) {
      timed = startAndFollow(client, plan, setup, progress);
    }
    // The meters are read once the stack has stopped: the orchestrator may commit a window after
    // the run completed (its last snapshots), and its counter of records must cover every record
    // the topics hold when they are counted.
    return result(timed, stack, null);
  }

  /**
   * What a run did, from its last summary and the meters of {@code stack}: the orchestrator's are
   * -1 when it ran in a process of its own ({@code process}), whose meters stay there.
   */
  private static Result result(
      Timed timed, LocalStack stack, BenchReport.OrchestratorMemory process) {
    return new Result(
        timed.runId(),
        timed.startedAt(),
        timed.seconds(),
        timed.last().count(PartitionState.SUCCEEDED),
        timed.last().count(PartitionState.FAILED),
        timed.last().attempts(),
        counter(stack, "partitrain_orchestrator_transactions_total"),
        counter(stack, "partitrain_orchestrator_records_produced_total"),
        meanMillis(stack, "partitrain_orchestrator_transaction_seconds"),
        workers(stack),
        process,
        timed.cpu());
  }

  /**
   * The same run with the orchestrator in a process of its own, under {@code -Xmx} of {@code
   * setup.orchestratorHeap()}; the workers and the simulated cloud stay here. The orchestrator's
   * own meters (transactions, records) stay in its process: -1 here.
   */
  private static Result runWithOrchestratorProcess(
      KafkaSettings kafka, Setup setup, Path dir, Consumer<RunSummary> progress) {
    Plan plan = plan(dir, setup);
    SimulatedBackend cloud = cloud(setup.failureRate(), setup.seed());
    try (LocalStack stack =
            LocalStack.workersOnly(
                kafka, setup.workers(), id -> cloud, workerTemplate(kafka), Clock.systemUTC());
        OrchestratorProcess orchestrator =
            OrchestratorProcess.start(kafka, setup.orchestratorHeap(), dir);
        RunClient client = new RunClient(kafka, "partitrain-bench")) {
      Timed timed;
      try {
        timed = startAndFollow(client, plan, setup, progress);
      } catch (RuntimeException e) {
        if (!orchestrator.isAlive()) {
          BenchReport.OrchestratorMemory r = orchestrator.stop();
          throw new PartitrainException(
              "the orchestrator process (-Xmx"
                  + setup.orchestratorHeap()
                  + ") exited with code "
                  + r.exitCode()
                  + (r.exitCode() == 3 ? " (out of memory)" : "")
                  + " before the run completed; its log: "
                  + orchestrator.log(),
              e);
        }
        throw e;
      }
      return result(timed, stack, orchestrator.stop());
    }
  }

  /**
   * The run's id, its last summary, when its start command was built, the seconds from then to its
   * completion, and this process's CPU meanwhile.
   */
  private record Timed(
      String runId, RunSummary last, Instant startedAt, double seconds, BenchReport.Cpu cpu) {}

  private static Timed startAndFollow(
      RunClient client, Plan plan, Setup setup, Consumer<RunSummary> progress) {
    String runId = "bench-" + setup.partitions();
    ProcessCpu.Reading cpu0 = ProcessCpu.read();
    Instant t0 = Instant.now();
    long start = System.nanoTime();
    // The orchestrator checks every partition of a start before it answers: a minute, or more
    // for a large run (a million partitions: their paths and jobs are checked one by one).
    Duration answer = Duration.ofSeconds(Math.max(60, setup.partitions() / 2_000));
    RunEvent started = client.send(CliCommands.startCommand(plan, runId, "bench", t0), answer);
    if (started instanceof RunEvent.CommandRejected r) {
      throw new PartitrainException("the orchestrator rejected the benchmark run: " + r.reason());
    }
    RunSummary last = client.follow(runId, RunSummary::complete, progress, setup.timeout());
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Timed(runId, last, t0, seconds, cpu0.until(ProcessCpu.read(), setup.partitions()));
  }

  /**
   * An orchestrator and {@code workers} workers in this process, sharing one simulated cloud: jobs
   * of 10 ms queueing and 20–80 ms running, a watcher round every 200 ms.
   */
  static LocalStack simulatedStack(
      KafkaSettings kafka, int workers, double failureRate, long seed) {
    SimulatedBackend cloud = cloud(failureRate, seed);
    return LocalStack.start(kafka, workers, id -> cloud, workerTemplate(kafka), Clock.systemUTC());
  }

  /** One simulated cloud for all workers of a run. */
  private static SimulatedBackend cloud(double failureRate, long seed) {
    return new SimulatedBackend(
        Clock.systemUTC(),
        new SimulationProfile(
            Duration.ofMillis(10),
            Duration.ofMillis(20),
            Duration.ofMillis(80),
            0,
            failureRate,
            seed));
  }

  private static WorkerConfig workerTemplate(KafkaSettings kafka) {
    return WorkerConfig.forInstallation("w", kafka.topics().prefix())
        .withPollInterval(Duration.ofMillis(200));
  }

  private static BenchReport.Workers workers(LocalStack stack) {
    var registry = stack.registry();
    var items = registry.find("partitrain_worker_batch_items").summaries();
    var times = registry.find("partitrain_worker_batch_seconds").timers();
    var perRecord = registry.find("partitrain_worker_statuses_per_record").summaries();
    long batches = items.stream().mapToLong(s -> s.count()).sum();
    double itemTotal = items.stream().mapToDouble(s -> s.totalAmount()).sum();
    double millis =
        times.stream()
            .mapToDouble(t -> t.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
            .sum();
    double maxMillis =
        times.stream()
            .mapToDouble(t -> t.max(java.util.concurrent.TimeUnit.MILLISECONDS))
            .max()
            .orElse(0);
    long records = perRecord.stream().mapToLong(s -> s.count()).sum();
    double statuses = perRecord.stream().mapToDouble(s -> s.totalAmount()).sum();
    var cut = registry.find("partitrain_worker_batches_cut_total").counters();
    return new BenchReport.Workers(
        batches,
        BenchReport.round(itemTotal / Math.max(1, batches)),
        BenchReport.round(millis / Math.max(1, batches)),
        BenchReport.round(maxMillis),
        (long) cut.stream().mapToDouble(c -> c.count()).sum(),
        records,
        BenchReport.round(statuses / Math.max(1, records)));
  }

  private static long counter(LocalStack stack, String name) {
    var c = stack.registry().find(name).counter();
    return c == null ? -1 : (long) c.count();
  }

  private static double meanMillis(LocalStack stack, String name) {
    var t = stack.registry().find(name).timer();
    return t == null ? -1 : t.mean(java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The weekly-demand example with {@code partitions} stores and the bench's concurrency cap. */
  static Plan plan(Path dir, Setup setup) {
    try {
      Files.createDirectories(dir.resolve("src"));
      copy("plan.yml", dir.resolve("plan.yml"));
      copy("job.yml", dir.resolve("job.yml"));
      copy("src/Train.java", dir.resolve("src/Train.java"));
      StringBuilder csv = new StringBuilder("store_id,region,business_unit\n");
      for (int i = 1; i <= setup.partitions(); i++) {
        csv.append(String.format(Locale.ROOT, "store-%07d,region-%d,bu-%d%n", i, i % 4, i % 7));
      }
      Files.writeString(dir.resolve("stores.csv"), csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Plan plan = PlanLoader.load(dir.resolve("plan.yml"));
    RunDefinition d = plan.definition();
    return new Plan(
        plan.file(),
        d.withLimits(new RunLimits(setup.maxInFlight(), null)),
        plan.partitions(),
        plan.template());
  }

  private static void copy(String name, Path target) throws IOException {
    try (InputStream in = EndToEndBench.class.getResourceAsStream(EXAMPLE + name)) {
      if (in == null) {
        throw new PartitrainException(
            "the example file " + EXAMPLE + name + " is missing from the jar");
      }
      Files.copy(in, target);
    }
  }
}
