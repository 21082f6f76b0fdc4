package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a worker saw of a job, on {@link Topics#status()}, keyed {@code runId/partitionId}. Workers
 * emit one on submission, one per status change, heartbeats while the job is not terminal, and a
 * final one with the outcome. Duplicates are possible (redelivery, adoption) and the tracker
 * tolerates them.
 *
 * @param schemaVersion message schema version
 * @param kind a status change, or a heartbeat (which changes no state)
 * @param runId the run
 * @param partitionId the partition
 * @param attempt the attempt the job belongs to; events of other attempts are stale
 * @param jobName the backend job name
 * @param workerId which worker saw it
 * @param phase the job's phase
 * @param backendStatus the backend's own status word (Azure ML: {@code Running}, ...)
 * @param failureClass why it failed, for FAILED and CANCELED
 * @param message a one-line human reason (never a secret)
 * @param observedAt when the worker saw it
 * @param startedAt when billable time began (first Provisioning/Preparing/Running), if known
 * @param finishedAt when the job reached its terminal status, if it has
 * @param nodes nodes the job holds
 * @param logPath where the job's log is (local path or URL)
 * @param studioUrl the backend's page for the job, where it has one
 * @param metrics numbers the job reported (for example {@code mape})
 * @param retryAfter for a submission the backend throttled (or refused for now): how long the
 *     backend asked us to wait (its Retry-After); the tracker schedules the next attempt no
 *     earlier. Null when the backend said nothing.
 * @param submission on the SUBMITTED status of a job this worker created: the job as submitted
 *     (code hash, resolved inputs and outputs, the backend's request, this worker); null otherwise
 *     and from workers that predate it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStatusEvent(
    int schemaVersion,
    Kind kind,
    String runId,
    String partitionId,
    int attempt,
    String jobName,
    String workerId,
    JobPhase phase,
    String backendStatus,
    FailureClass failureClass,
    String message,
    Instant observedAt,
    Instant startedAt,
    Instant finishedAt,
    Integer nodes,
    String logPath,
    String studioUrl,
    Map<String, Double> metrics,
    Duration retryAfter,
    SubmittedJob submission) {

  /** A status change, or a sign of life. */
  public enum Kind {
    STATUS,
    HEARTBEAT
  }

  public JobStatusEvent {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  /** The same event carrying {@code evidence} (an adopting worker's first status). */
  public JobStatusEvent withSubmission(SubmittedJob evidence) {
    return new JobStatusEvent(
        schemaVersion,
        kind,
        runId,
        partitionId,
        attempt,
        jobName,
        workerId,
        phase,
        backendStatus,
        failureClass,
        message,
        observedAt,
        startedAt,
        finishedAt,
        nodes,
        logPath,
        studioUrl,
        metrics,
        retryAfter,
        evidence);
  }

  /** An event without submission evidence (every status but SUBMITTED). */
  public JobStatusEvent(
      int schemaVersion,
      Kind kind,
      String runId,
      String partitionId,
      int attempt,
      String jobName,
      String workerId,
      JobPhase phase,
      String backendStatus,
      FailureClass failureClass,
      String message,
      Instant observedAt,
      Instant startedAt,
      Instant finishedAt,
      Integer nodes,
      String logPath,
      String studioUrl,
      Map<String, Double> metrics,
      Duration retryAfter) {
    this(
        schemaVersion,
        kind,
        runId,
        partitionId,
        attempt,
        jobName,
        workerId,
        phase,
        backendStatus,
        failureClass,
        message,
        observedAt,
        startedAt,
        finishedAt,
        nodes,
        logPath,
        studioUrl,
        metrics,
        retryAfter,
        null);
  }

  /** An event without a Retry-After (every status but a refused submission). */
  public JobStatusEvent(
      int schemaVersion,
      Kind kind,
      String runId,
      String partitionId,
      int attempt,
      String jobName,
      String workerId,
      JobPhase phase,
      String backendStatus,
      FailureClass failureClass,
      String message,
      Instant observedAt,
      Instant startedAt,
      Instant finishedAt,
      Integer nodes,
      String logPath,
      String studioUrl,
      Map<String, Double> metrics) {
    this(
        schemaVersion,
        kind,
        runId,
        partitionId,
        attempt,
        jobName,
        workerId,
        phase,
        backendStatus,
        failureClass,
        message,
        observedAt,
        startedAt,
        finishedAt,
        nodes,
        logPath,
        studioUrl,
        metrics,
        null,
        null);
  }

  public String key() {
    return Topics.partitionKey(runId, partitionId);
  }
}
