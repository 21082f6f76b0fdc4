package io.partitrain.shared.contracts;

import java.util.Map;

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
   * The outcome of a run, from its latest summary.
   *
   * @param summary its latest summary
   * @param cancelAccepted whether an operator's cancel of the run was accepted
   */
  public static RunOutcome of(RunSummary summary, boolean cancelAccepted) {
    return of(summary.byState(), summary.complete(), cancelAccepted);
  }

  /**
   * The one place that decides a run's outcome: the tracker's fold, the console's API and page, and
   * the CLI all call it, so that no screen can call a run SUCCEEDED that another shows waiting.
   *
   * <p>The partitions' states come first and the tracker's "complete" mark second: a run with any
   * partition that is not terminal is never settled, whatever a (possibly older) completion record
   * says.
   *
   * @param byState partitions per state
   * @param complete whether the tracker marked the run complete (nothing pending, no retry due)
   * @param cancelAccepted whether an operator's cancel of the run was accepted
   */
  public static RunOutcome of(
      Map<PartitionState, Integer> byState, boolean complete, boolean cancelAccepted) {
    int moving = 0;
    for (PartitionState s : PartitionState.values()) {
      if (!s.isJobTerminal() && s != PartitionState.DEFERRED_BY_COST) {
        moving += byState.getOrDefault(s, 0);
      }
    }
    if (moving > 0) {
      return ACTIVE;
    }
    if (byState.getOrDefault(PartitionState.DEFERRED_BY_COST, 0) > 0) {
      return WAITING_ON_BUDGET;
    }
    if (!complete) {
      // All published partitions are terminal, but a retry is pending or partitions are still
      // being scheduled: the tracker has not settled the run.
      return ACTIVE;
    }
    if (cancelAccepted) {
      return CANCELED;
    }
    return byState.getOrDefault(PartitionState.FAILED, 0)
                + byState.getOrDefault(PartitionState.CANCELED, 0)
            > 0
        ? FAILED
        : SUCCEEDED;
  }
}
