package io.partitrain.shared.contracts;

/**
 * What a run came to, in one word, derived from its summary ({@link #of}): the CLI's {@code run
 * show} and {@code run list}, their JSON, {@code run wait} and the console all say the same.
 *
 * <p>A run is settled when every partition is SUCCEEDED, FAILED or CANCELED; before that it is
 * {@link #ACTIVE}, or {@link #WAITING_ON_BUDGET} when nothing moves any more except partitions the
 * cost cap holds back (a run whose summary says "complete" but whose partitions all wait on the
 * budget has not succeeded).
 */
public enum RunOutcome {
  /** Every partition succeeded. */
  SUCCEEDED(true),
  /** Settled, and at least one partition failed (or was canceled without the run being). */
  FAILED(true),
  /** An operator canceled the run; it has settled. */
  CANCELED(true),
  /** Partitions are scheduled, admitted, running, or waiting for a retry. */
  ACTIVE(false),
  /**
   * Nothing runs and nothing is due: the remaining partitions wait for budget (DEFERRED_BY_COST).
   */
  WAITING_ON_BUDGET(false);

  private final boolean settled;

  RunOutcome(boolean settled) {
    this.settled = settled;
  }

  /** Whether the run has ended (nothing more happens unless an operator reruns it). */
  public boolean isSettled() {
    return settled;
  }

  /**
   * The outcome of a run.
   *
   * @param summary its latest summary
   * @param cancelAccepted whether an operator's cancel of the run was accepted
   */
  public static RunOutcome of(RunSummary summary, boolean cancelAccepted) {
    int moving =
        summary.count(PartitionState.SCHEDULED)
            + summary.count(PartitionState.ADMITTED)
            + summary.count(PartitionState.SUBMITTED)
            + summary.count(PartitionState.QUEUED)
            + summary.count(PartitionState.RUNNING);
    int deferred = summary.count(PartitionState.DEFERRED_BY_COST);
    if (moving > 0) {
      return ACTIVE;
    }
    if (deferred > 0) {
      return WAITING_ON_BUDGET;
    }
    if (!summary.complete()) {
      // All published partitions are terminal, but a retry is pending or partitions are still
      // being scheduled: the tracker has not settled the run.
      return ACTIVE;
    }
    if (cancelAccepted) {
      return CANCELED;
    }
    return summary.count(PartitionState.FAILED) + summary.count(PartitionState.CANCELED) > 0
        ? FAILED
        : SUCCEEDED;
  }
}
