package io.partitrain.shared.contracts;

/**
 * A backend job's status, in Partitrain's words. Each backend maps its own statuses onto these (for
 * Azure ML, see DESIGN.md); {@link #UNKNOWN} means "keep watching" (Paused, Unknown, or a value not
 * seen before) and is never reported to the tracker as a change.
 */
public enum JobPhase {
  SUBMITTED(PartitionState.SUBMITTED),
  QUEUED(PartitionState.QUEUED),
  RUNNING(PartitionState.RUNNING),
  SUCCEEDED(PartitionState.SUCCEEDED),
  FAILED(PartitionState.FAILED),
  CANCELED(PartitionState.CANCELED),
  UNKNOWN(null);

  private final PartitionState partitionState;

  JobPhase(PartitionState partitionState) {
    this.partitionState = partitionState;
  }

  /** The partition state this phase moves a partition to; {@code null} for {@link #UNKNOWN}. */
  public PartitionState partitionState() {
    return partitionState;
  }

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELED;
  }
}
