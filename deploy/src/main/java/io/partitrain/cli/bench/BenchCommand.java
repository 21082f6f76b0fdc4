package io.partitrain.cli.bench;

import io.partitrain.cli.OutputFormat;
import io.partitrain.deploy.broker.KafkaBootstrap;
import io.partitrain.orchestrator.scheduling.deadline.BenchInstances;
import io.partitrain.orchestrator.scheduling.deadline.MakespanSimulator;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code partitrain bench}: in one process and one run, the raw-Kafka baseline on the broker (N
 * small messages produced and consumed), then the end-to-end simulated run of many partitions on
 * the same broker, and the figures that compare them: partitions/s, the ratio to the broker's own
 * rate, the messages each partition cost on each topic (counted by reading the topics back), and
 * the process's memory. It runs under a topic prefix of its own, so it can also run against an
 * external cluster ({@code KAFKA_BOOTSTRAP_SERVERS}) without touching an installation's topics.
 *
 * <p>A benchmark prints figures; it asserts nothing about time. On a shared machine compare the
 * ratio, which both halves of one run share, rather than absolute rates across runs.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = CliBench.class,
    description =
        "Measure raw Kafka and an end-to-end simulated run on the same broker, and compare them.")
public final class BenchCommand implements Callable<Integer> {

  /** The fewest messages a partition needs: work item, two statuses, one decision. */
  static final int MIN_MESSAGES_PER_PARTITION = 4;

  @Spec CommandSpec spec;

  @Option(
      names = "--partitions",
      defaultValue = "10000",
      description = "partitions of the simulated run (default: ${DEFAULT-VALUE})")
  int partitions;

  @Option(
      names = "--raw-messages",
      defaultValue = "200000",
      description = "messages of the raw-Kafka baseline (default: ${DEFAULT-VALUE})")
  int rawMessages;

  @Option(
      names = "--message-bytes",
      defaultValue = "200",
      description = "size of each raw-Kafka message (default: ${DEFAULT-VALUE})")
  int messageBytes;

  @Option(
      names = "--workers",
      defaultValue = "2",
      description = "workers of the simulated run (default: ${DEFAULT-VALUE})")
  int workers;

  @Option(
      names = "--max-in-flight",
      defaultValue = "500",
      description = "the run's concurrency cap (default: ${DEFAULT-VALUE}, as the simulated demo)")
  int maxInFlight;

  @Option(
      names = "--failure-rate",
      defaultValue = "0",
      description =
          "injected INFRA failure rate, retried (default: ${DEFAULT-VALUE}: the happy path)")
  double failureRate;

