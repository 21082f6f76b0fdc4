package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionScheduled;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent.PartitionTransitioned;
import io.partitrain.shared.contracts.RunEvent.RetryScheduled;
import io.partitrain.shared.contracts.Schema;
import java.time.Instant;

/**
 * Named factories for the partition decisions the tracker makes, so that a decision reads as what
 * it is ({@code RunEvents.admitted(run, p, 2, "new attempt admitted", now)}) instead of a wire
 * record's fourteen positional fields, most of them null for any one kind of move.
 */
final class RunEvents {

  private RunEvents() {}

  /** A partition's first move: its state machine starts in SCHEDULED. */
  static PartitionTransitioned scheduled(PartitionScheduled s, Instant now) {
    return PartitionTransitioned.move(s.runId(), s.partitionId(), PartitionState.SCHEDULED, now)
        .reason("scheduled")
        .tags(s.tags())
        .sequence(s.sequence())
        .build();
  }

  /** A move of the current attempt with nothing but a reason (deferral). */
  static PartitionTransitioned moved(
      RunState run, PartitionRecord p, PartitionState to, String reason, Instant now) {
    return move(run, p, to, reason, null, now);
  }

  /** A partition canceled before its job started. */
  static PartitionTransitioned canceled(
      RunState run, PartitionRecord p, String reason, Instant now) {
    return move(run, p, PartitionState.CANCELED, reason, FailureClass.CANCELED, now);
  }

  /** An attempt released: its job name is fixed from here on. */
  static PartitionTransitioned admitted(
      RunState run, PartitionRecord p, int attempt, String reason, Instant now) {
    return PartitionTransitioned.move(run.runId(), p.partitionId(), PartitionState.ADMITTED, now)
        .from(p.state())
        .attempt(attempt)
        .reason(reason)
        .jobName(JobNames.of(run.runId(), p.partitionId(), attempt))
        .build();
  }

  /**
   * A move reported by the job's status: its message (else the backend's status) as the reason, its
   * log and studio link, its metrics when it succeeded, and what the worker submitted on SUBMITTED
   * (evidence).
   */
  static PartitionTransitioned reported(
      RunState run,
      PartitionRecord p,
      JobStatusEvent event,
      StatusHandler.Outcome outcome,
      Instant now) {
    PartitionState to = outcome.to();
    return PartitionTransitioned.move(run.runId(), p.partitionId(), to, now)
        .from(p.state())
        .attempt(p.attempt())
        .reason(outcome.message())
        .failureClass(outcome.failureClass())
        .jobName(p.jobName())
        .logPath(event.logPath())
        .metrics(to == PartitionState.SUCCEEDED ? event.metrics() : null)
        .studioUrl(event.studioUrl())
        // The creator's evidence comes with SUBMITTED; an adopter's with its first status.
        .submission(event.submission())
        .build();
  }

  /** The partition gets another attempt, not before {@code notBefore}. */
  static RetryScheduled retry(
      RunState run, PartitionRecord p, Instant notBefore, RetryScheduled.Cause cause, Instant now) {
    return new RetryScheduled(
        Schema.VERSION, run.runId(), p.partitionId(), p.attempt() + 1, notBefore, cause, now);
  }

  private static PartitionTransitioned move(
      RunState run,
      PartitionRecord p,
      PartitionState to,
      String reason,
      FailureClass fc,
      Instant now) {
    return PartitionTransitioned.move(run.runId(), p.partitionId(), to, now)
        .from(p.state())
        .attempt(p.attempt())
        .reason(reason)
        .failureClass(fc)
        .jobName(p.jobName())
        .build();
  }
}
