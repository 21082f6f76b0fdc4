package io.partitrain.shared.contracts;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of one partition of a run, as the tracker sees it.
 *
 * <pre>
 * SCHEDULED → ADMITTED → SUBMITTED → QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELED
 * FAILED → ADMITTED                      (a retry, or an operator's rerun)
 * SCHEDULED → DEFERRED_BY_COST → ADMITTED (budget freed, or cap raised)
 * DEFERRED_BY_COST → SCHEDULED            (the budget has room, but maxInFlight or a node cap waits)
 * FAILED → DEFERRED_BY_COST              (a retry the budget cannot take now)
 * </pre>
 *
 * <p>Backends may skip intermediate states (a job that finishes between two polls goes from
 * SUBMITTED straight to SUCCEEDED), and a job can fail before it was ever submitted (the worker
 * could not launch it). All allowed moves are in {@link #ALLOWED}; everything else is illegal.
 */
public enum PartitionState {
  SCHEDULED,
  DEFERRED_BY_COST,
  ADMITTED,
  SUBMITTED,
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELED;

  private static final Map<PartitionState, Set<PartitionState>> ALLOWED = buildTransitionTable();

  private static Map<PartitionState, Set<PartitionState>> buildTransitionTable() {
    Map<PartitionState, Set<PartitionState>> t = new EnumMap<>(PartitionState.class);
    t.put(SCHEDULED, EnumSet.of(ADMITTED, DEFERRED_BY_COST, CANCELED));
    t.put(DEFERRED_BY_COST, EnumSet.of(ADMITTED, SCHEDULED, CANCELED));
    t.put(ADMITTED, EnumSet.of(SUBMITTED, QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELED));
    t.put(SUBMITTED, EnumSet.of(QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELED));
    t.put(QUEUED, EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELED));
    t.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELED));
    t.put(SUCCEEDED, EnumSet.noneOf(PartitionState.class));
    t.put(FAILED, EnumSet.of(ADMITTED, DEFERRED_BY_COST));
    t.put(CANCELED, EnumSet.noneOf(PartitionState.class));
    t.replaceAll((from, to) -> Collections.unmodifiableSet(to));
    return Collections.unmodifiableMap(t);
  }

  /** Whether the table allows a move from this state to {@code next}. */
  public boolean canMoveTo(PartitionState next) {
    return ALLOWED.get(this).contains(next);
  }

  /**
   * Checks a move against the table.
   *
   * @return {@code next}, so that callers can write {@code state = state.moveTo(next)}
   * @throws IllegalTransitionException naming both states when the move is not allowed
   */
  public PartitionState moveTo(PartitionState next) {
    if (!canMoveTo(next)) {
      throw new IllegalTransitionException(this, next);
    }
    return next;
  }

  /** States in which a backend job for the current attempt may exist and hold nodes. */
  public boolean isInFlight() {
    return this == ADMITTED || this == SUBMITTED || this == QUEUED || this == RUNNING;
  }

  /** States a job can only leave through a new attempt (FAILED) or never (SUCCEEDED, CANCELED). */
  public boolean isJobTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELED;
  }
}
