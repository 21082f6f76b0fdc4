package io.partitrain.orchestrator.console.view;

import java.util.ArrayDeque;

/**
 * Which finished runs keep their detail: the last {@code retainedRuns} to finish; the one that
 * finished first loses it when another finishes beyond the limit. Active runs are never held here.
 */
final class DetailRetention {

  private final int retainedRuns;

  /** Finished runs that still hold their detail, the first to finish first. */
  private final ArrayDeque<RunAcc> finishedWithDetail = new ArrayDeque<>();

  DetailRetention(int retainedRuns) {
    if (retainedRuns < 1) {
      throw new IllegalArgumentException(
          "retainedRuns must be at least 1, but was " + retainedRuns);
    }
    this.retainedRuns = retainedRuns;
  }

  /** Notes a run that has just finished; evicts the detail of the oldest beyond the limit. */
  void noteFinished(RunAcc a) {
    if (a.completedAt == null || a.evicted || finishedWithDetail.contains(a)) {
      return;
    }
    finishedWithDetail.addLast(a);
    while (finishedWithDetail.size() > retainedRuns) {
      finishedWithDetail.removeFirst().evictDetail();
    }
  }

  /** The run is replaced or forgotten: it no longer counts towards the limit. */
  void remove(RunAcc a) {
    finishedWithDetail.remove(a);
  }
}
