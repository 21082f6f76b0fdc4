package io.partitrain.shared.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * One unit of work for a worker, on {@link Topics#work()}, keyed {@code runId/partitionId}.
 *
 * @param schemaVersion message schema version
 * @param kind {@link Kind#SUBMIT} to create (or find) and watch the job; {@link Kind#ADOPT} to
 *     resume watching a job whose watcher went silent; {@link Kind#CANCEL} to cancel it
 * @param runId the run
 * @param partitionId the partition
 * @param attempt the attempt number, from 1; part of the job name
 * @param jobName the deterministic backend job name ({@link JobNames#of})
 * @param job the rendered job
 * @param partitionTags the partition's tags, for evidence and cost grouping
 * @param issuedAt when the tracker released it
 * @param notAfter for a SUBMIT, the last moment a worker may still submit it: from then on the
 *     tracker may have found no job for the attempt and started the next one, so a worker that was
 *     stopped or slow must not start this one any more (it would run unbudgeted beside its
 *     successor); null for items without a deadline (and from older trackers)
 */
public record WorkItem(
    int schemaVersion,
    Kind kind,
    String runId,
    String partitionId,
    int attempt,
    String jobName,
    JobSpec job,
    Map<String, String> partitionTags,
    Instant issuedAt,
    Instant notAfter) {

  /** What a worker is asked to do. */
  public enum Kind {
    SUBMIT,
    ADOPT,
    CANCEL
  }

  public WorkItem {
    partitionTags = partitionTags == null ? Map.of() : Map.copyOf(partitionTags);
  }

  /** Whether a worker must no longer submit this item at {@code now}. */
  public boolean expiredAt(Instant now) {
    return kind == Kind.SUBMIT && notAfter != null && now.isAfter(notAfter);
  }

  public String key() {
    return Topics.partitionKey(runId, partitionId);
  }

  /** Checks what a worker relies on before anything reaches a backend or a command line. */
  public WorkItem validate() {
    if (kind == null) {
      throw new IllegalArgumentException("work item field 'kind' is missing");
    }
    RunIds.requireValid(runId);
    PartitionIds.requireValid(partitionId);
    if (attempt < 1) {
      throw new IllegalArgumentException(
          "work item field 'attempt' must be at least 1, but was " + attempt);
    }
    String expected = JobNames.of(runId, partitionId, attempt);
    if (!expected.equals(jobName)) {
      throw new IllegalArgumentException(
          "work item field 'jobName' is '"
              + jobName
              + "' but must be the deterministic name '"
              + expected
              + "'");
    }
    if (job == null || job.command() == null || job.command().isBlank()) {
      throw new IllegalArgumentException("work item field 'job.command' is missing");
    }
    return this;
  }
}
