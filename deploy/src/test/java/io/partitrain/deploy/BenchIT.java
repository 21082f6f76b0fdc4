package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.serde.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code partitrain bench -o json} as a user runs it (the jar, its own embedded broker), small. It
 * asserts what the figures must satisfy whatever the machine's speed, never a time: every partition
 * settled, the topic counts agree with the orchestrator's own count of what it committed, the
 * counts cover what each partition must at least have cost, and the ratio is computed from the
 * printed rates.
 */
@Timeout(600)
class BenchIT {

  private static final Path JAR = Path.of("target/partitrain.jar").toAbsolutePath();
  private static final int PARTITIONS = 300;

  @TempDir Path dir;

  /** Runs {@code partitrain bench ARGS} from the jar; returns its exit code. */
  private int bench(Path out, Path err, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "bench"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("bench did not finish; stderr:\n" + Files.readString(err));
    }
    return p.exitValue();
  }

  @Test
  void benchPrintsConsistentFiguresAsJson() throws Exception {
    Path out = dir.resolve("bench.json");
    Path err = dir.resolve("bench.err");
    int exit =
        bench(
            out,
            err,
            "--partitions",
            String.valueOf(PARTITIONS),
            "--raw-messages",
            "5000",
            "--takeover-runs",
            "3",
            "--takeover-partitions",
            "100",
            "--warmup-partitions",
            "50",
            "-o",
            "json");
    assertThat(exit).as("exit code; stderr:\n" + Files.readString(err)).isZero();
    JsonNode r = Json.mapper().readTree(out.toFile());

    assertThat(r.path("type").asText()).isEqualTo("BenchReport");
    JsonNode run = r.path("endToEnd");
    assertThat(run.path("partitions").asInt()).isEqualTo(PARTITIONS);
    assertThat(run.path("succeeded").asInt()).isEqualTo(PARTITIONS);
    assertThat(run.path("failed").asInt()).isZero();
    assertThat(run.path("warmupPartitions").asInt()).isEqualTo(50);

    JsonNode topics = r.path("messages").path("byTopic");
    JsonNode carried = r.path("messages").path("carried");
    // What each partition costs at least, read back from the topics and unbatched: its work item,
    // its job's SUBMITTED and terminal status, and its SCHEDULED, ADMITTED and terminal moves.
    assertThat(topics.path("work").asLong()).isGreaterThanOrEqualTo(PARTITIONS);
    assertThat(carried.path("statuses").asLong()).isGreaterThanOrEqualTo(2L * PARTITIONS);
    assertThat(carried.path("moves").asLong()).isGreaterThanOrEqualTo(3L * PARTITIONS);
    assertThat(topics.path("dlq").asLong()).isZero();
    // ... carried by far fewer records (issue 12): the moves of a window in one record per run, the
    // statuses of a batch of work items or of a watcher round in one record per worker.
    assertThat(topics.path("runs").asLong())
        .isPositive()
        .isLessThanOrEqualTo(carried.path("moves").asLong() / 2);
    assertThat(topics.path("status").asLong())
        .isPositive()
        .isLessThanOrEqualTo(carried.path("statuses").asLong() / 2);
    JsonNode workers = r.path("workers");
    assertThat(workers.path("batches").asLong()).isPositive();
    assertThat(workers.path("itemsPerBatch").asDouble() * workers.path("batches").asLong())
        .as("every work item handled in some batch")
        .isGreaterThanOrEqualTo(PARTITIONS - 1);
    assertThat(workers.path("statusRecords").asLong()).isPositive();
    // The topics, read back, hold exactly what the orchestrator's counter says it committed.
    long written =
        topics.path("runs").asLong()
            + topics.path("work").asLong()
            + topics.path("partitions").asLong()
            + topics.path("finops").asLong()
            + topics.path("state").asLong();
    assertThat(run.path("orchestratorRecords").asLong()).isEqualTo(written);
    long total = 0;
    for (JsonNode n : topics) {
      total += n.asLong();
    }
    assertThat(r.path("messages").path("total").asLong()).isEqualTo(total);
    assertThat(r.path("messages").path("perPartition").path("total").asDouble())
        .isCloseTo(total / (double) PARTITIONS, within(0.001));

    double raw = r.path("raw").path("messagesPerSecond").asDouble();
    assertThat(raw).isPositive();
    assertThat(r.path("ratio").asDouble())
        .isCloseTo(run.path("partitionsPerSecond").asDouble() / (raw / 4), within(0.002));
    assertThat(r.path("memory").path("residentMiB").asLong()).isPositive();
    // CPU: the process's clock (JVM) and its compiler and GC threads' (/proc) agree with each other
    // and with the wall clock: no more than every core for the timed seconds.
    int cpus = r.path("machine").path("cpus").asInt();
    for (JsonNode cpu : List.of(r.path("raw").path("cpu"), run.path("cpu"))) {
      double seconds = cpu.path("seconds").asDouble();
      assertThat(seconds).isPositive();
      assertThat(cpu.path("compilerSeconds").asDouble()).isBetween(0.0, seconds);
      assertThat(cpu.path("gcSeconds").asDouble()).isBetween(0.0, seconds);
      assertThat(cpu.path("microsPerUnitOutsideCompiler").asDouble())
          .isPositive()
          .isLessThanOrEqualTo(cpu.path("microsPerUnit").asDouble());
    }
    assertThat(run.path("cpu").path("seconds").asDouble())
        .isLessThanOrEqualTo(run.path("seconds").asDouble() * cpus + 0.05);
    assertThat(run.path("cpu").path("microsPerUnit").asDouble())
        .isCloseTo(run.path("cpu").path("seconds").asDouble() * 1e6 / PARTITIONS, within(1.0));
    assertThat(r.path("cpuRatio").asDouble())
        .isCloseTo(
            r.path("raw").path("cpu").path("microsPerUnitOutsideCompiler").asDouble()
                * 4
                / run.path("cpu").path("microsPerUnitOutsideCompiler").asDouble(),
            within(0.002));
    // Bytes: every work item carries its partition's whole job, so hundreds of bytes at least; the
    // total is the topics' sum (each rounded per partition).
    JsonNode bytes = r.path("messages").path("bytesPerPartition");
    assertThat(bytes.path("work").asLong()).isGreaterThan(300);
    long bytesSum = 0;
    for (var names = topics.fieldNames(); names.hasNext(); ) {
      bytesSum += bytes.path(names.next()).asLong(-1_000_000);
    }
    assertThat(bytes.path("total").asLong()).isCloseTo(bytesSum, within((long) topics.size()));
    // The timeline: every moment came, in the order a run goes, and the last is the timed end.
    JsonNode t = r.path("timeline");
    double previous = 0;
    for (String moment :
        List.of(
            "started",
            "firstAdmitted",
            "firstSubmitted",
            "firstSucceeded",
            "halfSucceeded",
            "lastSucceeded",
            "completed",
            "seen")) {
      assertThat(t.path(moment).asDouble(-1)).as(moment).isGreaterThanOrEqualTo(previous);
      previous = t.path(moment).asDouble();
    }
    assertThat(t.path("seen").asDouble()).isCloseTo(run.path("seconds").asDouble(), within(0.001));
    // The makespan figure: no order beats the lower bound.
    JsonNode makespan = r.path("makespan");
    assertThat(makespan.path("partitions").asInt()).isEqualTo(PARTITIONS);
    assertThat(makespan.path("historyAwareRatio").asDouble()).isGreaterThanOrEqualTo(1.0);
    assertThat(makespan.path("fifoRatio").asDouble()).isGreaterThanOrEqualTo(1.0);
    // The takeover figure: the new leader knows the finished runs by their final snapshots and
    // reads less of the runs topic than one run wrote (the full replay reads all of it).
    JsonNode takeover = r.path("takeover");
    assertThat(takeover.path("finishedRuns").asInt()).isEqualTo(3);
    assertThat(takeover.path("runsInMemory").asInt()).isZero();
    assertThat(takeover.path("stateRecords").asLong()).isPositive();
    assertThat(takeover.path("runsRecordsAfterSnapshots").asLong())
        .isLessThan(takeover.path("runsTopicRecords").asLong() / 3);
    assertThat(takeover.path("readyMillis").asLong()).isPositive();
  }

  /**
   * {@code --orchestrator-heap}: the orchestrator runs as a process of its own under that heap (how
   * the million-partition figure is measured); the bench reports its heap from the child's own GC
   * log, and the run completes under it.
   */
  @Test
  void anOrchestratorInItsOwnProcessRunsTheRunUnderItsOwnHeap() throws Exception {
    Path out = dir.resolve("bench.json");
    Path err = dir.resolve("bench.err");
    int exit =
        bench(
            out,
            err,
            "--partitions",
            String.valueOf(PARTITIONS),
            "--raw-messages",
            "2000",
            "--takeover-runs",
            "0",
            "--warmup-partitions",
            "0",
            "--orchestrator-heap",
            "96m",
            "-o",
            "json");
    assertThat(exit).as("exit code; stderr:\n" + Files.readString(err)).isZero();
    JsonNode r = Json.mapper().readTree(out.toFile());

    assertThat(r.path("endToEnd").path("succeeded").asInt()).isEqualTo(PARTITIONS);
    // Its meters stay in its own process: not reported as zeros.
    assertThat(r.path("endToEnd").path("transactions").asLong()).isEqualTo(-1);
    JsonNode o = r.path("orchestratorProcess");
    assertThat(o.path("heapMax").asText()).isEqualTo("96m");
    assertThat(o.path("ranToTheEnd").asBoolean()).as("not ended by running out of heap").isTrue();
    assertThat(o.path("heapAfterGcPeakMiB").asLong()).isPositive().isLessThanOrEqualTo(96);
    assertThat(o.path("peakResidentMiB").asLong()).isPositive();
  }

  @Test
  void aHeapSizeThatIsNotOneIsRefusedBeforeAnythingStarts() throws Exception {
    Path out = dir.resolve("bench.out");
    Path err = dir.resolve("bench.err");
    int exit = bench(out, err, "--orchestrator-heap", "1g -XX:+Something");

    assertThat(exit).isNotZero();
    assertThat(Files.readString(err))
        .contains("--orchestrator-heap must be a heap size such as 1g or 800m")
        .contains("'1g -XX:+Something'")
        .doesNotContain("Kafka");
  }
}
