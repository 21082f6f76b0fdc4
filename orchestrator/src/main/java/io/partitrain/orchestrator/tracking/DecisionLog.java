package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.admission.CostCap;
import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the tracker's decisions go: each {@link RunEvent} is applied to the {@link
 * OrchestratorState} (the fold) and queued for the runs topic by the same call, so the live state
 * and the replayed state never differ. Work items and FinOps records go to their topics through the
 * same {@link Outbox}, so one round commits in one transaction.
 */
final class DecisionLog {

  private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);

  private final OrchestratorState state;
  private final Topics topics;
  private final Duration snapshotInterval;

  /**
   * How long a SUBMIT stays valid: the silence timeout, after which liveness may find no job for
   * the attempt and start the next one.
   */
  private final Duration submitWindow;

  private final Set<String> dirty = new LinkedHashSet<>();
  private final Map<String, Instant> lastSnapshot = new HashMap<>();

  DecisionLog(
      OrchestratorState state, Topics topics, Duration snapshotInterval, Duration submitWindow) {
    this.state = state;
    this.topics = topics;
    this.snapshotInterval = snapshotInterval;
    this.submitWindow = submitWindow;
  }

  /** Applies a decision about a run and queues it for the runs topic, keyed by its run id. */
  void emit(RunEvent event, Outbox out) {
    state.apply(event);
    out.send(topics.runs(), event.runId(), event);
    dirty.add(event.runId());
  }

  /** Starts a run: the fold of {@code started}, given the state already built from it. */
  void start(RunState run, RunEvent.RunStarted started, Outbox out) {
    state.start(run);
    out.send(topics.runs(), started.runId(), started);
    dirty.add(started.runId());
  }

  /** Applies a decision that is keyed by something else than its run (a schedule's decisions). */
  void record(String key, RunEvent event, Outbox out) {
    state.apply(event);
    out.send(topics.runs(), key, event);
  }

  /** Refuses a command: the answer carries the reason; nothing else changes. */
  void reject(RunCommand command, String reason, Instant now, Outbox out) {
    log.warn(
        "[run={}] command {} rejected: {}",
        command.runId(),
        command.getClass().getSimpleName(),
        reason);
    out.send(
        topics.runs(),
        command.runId(),
        new RunEvent.CommandRejected(
            Schema.VERSION, command.runId(), command.commandId(), reason, now));
  }

  /** Sends a work item for the partition's attempt, with the job as it must be submitted. */
  void work(
      RunState run, PartitionRecord p, WorkItem.Kind kind, int attempt, Instant now, Outbox out) {
    out.send(
        topics.work(),
        Topics.partitionKey(run.runId(), p.partitionId()),
        new WorkItem(
            Schema.VERSION,
            kind,
            run.runId(),
            p.partitionId(),
            attempt,
            JobNames.of(run.runId(), p.partitionId(), attempt),
            CostCap.submitted(run, p),
            p.tags(),
            now,
            kind == WorkItem.Kind.SUBMIT ? now.plus(submitWindow) : null));
  }

  void finops(FinOpsRecord record, Outbox out) {
    out.send(topics.finops(), record.runId(), record);
  }

  /** Publishes the snapshot of every changed run, at most once per snapshot interval each. */
  void publishSnapshots(Instant now, Outbox out) {
    for (var it = dirty.iterator(); it.hasNext(); ) {
      String runId = it.next();
      Instant last = lastSnapshot.get(runId);
      RunState run = state.run(runId).orElse(null);
      if (run == null) {
        it.remove();
      } else if (last == null || !now.isBefore(last.plus(snapshotInterval)) || run.isComplete()) {
        out.send(
            topics.runs(),
            runId,
            new RunEvent.RunSnapshot(Schema.VERSION, runId, run.summary(), now));
        lastSnapshot.put(runId, now);
        it.remove();
      }
    }
  }
}
