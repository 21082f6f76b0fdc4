package io.partitrain.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code partitrain bench} prints ({@code -o json} prints this object). Rates are per second
 * of wall time on this machine; the ratio compares two figures measured in the same run, so it
 * means more than either alone on a shared machine.
 *
 * @param type always {@code "BenchReport"}
 * @param machine where it ran
 * @param raw the raw-Kafka baseline
 * @param endToEnd the simulated run; {@code orchestratorRecords} is what the orchestrator's own
 *     counter says it committed, a cross-check of the topic counts
 * @param timeline where the timed run's seconds went: its first moves and its successes, read back
 *     from its runs topic
 * @param messages records that reached each topic, and per partition
 * @param ratio end-to-end partitions/s ÷ (raw msgs/s ÷ 4): 1.0 would mean Partitrain moves a
 *     partition as fast as the broker moves the four messages a partition needs at least
 * @param cpuRatio the ratio's counterpart in CPU time, outside the JIT compiler: the CPU four raw
 *     messages cost (produced and consumed) ÷ the CPU a partition cost end to end; -1 when the
 *     orchestrator ran in a process of its own (its CPU is not in this process's)
 * @param memory this process's memory after the run (the broker runs in it when embedded)
 * @param makespan the deadline-aware order against FIFO under a node cap, simulated on a retail
 *     week of as many partitions (issue 12, item 6: computed, not timed)
 * @param workers the workers' pipeline: their batches of work items and their status records
 * @param takeover a new leader's takeover after many finished runs, against a full replay
 * @param orchestratorProcess the orchestrator's own process, when it ran as one ({@code
 *     --orchestrator-heap}); null when it ran in the bench's process
 */
