package io.partitrain.orchestrator.tracking;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import java.time.Instant;
import java.util.Map;

/**
 * The tracker's view of one partition of one run. Changed only by {@link RunState#apply}, so that
 * replaying the runs topic rebuilds exactly what the live tracker had.
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

  /** The rendered job, kept once rendered; derived from the plan, not persisted. */
  io.partitrain.shared.contracts.JobSpec job;

  /** Last sign of life of the current attempt's job; not persisted. */
  Instant lastSeen;

  PartitionRecord(String partitionId, Map<String, String> tags, int sequence) {
    this.partitionId = partitionId;
    this.tags = Map.copyOf(tags);
    this.sequence = sequence;
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

  PartitionSpec spec() {
    return new PartitionSpec(partitionId, tags);
  }
}
