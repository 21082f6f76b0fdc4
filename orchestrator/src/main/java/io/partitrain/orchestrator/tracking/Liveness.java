package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds jobs whose watcher went silent: a partition in flight (ADMITTED, SUBMITTED, QUEUED or
 * RUNNING) whose current attempt sent no status and no heartbeat for longer than the silence
 * timeout. The tracker then asks any worker to adopt the job (an ADOPT work item, recorded as
 * {@code AdoptionRequested}).
 *
 * <p>Signs of life are not persisted (they are kept here, not in the fold): after a restart or a
 * takeover each in-flight job gets a full timeout from the moment the new tracker first looks at
 * it. So the bound on adoption is {@code silenceTimeout + tick interval} after the last sign of
 * life, or after the takeover. Choose the timeout well above the workers' heartbeat interval
 * (default: three heartbeats).
 */
final class Liveness {

  private static final Logger log = LoggerFactory.getLogger(Liveness.class);

  private final Duration silenceTimeout;
  private final DecisionLog decisions;

  /** Last sign of life per partition ({@code runId/partitionId}) of the current attempt. */
  private final Map<String, Instant> lastSeen = new HashMap<>();

  Liveness(Duration silenceTimeout, DecisionLog decisions) {
    this.silenceTimeout = silenceTimeout;
    this.decisions = decisions;
  }

  /** A status or heartbeat of the partition's current attempt arrived. */
  void seen(RunState run, PartitionRecord p, Instant now) {
    lastSeen.put(key(run, p), now);
  }

  /**
   * Asks a worker to adopt each in-flight job of {@code run} silent for longer than the timeout.
   * Starts the clock of partitions never seen by this tracker, and restarts it for each adopted one
   * (so a job is adopted again only after another full timeout of silence).
   */
  void adoptSilentJobs(RunState run, Instant now, Outbox out) {
    if (run.inFlight() == 0) {
      return;
    }
    for (PartitionRecord p : run.partitions()) {
      if (!watched(p.state())) {
        continue;
      }
      Instant seen = lastSeen.putIfAbsent(key(run, p), now);
      if (seen != null && now.isAfter(seen.plus(silenceTimeout))) {
        adopt(run, p, seen, now, out);
      }
    }
  }

  private void adopt(RunState run, PartitionRecord p, Instant seen, Instant now, Outbox out) {
    decisions.emit(
        new RunEvent.AdoptionRequested(
            Schema.VERSION, run.runId(), p.partitionId(), p.attempt(), p.jobName(), seen, now),
        out);
    decisions.work(run, p, WorkItem.Kind.ADOPT, p.attempt(), now, out);
    lastSeen.put(key(run, p), now);
    log.warn(
        "[run={} partition={} attempt={}] no sign of job {} for over {}s; asking a worker to"
            + " adopt it",
        run.runId(),
        p.partitionId(),
        p.attempt(),
        p.jobName(),
        silenceTimeout.toSeconds());
  }

  /**
   * Every state in flight has a deadline, ADMITTED included (issue 8): a SUBMIT no worker ever
   * answers (lost, or dead-lettered without the ids to report on) is offered for adoption like a
   * silent job; the adopter finds no job and reports the attempt lost (INFRA, retried). While
   * workers are merely busy their SUBMIT is processed first (same key, same partition), so the
   * ADOPT that follows meets a job already watched.
   */
  private static boolean watched(PartitionState s) {
    return s.isInFlight();
  }

  private static String key(RunState run, PartitionRecord p) {
    return run.runId() + "/" + p.partitionId();
  }
}
