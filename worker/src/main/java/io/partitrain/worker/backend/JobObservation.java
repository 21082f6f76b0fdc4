package io.partitrain.worker.backend;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import java.time.Instant;
import java.util.Map;

/**
 * What a backend reports about a job at one moment.
 *
 * @param jobName the job
 * @param phase the job's phase in Partitrain's words; {@link JobPhase#UNKNOWN} means keep watching
 * @param backendStatus the backend's own status word, for logs and evidence
 * @param failureClass why it failed, for FAILED and CANCELED; null otherwise
 * @param message one line for humans (never a secret)
 * @param startedAt when billable time began, if it has
 * @param finishedAt when the job became terminal, if it has
 * @param logPath where the job's log is
 * @param studioUrl the backend's page for the job, if any
 * @param backendId the backend's id (an ARM id, a folder), if any
 * @param metrics numbers the job reported on success
 */
public record JobObservation(
    String jobName,
    JobPhase phase,
    String backendStatus,
    FailureClass failureClass,
    String message,
    Instant startedAt,
    Instant finishedAt,
    String logPath,
    String studioUrl,
    String backendId,
    Map<String, Double> metrics) {

  public JobObservation {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  /**
   * The way to build an observation: the job and its phase are required, everything else the
   * backend knows is named as it is set; what it does not know stays null (metrics: empty).
   */
  public static Builder of(String jobName, JobPhase phase) {
    return new Builder(jobName, phase);
  }

  public boolean isTerminal() {
    return phase.isTerminal();
  }

  /** Names each field of a {@link JobObservation} as it is set; unset fields stay null. */
  public static final class Builder {
    private final String jobName;
    private final JobPhase phase;
    private String backendStatus;
    private FailureClass failureClass;
    private String message;
    private Instant startedAt;
    private Instant finishedAt;
    private String logPath;
    private String studioUrl;
    private String backendId;
    private Map<String, Double> metrics;

    private Builder(String jobName, JobPhase phase) {
      this.jobName = jobName;
      this.phase = phase;
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

    public Builder startedAt(Instant value) {
      startedAt = value;
      return this;
    }

    public Builder finishedAt(Instant value) {
      finishedAt = value;
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

    public Builder backendId(String value) {
      backendId = value;
      return this;
    }

    public Builder metrics(Map<String, Double> value) {
      metrics = value;
      return this;
    }

    public JobObservation build() {
      return new JobObservation(
          jobName,
          phase,
          backendStatus,
          failureClass,
          message,
          startedAt,
          finishedAt,
          logPath,
          studioUrl,
          backendId,
          metrics);
    }
  }
}
