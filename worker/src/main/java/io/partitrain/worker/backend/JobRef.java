package io.partitrain.worker.backend;

import io.partitrain.shared.contracts.WorkItem;

/**
 * Identifies one job (one attempt of one partition of one run).
 *
 * @param runId the run
 * @param partitionId the partition
 * @param attempt the attempt, from 1
 * @param jobName the deterministic job name
 */
public record JobRef(String runId, String partitionId, int attempt, String jobName) {

  public static JobRef of(WorkItem item) {
    return new JobRef(item.runId(), item.partitionId(), item.attempt(), item.jobName());
  }

  /** Log context, as every log line about a job carries it. */
  @Override
  public String toString() {
    return "[run=" + runId + " partition=" + partitionId + " attempt=" + attempt + "]";
  }
}
