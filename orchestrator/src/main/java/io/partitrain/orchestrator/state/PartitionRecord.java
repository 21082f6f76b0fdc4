package io.partitrain.orchestrator.state;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import java.time.Instant;
import java.util.Map;

/**
 * The tracker's view of one partition of one run. Its fields are written only by the fold ({@link
 * OrchestratorState#apply}, through {@link RunState}), so that replaying the runs topic rebuilds
 * exactly what the live tracker had; everything outside this package reads it.
 */
public final class PartitionRecord {

  private final String partitionId;
  private final Map<String, String> tags;
  private final int sequence;

  /** Its run: renders its job again when it is not held (see {@link #job}). */
  private final RunState run;

  PartitionState state = PartitionState.SCHEDULED;

  /** The current attempt; 0 until first admitted. */
  int attempt;

  /** Attempts used since the last operator rerun (what {@code retry.maxAttempts} limits). */
  int roundAttempts;

  /**
   * The current attempt's job name when it is not {@link JobNames#of} the run, partition and
   * attempt (it always is when this orchestrator named it); null otherwise, so a million partitions
   * do not each hold a name that can be derived.
   */
  String jobName;

  /** When a new attempt may be admitted; null when none is pending. */
  Instant retryNotBefore;

  int nextAttempt;
  boolean retried;
  boolean rerunPending;
  FailureClass lastFailureClass;
  String lastMessage;
  String logPath;
  Map<String, Double> metrics = Map.of();

  /** {@code resources.instance_count} of its job, and its compute target (interned). */
  private final int nodes;

  private final String computeTarget;

  /**
   * The partition's job while it is in flight (from its admission until it leaves flight): the one
   * {@link JobSpec} admission checked, the work item carried and the node count in flight holds.
   * Otherwise null, and {@link #job()} renders it again from the run's template (rendering is
   * deterministic): a run of a million partitions does not hold a million rendered jobs.
   */
  JobSpec job;

  PartitionRecord(
      String partitionId, Map<String, String> tags, int sequence, JobSpec rendered, RunState run) {
    this.partitionId = partitionId;
    // Tag names and values shared between partitions: region=north a million times is one string.
    this.tags = PartitionSpec.interned(tags);
    this.sequence = sequence;
    this.run = run;
    this.nodes = rendered.nodes();
    this.computeTarget = rendered.computeTarget().intern();
  }

  /** The partition's job: the one held while in flight, else rendered now (see {@link #job}). */
  public JobSpec job() {
    JobSpec held = job;
    return held != null ? held : run.render(new PartitionSpec(partitionId, tags));
  }

  /** Nodes its job holds while in flight: {@code resources.instance_count} of {@link #job()}. */
  public int nodes() {
    return nodes;
  }

  /** The compute target of its job. */
  public String computeTarget() {
    return computeTarget;
  }

  public String partitionId() {
    return partitionId;
  }

  public Map<String, String> tags() {
    return tags;
  }

  public int sequence() {
    return sequence;
  }

  public PartitionState state() {
    return state;
  }

  public int attempt() {
    return attempt;
  }

  /** The current attempt's job name; null before the first admission. */
  public String jobName() {
    if (jobName != null || attempt < 1) {
      return jobName;
    }
    return JobNames.of(run.runId(), partitionId, attempt);
  }

  /** Keeps {@code name} only when it is not the one {@link #jobName()} derives. */
  void nameJob(String name) {
    jobName =
        name == null || attempt < 1 || name.equals(JobNames.of(run.runId(), partitionId, attempt))
            ? null
            : name;
  }

  public boolean hasRetryPending() {
    return retryNotBefore != null;
  }

  public Instant retryNotBefore() {
    return retryNotBefore;
  }

  public FailureClass lastFailureClass() {
    return lastFailureClass;
  }

  public String logPath() {
    return logPath;
  }

  /**
   * Settled: nothing more will happen unless an operator reruns it. SUCCEEDED and CANCELED always;
   * FAILED when no retry is pending. DEFERRED_BY_COST is not settled: it runs as soon as budget
   * frees up or the cap is raised, so a run waiting on its budget has not completed (issue 23: the
   * console called such a run SUCCEEDED, and its cost was "settled" once per cap raise).
   */
  public boolean isSettled() {
    return switch (state) {
      case SUCCEEDED, CANCELED -> true;
      case FAILED -> retryNotBefore == null;
      default -> false;
    };
  }

  /** The attempt a new admission gets: the pending retry's number, else the next one. */
  public int nextAttempt() {
    return hasRetryPending() ? nextAttempt : attempt + 1;
  }

  /** Attempts used since the last operator rerun (what {@code retry.maxAttempts} limits). */
  public int roundAttempts() {
    return roundAttempts;
  }

  /** The message of the last FAILED or CANCELED move. */
  public String lastMessage() {
    return lastMessage;
  }
}
