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

  public boolean isTerminal() {
    return phase.isTerminal();
  }
}
