package io.partitrain.shared.contracts;

import io.partitrain.shared.PartitrainException;

/** A move the partition state table does not allow. The message names both states. */
public class IllegalTransitionException extends PartitrainException {

  private final PartitionState from;
  private final PartitionState to;

  public IllegalTransitionException(PartitionState from, PartitionState to) {
    super("illegal partition state transition " + from + " -> " + to);
    this.from = from;
    this.to = to;
  }

  public PartitionState from() {
    return from;
  }

  public PartitionState to() {
    return to;
  }
}
