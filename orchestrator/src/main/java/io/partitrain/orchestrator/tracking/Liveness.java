package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds jobs whose watcher went silent: a partition in flight (ADMITTED, SUBMITTED, QUEUED or
 * RUNNING) whose current attempt sent no status and no heartbeat for longer than the silence
 * timeout. The tracker then asks any worker to adopt the job (an ADOPT work item, recorded as
 * {@code AdoptionRequested}). ADMITTED has this deadline too (issue 8): a SUBMIT no worker ever
 * answers (lost, or dead-lettered without the ids to report on) is offered for adoption like a
 * silent job; the adopter finds no job and reports the attempt lost (INFRA, retried).
 *
 * <p>The watched partitions sit in an index ordered by deadline (last sign of life plus the
 * timeout), so a round looks only at the partitions whose deadline passed, never at all of them. A
 * sign of life updates the partition's time in O(1); its index entry is moved on only when its old
 * deadline comes up (lazily), and an entry whose partition left flight is dropped then.
 *
 * <p>Signs of life are not persisted (they are kept here, not in the fold): after a restart or a
 * takeover each in-flight job gets a full timeout from the moment the new tracker first looks at it
 * (one pass over the runs, on the first round). So the bound on adoption is {@code silenceTimeout +
 * tick interval} after the last sign of life, or after the takeover. Choose the timeout well above
 * the workers' heartbeat interval (default: three heartbeats).
 */
final class Liveness {

  private static final Logger log = LoggerFactory.getLogger(Liveness.class);

  private final Duration silenceTimeout;
  private final DecisionLog decisions;

  /** The watch of each partition in the index (a partition record is its own identity). */
  private final Map<PartitionRecord, Watch> watches = new IdentityHashMap<>();

  /** One entry per watch, earliest deadline first. */
  private final PriorityQueue<Watch> deadlines =
      new PriorityQueue<>(Comparator.comparing((Watch w) -> w.due));

  private boolean clocksStarted;

  /** A watched partition: its last sign of life, and where its entry sits in the index. */
  private static final class Watch {
    final RunState run;
    final PartitionRecord partition;
    Instant lastSeen;
    Instant due;

    Watch(RunState run, PartitionRecord partition, Instant lastSeen, Instant due) {
      this.run = run;
      this.partition = partition;
      this.lastSeen = lastSeen;
      this.due = due;
    }
  }

  Liveness(Duration silenceTimeout, DecisionLog decisions) {
    this.silenceTimeout = silenceTimeout;
    this.decisions = decisions;
  }

  /**
   * A sign of life of the partition's current attempt, or its admission (a new attempt's clock
   * starts when it is released). Partitions not in flight are not watched.
   */
  void seen(RunState run, PartitionRecord p, Instant now) {
    Watch w = watches.get(p);
    if (w != null) {
      w.lastSeen = now;
    } else if (p.state().isInFlight()) {
      w = new Watch(run, p, now, now.plus(silenceTimeout));
      watches.put(p, w);
      deadlines.add(w);
    }
  }

  /** How many partitions are watched now (in flight, or left flight less than a timeout ago). */
  int watched() {
    return watches.size();
  }

  /**
   * Asks a worker to adopt each in-flight job silent for longer than the timeout, and restarts its
   * clock (so a job is adopted again only after another full timeout of silence). On the first
   * round it starts the clock of every partition in flight, which this tracker has never seen.
   */
  void adoptSilentJobs(Collection<RunState> runs, Instant now, Outbox out) {
    if (!clocksStarted) {
      clocksStarted = true;
      for (RunState run : runs) {
        if (run.inFlight() > 0) {
          for (PartitionRecord p : run.partitions()) {
            seen(run, p, now);
          }
        }
      }
    }
    while (!deadlines.isEmpty() && now.isAfter(deadlines.peek().due)) {
      Watch w = deadlines.poll();
      if (!w.partition.state().isInFlight()) {
        watches.remove(w.partition);
        continue;
      }
      if (now.isAfter(w.lastSeen.plus(silenceTimeout))) {
        adopt(w.run, w.partition, w.lastSeen, now, out);
        w.lastSeen = now;
      }
      w.due = w.lastSeen.plus(silenceTimeout);
      deadlines.add(w);
    }
  }

  private void adopt(RunState run, PartitionRecord p, Instant seen, Instant now, Outbox out) {
    decisions.emit(
        new RunEvent.AdoptionRequested(
            Schema.VERSION, run.runId(), p.partitionId(), p.attempt(), p.jobName(), seen, now),
        out);
    decisions.work(run, p, WorkItem.Kind.ADOPT, p.attempt(), now, out);
    log.warn(
        "[run={} partition={} attempt={}] no sign of job {} for over {}s; asking a worker to"
            + " adopt it",
        run.runId(),
        p.partitionId(),
        p.attempt(),
        p.jobName(),
        silenceTimeout.toSeconds());
  }
}
