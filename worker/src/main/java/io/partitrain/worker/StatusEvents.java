package io.partitrain.worker;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import java.time.Duration;
import java.time.Instant;

/** Builds the {@link JobStatusEvent}s a worker emits. */
final class StatusEvents {

  private StatusEvents() {}

  static JobStatusEvent of(
      JobRef ref,
      String workerId,
      int nodes,
      JobObservation o,
      JobStatusEvent.Kind kind,
      Instant at) {
    return new JobStatusEvent(
        Schema.VERSION,
        kind,
        ref.runId(),
        ref.partitionId(),
        ref.attempt(),
        ref.jobName(),
        workerId,
        o.phase(),
        o.backendStatus(),
        o.failureClass(),
        o.message(),
        at,
        o.startedAt(),
        o.finishedAt(),
        nodes,
        o.logPath(),
        o.studioUrl(),
        o.metrics());
  }

  /**
   * The SUBMITTED status of a job this worker created, with what was submitted ({@code submission},
   * null when the backend could not tell) signed with this worker's id.
   */
  static JobStatusEvent submitted(
      JobRef ref,
      String workerId,
      int nodes,
      JobObservation o,
      SubmittedJob submission,
      String logUrlBase,
      Instant at) {
    return new JobStatusEvent(
        Schema.VERSION,
        JobStatusEvent.Kind.STATUS,
        ref.runId(),
        ref.partitionId(),
        ref.attempt(),
        ref.jobName(),
        workerId,
        JobPhase.SUBMITTED,
        o.backendStatus(),
        null,
        null,
        at,
        null,
        null,
        nodes,
        o.logPath(),
        o.studioUrl(),
        null,
        null,
        submission == null ? null : withWorker(submission, workerId, logUrlBase, ref));
  }

  /**
   * The backend's evidence signed by this worker; a local job's log lies on this machine, so it
   * names where this worker serves it, when it does ({@code logUrlBase} set).
   */
  private static SubmittedJob withWorker(
      SubmittedJob submission, String workerId, String logUrlBase, JobRef ref) {
    SubmittedJob signed = submission.withWorker(workerId);
    return logUrlBase != null && "local".equals(submission.backend())
        ? signed.withLogUrl(logUrlBase + "/jobs/" + ref.jobName() + "/log")
        : signed;
  }

  /**
   * A submission that failed: the attempt ends FAILED with {@code fc}; the tracker decides whether
   * and when it runs again, no earlier than {@code retryAfter} when the backend gave one.
   */
  static JobStatusEvent failedToSubmit(
      JobRef ref,
      String workerId,
      int nodes,
      FailureClass fc,
      String message,
      Duration retryAfter,
      Instant at) {
    return new JobStatusEvent(
        Schema.VERSION,
        JobStatusEvent.Kind.STATUS,
        ref.runId(),
        ref.partitionId(),
        ref.attempt(),
        ref.jobName(),
        workerId,
        JobPhase.FAILED,
        null,
        fc,
        message,
        at,
        null,
        at,
        nodes,
        null,
        null,
        null,
        retryAfter);
  }
}
