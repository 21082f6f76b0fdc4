package io.partitrain.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** {@code partitrain bench}'s report as the table it prints: one line per figure, ASCII. */
final class BenchReportTable {

  private BenchReportTable() {}

  static void print(BenchReport r, PrintWriter out) {
    var e = r.endToEnd();
    out.printf(Locale.ROOT, "%-44s %s%n", "machine", describe(r.machine()));
    out.printf(
        Locale.ROOT,
        "%-44s %,.0f msgs/s (produce %,.0f, consume %,.0f; %,d x %d B)%n",
        "raw Kafka",
        r.raw().messagesPerSecond(),
        r.raw().producePerSecond(),
        r.raw().consumePerSecond(),
        r.raw().messages(),
        r.raw().messageBytes());
    out.printf(
        Locale.ROOT,
        "%-44s %,.0f partitions/s (%,d in %.1f s; %d succeeded, %d failed, %d attempts)%n",
        "end to end (simulated)",
        e.partitionsPerSecond(),
        e.partitions(),
        e.seconds(),
        e.succeeded(),
        e.failed(),
        e.attempts());
    out.printf(Locale.ROOT, "%-44s %.3f%n", "ratio: partitions/s / (raw msgs/s / 4)", r.ratio());
    out.printf(
        Locale.ROOT,
        "%-44s raw %s per message; end to end %s per partition; ratio outside the compiler"
            + " %s%n",
        "CPU (this process, broker included)",
        cpu(r.raw().cpu()),
        cpu(e.cpu()),
        r.cpuRatio() < 0
            ? "not measured (orchestrator apart)"
            : String.format(Locale.ROOT, "%.3f", r.cpuRatio()));
    var tl = r.timeline();
    out.printf(
        Locale.ROOT,
        "%-44s started %.2f, first admitted %.2f, submitted %.2f, succeeded %.2f;"
            + " half succeeded %.2f, last %.2f; completed %.2f, seen %.2f%n",
        "timeline (s after the start command)",
        tl.started(),
        tl.firstAdmitted(),
        tl.firstSubmitted(),
        tl.firstSucceeded(),
        tl.halfSucceeded(),
        tl.lastSucceeded(),
        tl.completed(),
        tl.seen());
    var m = r.makespan();
    out.printf(
        Locale.ROOT,
        "%-44s history-aware %.3f, FIFO %.3f (node cap %d, %,d simulated jobs)%n",
        "makespan / lower bound",
        m.historyAwareRatio(),
        m.fifoRatio(),
        m.nodeCap(),
        m.partitions());
    out.printf(
        Locale.ROOT,
        "%-44s %.2f (%s)%n",
        "messages per partition",
        r.messages().totalPerPartition(),
        perTopic(r.messages()));
    out.printf(
        Locale.ROOT,
        "%-44s %,d B (%s); a raw message %,d B%n",
        "bytes per partition, before compression",
        r.messages().bytesPerPartition().get("total"),
        bytesPerTopic(r.messages()),
        r.raw().messageBytes());
    if (e.transactions() < 0) {
      out.printf(
          Locale.ROOT,
          "%-44s %,.0f msgs/s; transactions: in the orchestrator's own process, not measured%n",
          "orchestrator + workers",
          e.messagesPerSecond());
    } else {
      out.printf(
          Locale.ROOT,
          "%-44s %,.0f msgs/s; %,d transactions (%.1f/s, %.0f records and %.1f ms each)%n",
          "orchestrator + workers",
          e.messagesPerSecond(),
          e.transactions(),
          e.transactionsPerSecond(),
          e.recordsPerTransaction(),
          e.meanCommitMillis());
    }
    var w = r.workers();
    out.printf(
        Locale.ROOT,
        "%-44s %,d batches of %.1f work items, %.1f ms each (max %.0f ms, %d cut);"
            + " %,d status records of %.1f statuses%n",
        "workers",
        w.batches(),
        w.itemsPerBatch(),
        w.meanBatchMillis(),
        w.maxBatchMillis(),
        w.batchesCut(),
        w.statusRecords(),
        w.statusesPerRecord());
    var t = r.takeover();
    if (t != null) {
      out.printf(
          Locale.ROOT,
          "%-44s ready in %,d ms after %d finished runs of %,d partitions: read %,d state and %,d"
              + " runs records, %d runs in memory (full replay of %,d records: %,d ms)%n",
          "takeover (new leader)",
          t.readyMillis(),
          t.finishedRuns(),
          t.partitionsPerRun(),
          t.stateRecords(),
          t.runsRecordsAfterSnapshots(),
          t.runsInMemory(),
          t.runsTopicRecords(),
          t.fullReplayMillis());
    }
    var o = r.orchestratorProcess();
    if (o != null) {
      out.printf(
          Locale.ROOT,
          "%-44s -Xmx%s: heap after a GC at most %,d MiB, %s; %,d MiB resident at peak,"
              + " %.1f CPU-seconds; %s%n",
          "orchestrator (its own process)",
          o.heapMax(),
          o.heapAfterGcPeakMiB(),
          o.fullGcs() == 0
              ? "no full GC"
              : String.format(
                  Locale.ROOT,
                  "%d full GCs (live after them at most %,d MiB)",
                  o.fullGcs(),
                  o.heapAfterFullGcPeakMiB()),
          o.peakResidentMiB(),
          o.cpuSeconds(),
          o.ranToTheEnd() ? "ran to the end" : "exited before the bench stopped it");
    }
    out.printf(
        Locale.ROOT,
        "%-44s %,d MiB resident (peak %,d MiB), heap %,d of %,d MiB (pools' peaks %,d MiB)%n",
        o == null ? "memory (one process, broker included)" : "memory (bench: broker, workers)",
        r.memory().residentMiB(),
        r.memory().peakResidentMiB(),
        r.memory().heapUsedMiB(),
        r.memory().heapMaxMiB(),
        r.memory().heapPeakMiB());
  }

