package io.partitrain.cli.bench;

import io.partitrain.cli.CliCommands;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.tracking.Outbox;
import io.partitrain.orchestrator.tracking.Tracker;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.plan.Plan;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The orchestrator's own memory for one run of many partitions, without Kafka, workers or broker in
 * the process: the {@link Tracker} (the orchestrator's whole state) starts the run from its start
 * command, admits it round by round (a round a second on its clock, so the run's snapshot is taken
 * every 30 rounds as every 30 s), and takes each work item's SUBMITTED, RUNNING and SUCCEEDED
 * statuses as a worker would send them; a round's outbox is dropped as the committer drops it after
 * its commit. The heap is measured live (after a full collection) with the start's window held,
 * after the start, every tenth of the way with a round's window held (its work items, and its
 * snapshot when one is due), and with the final snapshot's window: the figure a {@code -Xmx} must
 * hold for the orchestrator's state, apart from its Kafka clients' buffers.
 *
 * <p>Its limitation: one window at a time is in memory here, while the real loop may hold the
 * window being decided and the one being committed; and it times nothing worth comparing.
 */
final class StateMemoryBench {

  /** Work items released per round (the real loop's window is a few thousand records). */
  private static final int MAX_IN_FLIGHT = 2_000;

  private StateMemoryBench() {}

  /** What it measured. */
  record Result(
      int partitions,
      double seconds,
      long heapAfterStartMiB,
      long heapLivePeakMiB,
      double bytesPerPartition,
      long heapMaxMiB,
      int succeeded) {}

  static Result run(int partitions, Path dir, java.io.PrintWriter info) {
    long base = liveHeap();
    // The plan's definition from a one-store plan, its partitions made here: the CLI's loading of
    // a plan checks every partition's paths on the file system, which is not the orchestrator's.
    Plan one =
        EndToEndBench.plan(
            dir, new EndToEndBench.Setup(1, 0, MAX_IN_FLIGHT, 0, 1, Duration.ofHours(1)));
    List<PartitionSpec> specs = new ArrayList<>(partitions);
    for (int i = 1; i <= partitions; i++) {
      specs.add(
          new PartitionSpec(
              String.format(Locale.ROOT, "store-%07d", i),
              Map.of("region", "region-" + i % 4, "business_unit", "bu-" + i % 7)));
    }
    Plan plan = new Plan(one.file(), one.definition(), specs, one.template());
    specs = null;
    SteppingClock clock = new SteppingClock(Instant.parse("2026-11-23T05:00:00Z"));
    Tracker tracker =
        Tracker.builder()
            .clock(clock)
            .topics(new Topics("state-bench"))
            .admission(Admission.concurrencyCap())
            .random(new SplittableRandom(1))
            .silenceTimeout(Duration.ofDays(365))
            .build();
    long start = System.nanoTime();
    RunCommand.StartRun command =
        CliCommands.startCommand(plan, "state-bench", "bench", clock.instant());
    plan = null; // the start command carries the partitions from here, as it does to the loop
    Outbox out = new Outbox();
    tracker.onCommand(command, out);
    requireStarted(out);
    // The start's window (its million SCHEDULED moves) is held until its commit, as in the loop.
    long peak = liveHeap() - base;
    info.printf("    start decided, its window held: %,d MiB live%n", peak >> 20);
    command = null;
    out.clear();
    long afterStart = liveHeap() - base;
    info.printf("    started: %,d MiB live%n", afterStart >> 20);
    info.flush();
    int succeeded = 0;
    int nextReport = partitions / 10;
    while (succeeded < partitions) {
      // One round a second: a changing run's snapshot is due every 30 rounds, as every 30 s.
      clock.step(Duration.ofSeconds(1));
      tracker.tick(out);
      if (succeeded >= nextReport) {
        // Measured with the round's window held: its work items and any snapshot in it.
        long live = liveHeap() - base;
        peak = Math.max(peak, live);
        info.printf("    %,d of %,d succeeded: %,d MiB live%n", succeeded, partitions, live >> 20);
        info.flush();
        nextReport += partitions / 10;
      }
      List<WorkItem> items = new ArrayList<>();
      for (Outbox.Entry e : out.entries()) {
        if (e.value() instanceof WorkItem w && w.kind() == WorkItem.Kind.SUBMIT) {
          items.add(w);
        }
      }
      out.clear();
      if (items.isEmpty()) {
        throw new IllegalStateException(
            "the tracker admitted nothing with " + succeeded + " of " + partitions + " done");
      }
      for (WorkItem w : items) {
        for (JobPhase phase : List.of(JobPhase.SUBMITTED, JobPhase.RUNNING, JobPhase.SUCCEEDED)) {
          tracker.onStatus(status(w, phase, clock.instant()), out);
        }
        succeeded++;
      }
    }
    clock.step(Duration.ofSeconds(1));
    tracker.tick(out); // completes the run: its final snapshot in the window
    long live = liveHeap() - base;
    peak = Math.max(peak, live);
    info.printf("    complete, its final snapshot in the window: %,d MiB live%n", live >> 20);
    double seconds = (System.nanoTime() - start) / 1e9;
    out.clear();
    return new Result(
        partitions,
        seconds,
        afterStart >> 20,
        peak >> 20,
        (double) peak / partitions,
        Runtime.getRuntime().maxMemory() >> 20,
        succeeded);
  }

  /** A clock the bench moves forward by hand, one round at a time. */
  private static final class SteppingClock extends Clock {
    private Instant now;

    SteppingClock(Instant start) {
      this.now = start;
    }

    void step(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException("the bench's clock is UTC");
    }
  }

  private static void requireStarted(Outbox out) {
    for (Outbox.Entry e : out.entries()) {
      if (e.value() instanceof RunEvent.CommandRejected r) {
        throw new IllegalStateException("the start was refused: " + r.reason());
      }
    }
  }

  private static JobStatusEvent status(WorkItem w, JobPhase phase, Instant at) {
    return JobStatusEvent.status(w.runId(), w.partitionId(), w.attempt(), w.jobName())
        .workerId("w1")
        .phase(phase)
        .backendStatus(phase.name())
        .observedAt(at)
        .nodes(1)
        .logPath("/jobs/" + w.jobName() + "/user_logs/std_log.txt")
        .metrics(phase == JobPhase.SUCCEEDED ? Map.of("mape", 0.1) : null)
        .build();
  }

  /** Heap in use after a full collection: what is live. */
  private static long liveHeap() {
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