public record BenchReport(
    String type,
    Machine machine,
    Raw raw,
    EndToEnd endToEnd,
    Timeline timeline,
    Messages messages,
    double ratio,
    double cpuRatio,
    ProcessMemory memory,
    Makespan makespan,
    Workers workers,
    Takeover takeover,
    OrchestratorMemory orchestratorProcess) {

  /**
   * Where the timed run's seconds went, read back from its runs topic: when the orchestrator
   * decided its first moves of each kind and when the run's partitions succeeded, in seconds after
   * the start command was built. A run whose first success comes late spends its time getting going
   * (the start's checks, the submit window's slow start, the first worker batches); one whose
   * successes are spread evenly is limited by its rate. A moment that never came is -1.
   *
   * @param started the orchestrator's {@code RunStarted}
   * @param firstAdmitted the first ADMITTED move (its SUBMIT handed to the workers)
   * @param firstSubmitted the first SUBMITTED move (a worker created a job and said so)
   * @param firstSucceeded the first SUCCEEDED move
   * @param halfSucceeded when half of the partitions had SUCCEEDED
   * @param lastSucceeded the last SUCCEEDED move
   * @param completed the orchestrator's {@code RunCompleted}
   * @param seen when the bench's {@code run wait} saw the run complete (the timed seconds)
   */
  public record Timeline(
      double started,
      double firstAdmitted,
      double firstSubmitted,
      double firstSucceeded,
      double halfSucceeded,
      double lastSucceeded,
      double completed,
      double seen) {}

  /**
   * The orchestrator as a process of its own ({@code --orchestrator-heap}).
   *
   * @param heapMax its {@code -Xmx}, as given
   * @param heapAfterGcPeakMiB the largest heap in use after any collection (from its GC log): an
   *     upper bound of the live heap (after a young collection the old generation's garbage is
   *     still counted)
   * @param heapAfterFullGcPeakMiB the largest heap in use after a full collection: what was really
   *     live at the tightest moment; -1 when there was none
   * @param fullGcs full collections (a heap too small spends its time in them)
   * @param peakResidentMiB its peak resident memory, -1 off Linux
   * @param cpuSeconds the CPU time it used over the whole run (user and system), -1 off Linux
   * @param exitCode its exit code; 3 is an out-of-memory exit
   * @param ranToTheEnd whether it was still running when the bench stopped it after the run
   */
  public record OrchestratorMemory(
      String heapMax,
      long heapAfterGcPeakMiB,
      long heapAfterFullGcPeakMiB,
      int fullGcs,
      long peakResidentMiB,
      double cpuSeconds,
      int exitCode,
      boolean ranToTheEnd) {}

  /**
   * A new leader's takeover after {@code finishedRuns} finished runs (issue 12, item 5), against
   * the full replay of the same runs topic that a leader did before the state topic existed.
   *
   * @param readyMillis from the new orchestrator's start to its loop consuming input
   * @param stateRecords records its takeover consumed from the state topic
   * @param runsRecordsAfterSnapshots records it consumed from the runs topic (after the snapshots)
   * @param runsInMemory runs it restored into memory (the active ones)
   * @param runsTopicRecords every record of the runs topic (what a full replay reads)
   * @param fullReplayMillis reading and replaying all of them into a fresh tracker
   */
  public record Takeover(
      int finishedRuns,
      int partitionsPerRun,
      long readyMillis,
      long stateRecords,
      long runsRecordsAfterSnapshots,
      int runsInMemory,
      long runsTopicRecords,
      long fullReplayMillis) {}

  /**
   * CPU time this process used over a timed stretch ({@link ProcessCpu}): in all, every thread and
   * the embedded broker's included; the JIT compiler's and the garbage collector's threads' share
   * (-1 off Linux; lower bounds, as such a thread may exit); and per unit of work (a raw message
   * produced and consumed, or a partition run end to end), in all and outside the compiler.
   */
  public record Cpu(
      double seconds,
      double compilerSeconds,
      double gcSeconds,
      double microsPerUnit,
      double microsPerUnitOutsideCompiler) {}

  /** The machine and the broker. */
  public record Machine(
      int cpus, String os, String java, long maxHeapMiB, String broker, String command) {}

  /** The raw-Kafka baseline; {@code cpu} from the first message produced to the last consumed. */
  public record Raw(
      int messages,
      int messageBytes,
      double producePerSecond,
      double consumePerSecond,
      double messagesPerSecond,
      Cpu cpu) {}

  /**
   * Makespans under a node cap, in seconds of simulated time, and their ratios to the lower bound
   * {@code max(Σ nodes × time / cap, longest job)}.
   */
  public record Makespan(
      int partitions,
      int nodeCap,
      double lowerBoundSeconds,
      double fifoSeconds,
      double historyAwareSeconds,
      double fifoRatio,
      double historyAwareRatio) {}

  /**
   * The end-to-end simulated run; {@code cpu} over its timed seconds (with {@code
   * --orchestrator-heap}, without the orchestrator's: see {@code orchestratorProcess}).
   */
  public record EndToEnd(
      String runId,
      int partitions,
      int workers,
      int maxInFlight,
      double failureRate,
      double seconds,
      double partitionsPerSecond,
      int succeeded,
      int failed,
      int attempts,
      long transactions,
      double transactionsPerSecond,
      long orchestratorRecords,
      double recordsPerTransaction,
      double meanCommitMillis,
      double messagesPerSecond,
      int warmupPartitions,
      Cpu cpu) {}

  /**
   * The workers' pipeline, from their meters: batches of work items (a poll's items, cut after a
   * second), each timed from its first item to its offset commit; and their status records, each
   * carrying a batch's SUBMITTED statuses or a watcher round's statuses and heartbeats.
   */
  public record Workers(
      long batches,
      double itemsPerBatch,
      double meanBatchMillis,
      double maxBatchMillis,
      long batchesCut,
      long statusRecords,
      double statusesPerRecord) {}

  /**
   * Records per topic (read back, committed only) and per partition; {@code bytesPerPartition}: the
   * bytes of those records (keys and values as written, before the broker's compression) per
   * partition, per topic and in total, to set beside the raw baseline's message size; {@code
   * carried}: what the runs and status records carry once unbatched (partition moves, job statuses
   * and heartbeats), the cross-check that batching lost nothing.
   */
  public record Messages(
      Map<String, Long> byTopic,
      long total,
      Map<String, Double> perPartition,
      Map<String, Long> bytesPerPartition,
      Map<String, Long> carried) {

    static Messages of(TopicCounts.Counted counted, int partitions, Map<String, Long> carried) {
      Map<String, Double> per = new LinkedHashMap<>();
      Map<String, Long> bytes = new LinkedHashMap<>();
      long total = 0;
      long totalBytes = 0;
      for (var e : counted.records().entrySet()) {
        total += e.getValue();
        per.put(e.getKey(), round(e.getValue() / (double) partitions));
        long b = counted.bytes().get(e.getKey());
        totalBytes += b;
        bytes.put(e.getKey(), Math.round(b / (double) partitions));
      }
      per.put("total", round(total / (double) partitions));
      bytes.put("total", Math.round(totalBytes / (double) partitions));
      return new Messages(counted.records(), total, per, bytes, carried);
    }

    public double totalPerPartition() {
      return perPartition.get("total");
    }
  }

  static double round(double x) {
    return Math.round(x * 1000) / 1000.0;
  }
}
