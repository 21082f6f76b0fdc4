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

  /**
   * The way to build a status change of one attempt's job; every other field is named as it is set,
   * and what the worker does not know stays null.
   */
  public static Builder status(String runId, String partitionId, int attempt, String jobName) {
    return new Builder(Kind.STATUS, runId, partitionId, attempt, jobName);
  }

  /** The way to build a heartbeat (a sign of life that changes no state) of one attempt's job. */
  public static Builder heartbeat(String runId, String partitionId, int attempt, String jobName) {
    return new Builder(Kind.HEARTBEAT, runId, partitionId, attempt, jobName);
  }

  public String key() {
    return Topics.partitionKey(runId, partitionId);
  }

  /** Names each field of a {@link JobStatusEvent} as it is set; unset fields stay null. */
  public static final class Builder {
    private final Kind kind;
    private final String runId;
    private final String partitionId;
    private final int attempt;
    private final String jobName;
    private String workerId;
    private JobPhase phase;
    private String backendStatus;
    private FailureClass failureClass;
    private String message;
    private Instant observedAt;
    private Instant startedAt;
    private Instant finishedAt;
    private Integer nodes;
    private String logPath;
    private String studioUrl;
    private Map<String, Double> metrics;
    private Duration retryAfter;
    private SubmittedJob submission;

    private Builder(Kind kind, String runId, String partitionId, int attempt, String jobName) {
      this.kind = kind;
      this.runId = runId;
      this.partitionId = partitionId;
      this.attempt = attempt;
      this.jobName = jobName;
    }

    public Builder workerId(String value) {
      workerId = value;
      return this;
    }

    public Builder phase(JobPhase value) {
      phase = value;
      return this;
    }

    public Builder backendStatus(String value) {
      backendStatus = value;
      return this;
    }

    public Builder failureClass(FailureClass value) {
      failureClass = value;
      return this;
    }

    public Builder message(String value) {
      message = value;
      return this;
    }

    public Builder observedAt(Instant value) {
      observedAt = value;
      return this;
    }

    public Builder startedAt(Instant value) {
      startedAt = value;
      return this;
    }

    public Builder finishedAt(Instant value) {
      finishedAt = value;
      return this;
    }

    public Builder nodes(Integer value) {
      nodes = value;
      return this;
    }

    public Builder logPath(String value) {
      logPath = value;
      return this;
    }

    public Builder studioUrl(String value) {
      studioUrl = value;
      return this;
    }

    public Builder metrics(Map<String, Double> value) {
      metrics = value;
      return this;
    }

    public Builder retryAfter(Duration value) {
      retryAfter = value;
      return this;
    }

    public Builder submission(SubmittedJob value) {
      submission = value;
      return this;
    }

    public JobStatusEvent build() {
      return new JobStatusEvent(
          Schema.VERSION,
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
          submission);
    }
  }
}