  @Option(
      names = "--makespan-node-cap",
      defaultValue = "100",
      description =
          "node cap of the makespan comparison, history-aware order against FIFO"
              + " (default: ${DEFAULT-VALUE})")
  int makespanNodeCap;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "seed of the simulated jobs (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--takeover-runs",
      defaultValue = "10",
      description =
          "finished runs before the takeover is timed, each of --takeover-partitions (default:"
              + " ${DEFAULT-VALUE}; 0 skips it)")
  int takeoverRuns;

  @Option(
      names = "--warmup-partitions",
      defaultValue = "10000",
      description =
          "partitions of an untimed run first, on topics of its own, so that the timed run"
              + " measures the pipeline with its code compiled, not the JVM's start (default:"
              + " ${DEFAULT-VALUE}; 0 skips it)")
  int warmupPartitions;

  @Option(
      names = "--takeover-partitions",
      defaultValue = "1000",
      description = "partitions of each run before the takeover (default: ${DEFAULT-VALUE})")
  int takeoverPartitions;

  @Option(
      names = "--timeout",
      defaultValue = "PT30M",
      description = "give up on the simulated run after this long (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = "--state-only",
      description =
          "measure only the orchestrator's state for one run of --partitions (no Kafka, no"
              + " workers): its live heap as the run goes, per partition; run it under the heap"
              + " to check, e.g. java -Xmx1g -jar partitrain.jar bench --state-only --partitions"
              + " 1000000")
  boolean stateOnly;

  @Option(
      names = "--orchestrator-heap",
      description =
          "run the orchestrator of the timed run as a process of its own with this -Xmx (e.g."
              + " 1g), to measure its memory apart from the broker, the workers and the simulated"
              + " cloud (default: in this process)")
  String orchestratorHeap;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json")
  OutputFormat output;

  @Override
  public Integer call() throws IOException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter info = spec.commandLine().getErr();
    if (stateOnly) {
      return stateOnly(out, info);
    }
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = Files.createTempDirectory("partitrain-bench-");
    try (KafkaBootstrap broker = KafkaBootstrap.resolve()) {
      KafkaSettings kafka =
          new KafkaSettings(broker.bootstrapServers(), new Topics(prefix), Map.of());
      info.printf("partitrain bench: Kafka %s, topic prefix %s%n", broker.description(), prefix);
      if (warmupPartitions > 0) {
        // A JIT compiles the hot paths of a process in its first seconds, and a 10,000-partition
        // run lasts only a few: timed cold, it measured mostly the compiler. The warm-up runs the
        // same code (another orchestrator and workers, on topics of their own) and is not timed.
        info.printf(
            "  warm-up: %,d simulated partitions on %s-warmup, not timed...%n",
            warmupPartitions, prefix);
        info.flush();
        EndToEndBench.run(
            new KafkaSettings(broker.bootstrapServers(), new Topics(prefix + "-warmup"), Map.of()),
            new EndToEndBench.Setup(
                warmupPartitions, workers, maxInFlight, failureRate, seed, timeout),
            Files.createDirectories(dir.resolve("warmup")),
            s -> {});
      }
      info.printf("  raw Kafka: %,d messages of %d bytes...%n", rawMessages, messageBytes);
      info.flush();
      RawKafkaBench.Result raw =
          RawKafkaBench.run(
              kafka,
              prefix + ".raw",
              TopicAdmin.DEFAULT_WORK_PARTITIONS,
              rawMessages,
              messageBytes);
      info.printf(
          "  end to end: %,d simulated partitions, %d workers, maxInFlight %d...%n",
          partitions, workers, maxInFlight);
      info.flush();
      EndToEndBench.Result run =
          EndToEndBench.run(
              kafka,
              new EndToEndBench.Setup(
                  partitions, workers, maxInFlight, failureRate, seed, timeout, orchestratorHeap),
              dir,
              new BenchProgress(info));
      info.println();
      info.printf("  counting what reached each topic...%n");
      info.flush();
      BenchReport.Messages messages =
          BenchReport.Messages.of(TopicCounts.of(kafka), partitions, TopicCounts.carried(kafka));
      TakeoverBench.Result takeover = null;
      if (takeoverRuns > 0) {
        info.printf(
            "  takeover: %d finished runs of %,d partitions, then a new leader...%n",
            takeoverRuns, takeoverPartitions);
        info.flush();
        takeover =
            TakeoverBench.run(
                new KafkaSettings(
                    broker.bootstrapServers(), new Topics(prefix + "-takeover"), Map.of()),
                new EndToEndBench.Setup(takeoverPartitions, workers, maxInFlight, 0, seed, timeout),
                takeoverRuns,
                Files.createDirectories(dir.resolve("takeover")));
      }
      BenchReport.Timeline timeline =
          TimelineReader.of(kafka, run.runId(), run.startedAt(), run.seconds());
      BenchReport report = report(broker.description(), raw, run, timeline, messages, takeover);
      if (output == OutputFormat.json) {
        out.println(Json.toPrettyString(report));
      } else {
        BenchReportTable.print(report, out);
      }
      out.flush();
      return run.succeeded() + run.failed() == partitions ? 0 : 1;
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  /** {@code --state-only}: the orchestrator's state alone ({@link StateMemoryBench}). */
  private int stateOnly(PrintWriter out, PrintWriter info) throws IOException {
    Path dir = Files.createTempDirectory("partitrain-bench-");
    try {
      info.printf(
          "partitrain bench --state-only: one run of %,d partitions through the orchestrator's"
              + " tracker, no Kafka%n",
          partitions);
      info.flush();
      StateMemoryBench.Result r = StateMemoryBench.run(partitions, dir, info);
      if (output == OutputFormat.json) {
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("type", "StateMemoryReport");
        json.put("partitions", r.partitions());
        json.put("succeeded", r.succeeded());
        json.put("seconds", r.seconds());
        json.put("heapAfterStartMiB", r.heapAfterStartMiB());
        json.put("heapLivePeakMiB", r.heapLivePeakMiB());
        json.put("bytesPerPartition", Math.round(r.bytesPerPartition()));
        json.put("heapMaxMiB", r.heapMaxMiB());
        out.println(Json.toPrettyString(json));
      } else {
        out.printf(
            Locale.ROOT,
            "partitions %,d (succeeded %,d) in %.1f s%nlive heap after the start %,d MiB, peak %,d"
                + " MiB of %,d MiB max: %,.0f bytes per partition%n",
            r.partitions(),
            r.succeeded(),
            r.seconds(),
            r.heapAfterStartMiB(),
            r.heapLivePeakMiB(),
            r.heapMaxMiB(),
            r.bytesPerPartition());
      }
      out.flush();
      return r.succeeded() == partitions ? 0 : 1;
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  private BenchReport report(
      String broker,
      RawKafkaBench.Result raw,
      EndToEndBench.Result run,
      BenchReport.Timeline timeline,
      BenchReport.Messages messages,
      TakeoverBench.Result takeover) {
    double partitionsPerSecond = partitions / run.seconds();
    double rawRate = raw.rate();
    return new BenchReport(
        "BenchReport",
        new BenchReport.Machine(
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name") + " " + System.getProperty("os.arch"),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
            Runtime.getRuntime().maxMemory() >> 20,
            broker,
            "partitrain " + String.join(" ", spec.commandLine().getParseResult().originalArgs())),
        new BenchReport.Raw(
            raw.messages(),
            raw.messageBytes(),
            BenchReport.round(raw.produceRate()),
            BenchReport.round(raw.consumeRate()),
            BenchReport.round(rawRate),
            raw.cpu()),
        new BenchReport.EndToEnd(
            run.runId(),
            partitions,
            workers,
            maxInFlight,
            failureRate,
            BenchReport.round(run.seconds()),
            BenchReport.round(partitionsPerSecond),
            run.succeeded(),
            run.failed(),
            run.attempts(),
            run.transactions(),
            // -1 throughout when the orchestrator ran as its own process (its meters stay there)
            run.transactions() < 0 ? -1 : BenchReport.round(run.transactions() / run.seconds()),
            run.recordsProduced(),
            run.transactions() < 0
                ? -1
                : BenchReport.round(
                    run.recordsProduced() / (double) Math.max(1, run.transactions())),
            BenchReport.round(run.meanCommitMillis()),
            BenchReport.round(messages.total() / run.seconds()),
            warmupPartitions,
            run.cpu()),
        timeline,
        messages,
        BenchReport.round(partitionsPerSecond / (rawRate / MIN_MESSAGES_PER_PARTITION)),
        run.orchestratorProcess() != null
            ? -1
            : BenchReport.round(
                raw.cpu().microsPerUnitOutsideCompiler()
                    * MIN_MESSAGES_PER_PARTITION
                    / run.cpu().microsPerUnitOutsideCompiler()),
        ProcessMemory.now(),
        makespan(),
        run.workers(),
        takeover == null
            ? null
            : new BenchReport.Takeover(
                takeover.finishedRuns(),
                takeover.partitionsPerRun(),
                takeover.readyMillis(),
                takeover.stateRecords(),
                takeover.runsRecordsAfterSnapshots(),
                takeover.runsInMemory(),
                takeover.runsTopicRecords(),
                takeover.fullReplayMillis()),
        run.orchestratorProcess());
  }

  /** The makespan figure, computed by the deadline-aware scheduler's own simulator. */
  private BenchReport.Makespan makespan() {
    MakespanSimulator.Comparison c =
        MakespanSimulator.compare(BenchInstances.retailWeek(partitions, seed), makespanNodeCap);
    return new BenchReport.Makespan(
        partitions,
        makespanNodeCap,
        BenchReport.round(c.lowerBound()),
        BenchReport.round(c.fifoMakespan()),
        BenchReport.round(c.historyAwareMakespan()),
        BenchReport.round(c.fifoRatio()),
        BenchReport.round(c.historyAwareRatio()));
  }

  private void validate() {
    if (partitions < 1 || partitions > 1_000_000) {
      throw new PartitrainException(
          "--partitions must be from 1 to 1000000, but was " + partitions);
    }
    if (rawMessages < 1) {
      throw new PartitrainException("--raw-messages must be at least 1, but was " + rawMessages);
    }
    if (messageBytes < 32 || messageBytes > 100_000) {
      throw new PartitrainException(
          "--message-bytes must be from 32 to 100000, but was " + messageBytes);
    }
    if (makespanNodeCap < 1) {
      throw new PartitrainException(
          "--makespan-node-cap must be at least 1, but was " + makespanNodeCap);
    }
    if (workers < 1 || maxInFlight < 1) {
      throw new PartitrainException("--workers and --max-in-flight must be at least 1");
    }
    if (warmupPartitions < 0 || warmupPartitions > 1_000_000) {
      throw new PartitrainException(
          "--warmup-partitions must be from 0 to 1000000, but was " + warmupPartitions);
    }
    if (takeoverRuns < 0 || takeoverRuns > 1000 || takeoverPartitions < 1) {
      throw new PartitrainException(
          "--takeover-runs must be from 0 to 1000 and --takeover-partitions at least 1, but were "
              + takeoverRuns
              + " and "
              + takeoverPartitions);
    }
    if (orchestratorHeap != null && !orchestratorHeap.matches("[1-9][0-9]*[mMgG]")) {
      throw new PartitrainException(
          "--orchestrator-heap must be a heap size such as 1g or 800m, but was '"
              + orchestratorHeap
              + "'");
    }
    if (failureRate < 0 || failureRate > 0.9) {
      throw new PartitrainException("--failure-rate must be from 0 to 0.9, but was " + failureRate);
    }
  }
}
