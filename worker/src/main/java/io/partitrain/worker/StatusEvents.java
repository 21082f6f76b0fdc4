package io.partitrain.worker;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import java.time.Duration;
import java.time.Instant;

/** Builds the {@link JobStatusEvent}s a worker emits. */
final class StatusEvents {

  private StatusEvents() {}

  /** What the worker saw of a job, to build (with the job's evidence, if it has found it). */
  static JobStatusEvent.Builder of(
      JobRef ref,
      String workerId,
      int nodes,
      JobObservation o,
      JobStatusEvent.Kind kind,
      Instant at) {
    var event = kind == JobStatusEvent.Kind.HEARTBEAT ? heartbeat(ref) : status(ref);
    return event
        .workerId(workerId)
        .phase(o.phase())
        .backendStatus(o.backendStatus())
        .failureClass(o.failureClass())
        .message(o.message())
        .observedAt(at)
        .startedAt(o.startedAt())
        .finishedAt(o.finishedAt())
        .nodes(nodes)
        .logPath(o.logPath())
        .studioUrl(o.studioUrl())
        .metrics(o.metrics());
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
    return status(ref)
        .workerId(workerId)
        .phase(JobPhase.SUBMITTED)
        .backendStatus(o.backendStatus())
        .observedAt(at)
        .nodes(nodes)
        .logPath(o.logPath())
        .studioUrl(o.studioUrl())
        .submission(submission == null ? null : withWorker(submission, workerId, logUrlBase, ref))
        .build();
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
    return status(ref)
        .workerId(workerId)
        .phase(JobPhase.FAILED)
        .failureClass(fc)
        .message(message)
        .observedAt(at)
        .finishedAt(at)
        .nodes(nodes)
        .retryAfter(retryAfter)
        .build();
  }

  private static JobStatusEvent.Builder status(JobRef ref) {
    return JobStatusEvent.status(ref.runId(), ref.partitionId(), ref.attempt(), ref.jobName());
  }

  private static JobStatusEvent.Builder heartbeat(JobRef ref) {
    return JobStatusEvent.heartbeat(ref.runId(), ref.partitionId(), ref.attempt(), ref.jobName());
  }
}
