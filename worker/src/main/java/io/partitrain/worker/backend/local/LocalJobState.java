package io.partitrain.worker.backend.local;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import java.time.Instant;
import java.util.Map;

/**
 * The state file of one local job ({@code state.json} in its folder). Written atomically by the
 * worker that runs the job, read by any worker that watches it.
 *
 * @param phase the job's phase
 * @param backendStatus a status word in the style of Azure ML ({@code Queued}, {@code Running},
 *     {@code Completed}, {@code Failed}, {@code Canceled})
 * @param failureClass why it failed
 * @param message one line for humans
 * @param pid the process id while it runs
 * @param exitCode the process's exit code, once it ended
 * @param startedAt when the process started
 * @param finishedAt when it ended
 * @param metrics numbers read from {@code outputs/NAME/metrics.json}
 */
record LocalJobState(
    JobPhase phase,
    String backendStatus,
    FailureClass failureClass,
    String message,
    Long pid,
    Integer exitCode,
    Instant startedAt,
    Instant finishedAt,
    Map<String, Double> metrics) {

  static LocalJobState queued() {
    return new LocalJobState(
        JobPhase.QUEUED, "Queued", null, null, null, null, null, null, Map.of());
  }

  LocalJobState running(long pid, Instant at) {
    return new LocalJobState(
        JobPhase.RUNNING, "Running", null, null, pid, null, at, null, Map.of());
  }

  LocalJobState ended(
      JobPhase phase,
      String status,
      FailureClass fc,
      String message,
      Integer exitCode,
      Instant at,
      Map<String, Double> metrics) {
    return new LocalJobState(phase, status, fc, message, pid, exitCode, startedAt, at, metrics);
  }
}
