package io.partitrain.orchestrator.state;

import io.partitrain.shared.contracts.FailureClass;
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

  PartitionState state = PartitionState.SCHEDULED;

  /** The current attempt; 0 until first admitted. */
  int attempt;

  /** Attempts used since the last operator rerun (what {@code retry.maxAttempts} limits). */
  int roundAttempts;

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

  /**
   * The partition's job, rendered once from the run's template when the partition is scheduled: the
   * one {@link JobSpec} admission, the node count in flight and the work item all use.
   */
  private final JobSpec job;

  PartitionRecord(String partitionId, Map<String, String> tags, int sequence, JobSpec job) {
    this.partitionId = partitionId;
    this.tags = Map.copyOf(tags);
    this.sequence = sequence;
    this.job = job;
  }

  /** The partition's rendered job (see {@link #job}). */
  public JobSpec job() {
    return job;
  }

  /** Nodes its job holds while in flight: {@code resources.instance_count} of {@link #job()}. */
  public int nodes() {
    return job.nodes();
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

  public String jobName() {
    return jobName;
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
   * Settled: nothing more will happen unless an operator acts. SUCCEEDED and CANCELED always;
   * FAILED when no retry is pending; DEFERRED_BY_COST while the budget holds it back.
   */
  public boolean isSettled() {
    return switch (state) {
      case SUCCEEDED, CANCELED, DEFERRED_BY_COST -> true;
      case FAILED -> retryNotBefore == null;
      default -> false;
    };
  }

  public PartitionSpec spec() {
    return new PartitionSpec(partitionId, tags);
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
