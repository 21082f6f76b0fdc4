package io.partitrain.worker.backend;

/**
 * The answer to {@link JobBackend#submit}.
 *
 * @param observation the job as the backend now sees it
 * @param created true when this call created the job; false when it already existed (adopted)
 */
public record SubmitResult(JobObservation observation, boolean created) {}
