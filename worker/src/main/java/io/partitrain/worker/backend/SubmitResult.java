package io.partitrain.worker.backend;

import io.partitrain.shared.contracts.SubmittedJob;

/**
 * The answer to {@link JobBackend#submit}.
 *
 * @param observation the job as the backend now sees it
 * @param created true when this call created the job; false when it already existed (adopted)
 * @param submission for a job this call created: what was submitted (code hash, resolved inputs and
 *     outputs, the backend's request), for the job's evidence; null when the backend cannot tell
 *     (the worker fills in its own id)
 */
public record SubmitResult(JobObservation observation, boolean created, SubmittedJob submission) {

  /** An answer without submission evidence (an adopted job). */
  public SubmitResult(JobObservation observation, boolean created) {
    this(observation, created, null);
  }
}