  private static String describe(BenchReport.Machine m) {
    return m.cpus()
        + " CPUs, "
        + m.os()
        + ", "
        + m.java()
        + ", max heap "
        + m.maxHeapMiB()
        + " MiB";
  }

  /**
   * "515 us (274 us outside the compiler; of 5.15 CPU-s, compiler 2.41, GC 0.14)": ASCII, as a
   * terminal's or a log's encoding may not be UTF-8.
   */
  private static String cpu(BenchReport.Cpu c) {
    return String.format(
        Locale.ROOT,
        "%,.0f us (%,.0f us outside the compiler; of %.2f CPU-s, compiler %.2f, GC %.2f)",
        c.microsPerUnit(),
        c.microsPerUnitOutsideCompiler(),
        c.seconds(),
        c.compilerSeconds(),
        c.gcSeconds());
  }

  /** "runs 0.01, status 0.00, work 1.00": the topics a partition used, without the total. */
  private static String perTopic(BenchReport.Messages m) {
    return perTopic(m.perPartition(), n -> String.format(Locale.ROOT, "%.2f", n));
  }

  /** "runs 1730, status 1366, work 1162": bytes per partition on each topic it used. */
  private static String bytesPerTopic(BenchReport.Messages m) {
    return perTopic(m.bytesPerPartition(), String::valueOf);
  }

  private static <N extends Number> String perTopic(
      Map<String, N> byTopic, java.util.function.Function<N, String> format) {
    StringBuilder b = new StringBuilder();
    byTopic.forEach(
        (topic, n) -> {
          if (!topic.equals("total") && n.doubleValue() > 0) {
            b.append(b.length() == 0 ? "" : ", ").append(topic).append(' ').append(format.apply(n));
          }
        });
    return b.toString();
  }
}
