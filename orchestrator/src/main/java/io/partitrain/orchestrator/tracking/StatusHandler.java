package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.admission.SubmitWindow;
import io.partitrain.orchestrator.finops.FinOpsTrail;
import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunEvent.RetryScheduled;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns job status events into partition moves: a status of the current attempt that the state
 * machine allows is recorded; a terminal one is charged against the budget; a FAILED one is retried
 * when its failure class is retryable and attempts remain (the attempt-level retry: the only one
 * outside the backends, see docs/retries.md).
 */
final class StatusHandler {

  /** What a status means for its partition: the state it moves to, its class and its reason. */
  record Outcome(PartitionState to, FailureClass failureClass, String message) {}

  private static final Logger log = LoggerFactory.getLogger(StatusHandler.class);

  private final OrchestratorState state;
  private final DecisionLog decisions;
  private final Liveness liveness;
  private final SubmitWindow submitWindow;
  private final RandomGenerator random;

  StatusHandler(
      OrchestratorState state,
      DecisionLog decisions,
      Liveness liveness,
      SubmitWindow submitWindow,
      RandomGenerator random) {
    this.state = state;
    this.decisions = decisions;
    this.liveness = liveness;
    this.submitWindow = submitWindow;
    this.random = random;
  }

  void onStatus(JobStatusEvent event, Instant now, Outbox out) {
    RunState run = state.run(event.runId()).orElse(null);
    if (run == null && state.exists(event.runId())) {
      // A finished run, evicted from memory: a late status (a second watcher of an adopted job,
      // a heartbeat sent before the final one was folded). A bench with 40,000 in flight logged
      // 127,000 warnings of these; they say nothing an operator must act on.
      log.debug(
          "[run={} partition={}] status for a finished run; ignored",
          event.runId(),
          event.partitionId());
      return;
    }
    PartitionRecord p = run == null ? null : run.partition(event.partitionId());
    if (p == null) {
      log.warn(
          "[run={} partition={}] status for an unknown partition; ignored",
          event.runId(),
          event.partitionId());
      return;
    }
    if (event.attempt() != p.attempt()) {
      log.debug(
          "[run={} partition={}] stale status of attempt {} (current {}); ignored",
          run.runId(),
          p.partitionId(),
          event.attempt(),
          p.attempt());
      return;
    }
    liveness.seen(run, p, now);
    if (event.kind() == JobStatusEvent.Kind.HEARTBEAT
        || event.phase() == null
        || event.phase().partitionState() == null) {
      return;
    }
    PartitionState target = event.phase().partitionState();
    FailureClass fc =
        target == PartitionState.FAILED && event.failureClass() == null
            ? FailureClass.INFRA
            : event.failureClass();
    String message = event.message() == null ? event.backendStatus() : event.message();
    if (target == PartitionState.CANCELED && !run.isCanceling()) {
      // Nobody in Partitrain asked for it: someone canceled the job in the studio, with az ml or
      // in the portal. One rule for every backend (DESIGN.md, failure classes): that is an INFRA
      // failure, and the partition is retried like any other; only `run cancel` ends a partition
      // CANCELED.
      target = PartitionState.FAILED;
      fc = FailureClass.INFRA;
      message =
          "canceled outside Partitrain (backend status "
              + event.backendStatus()
              + (event.message() == null ? "" : ": " + event.message())
              + ")";
    }
    if (target == p.state() || !p.state().canMoveTo(target)) {
      // A duplicate (redelivery, two watchers) or a late event of a finished attempt.
      return;
    }
    if (p.state() == PartitionState.ADMITTED) {
      // The attempt's first status: a worker took its SUBMIT (the workers' pace, back-pressure).
      submitWindow.taken(now);
    }
    boolean seenRunning = p.state() == PartitionState.RUNNING;
    decisions.emit(RunEvents.reported(run, p, event, new Outcome(target, fc, message), now), out);
    if (target.isJobTerminal()) {
      FinOpsTrail.Charge charge =
          FinOpsTrail.charge(
              run, p, event, new FinOpsTrail.AttemptEnd(target, fc, seenRunning), now);
      if (charge != null) {
        decisions.emit(charge.charged(), out);
        decisions.finops(FinOpsTrail.ledger(run, p, charge), out);
        if (charge.review() != null) {
          decisions.finops(charge.review(), out);
        }
      }
    }
    if (target == PartitionState.FAILED) {
      maybeRetry(run, p, fc, event.retryAfter(), now, out);
    }
  }

  /**
   * Schedules the next attempt of a failed one if its class is retryable and attempts remain: after
   * the plan's backoff, or, when the backend named a time (its Retry-After), no earlier than that.
   * A THROTTLED attempt waits what the backend asked (else the plan's first backoff) and costs no
   * attempt.
   */
  private void maybeRetry(
      RunState run,
      PartitionRecord p,
      FailureClass fc,
      Duration retryAfter,
      Instant now,
      Outbox out) {
    RetryPolicy policy = run.definition().retry();
    if (run.isCanceling() || !policy.shouldRetry(fc, p.roundAttempts())) {
      log.info(
          "[run={} partition={} attempt={}] failed ({}): {}; not retried",
          run.runId(),
          p.partitionId(),
          p.attempt(),
          fc,
          p.lastMessage());
      return;
    }
    Duration wait =
        fc == FailureClass.THROTTLED
            ? policy.initialBackoff()
            : policy.backoff(p.roundAttempts(), random.nextDouble());
    if (retryAfter != null && (fc == FailureClass.THROTTLED || retryAfter.compareTo(wait) > 0)) {
      wait = retryAfter;
    }
    decisions.emit(RunEvents.retry(run, p, now.plus(wait), RetryScheduled.Cause.RETRY, now), out);
    log.info(
        "[run={} partition={} attempt={}] failed ({}); retry in {} ms",
        run.runId(),
        p.partitionId(),
        p.attempt(),
        fc,
        wait.toMillis());
  }
}
