package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.schedule.CronSchedule;
import io.partitrain.shared.schedule.FireTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The schedules as readers show them (the console's {@code /schedules}, {@code partitrain schedule
 * list} without {@code --server}): folded from the runs topic's schedule events on top of the state
 * topic's {@code schedule/PLAN} snapshots, so a schedule whose {@link RunEvent.ScheduleApplied} is
 * past the runs topic's retention stays listed for as long as the leader keeps its snapshot.
 *
 * <p>The merge rule, the same as for finished runs ({@link RunsFold}): a snapshot is the base; an
 * event it covers (below its {@link StateSnapshot#COVERED_HEADER} offsets) is not applied again, an
 * event after it is. A snapshot that does not cover an event already applied is older than what the
 * fold shows and is ignored, whatever order the two topics are read in. A tombstone on {@code
 * schedule/PLAN} takes out a schedule known only from its snapshot. No verb removes a schedule
 * today; the leader keeps its snapshot for as long as it holds the schedule.
 *
 * <p>Biggest limitation: the snapshot keeps the latest decided fire time and the last run, not when
 * that run fired; a schedule read from its snapshot shows {@link ScheduleView#lastFired()} only
 * when no skipped fire time followed the last run (then it is the snapshot's latest decided time).
 */
public final class SchedulesFold {

  private final Map<String, Entry> schedules = new TreeMap<>();

  /** One plan's schedule: its view, and where it came from. */
  private static final class Entry {
    ScheduleView view;

    /** The runs-topic offsets the snapshot it was built from covers; null if from events only. */
    Map<Integer, Long> covered;

    /** Per runs-topic partition, the offset of the last event applied to it. */
    final Map<Integer, Long> applied = new HashMap<>();
  }

  /** Whether {@code event} is one of the schedule events this fold reads. */
  public static boolean isScheduleEvent(RunEvent event) {
    return event instanceof RunEvent.ScheduleApplied
        || event instanceof RunEvent.SchedulePauseChanged
        || event instanceof RunEvent.ScheduleFired
        || event instanceof RunEvent.ScheduleSkipped;
  }

  /**
   * Applies a schedule event read from the runs topic at {@code partition}/{@code offset}, unless
   * the snapshot the schedule was built from covers it. Other events are left alone.
   */
  public void apply(RunEvent event, int partition, long offset) {
    String plan = planOf(event);
    if (plan == null) {
      return;
    }
    Entry e = schedules.get(plan);
    if (e != null && e.covered != null && offset < e.covered.getOrDefault(partition, -1L)) {
      return;
    }
    apply(event);
    Entry after = schedules.get(plan);
    if (after != null) {
      after.applied.merge(partition, offset, Math::max);
    }
  }

  /** Applies a schedule event whose place on the runs topic is not known (tests, replays). */
  public void apply(RunEvent event) {
    if (event instanceof RunEvent.ScheduleApplied a) {
      Entry e = schedules.computeIfAbsent(a.planName(), k -> new Entry());
      ScheduleView s = e.view;
      e.view =
          new ScheduleView(
              a.planName(),
              a.schedule().cron(),
              a.schedule().timeZone(),
              a.schedule().concurrencyPolicy().name(),
              s != null && s.paused(),
              a.requestedBy(),
              s == null ? null : s.lastFired(),
              s == null ? null : s.lastRunId(),
              s == null ? null : s.lastDecided(),
              a.schedule());
    } else if (event instanceof RunEvent.SchedulePauseChanged p) {
      update(p.planName(), s -> s.withPaused(p.paused()));
    } else if (event instanceof RunEvent.ScheduleFired f) {
      update(f.planName(), s -> s.fired(f.scheduledFor(), f.runId()));
    } else if (event instanceof RunEvent.ScheduleSkipped k) {
      update(k.planName(), s -> s.skipped(k.scheduledFor()));
    }
  }

  /**
   * A {@code schedule/PLAN} snapshot from the state topic: the schedule's base, unless an event
   * already applied is not in it.
   *
   * @param covered the runs-topic offsets it covers ({@link FinalSnapshots#covered})
   */
  public void apply(StateSnapshot.Schedule snapshot, Map<Integer, Long> covered) {
    if (snapshot.applied() == null) {
      return;
    }
    String plan = snapshot.applied().planName();
    Entry e = schedules.get(plan);
    if (e != null && !coversAll(covered, e.applied)) {
      return;
    }
    Entry fresh = new Entry();
    fresh.view = view(snapshot);
    fresh.covered = Map.copyOf(covered);
    if (e != null) {
      fresh.applied.putAll(e.applied);
    }
    schedules.put(plan, fresh);
  }

  /**
   * The {@code schedule/PLAN} record was tombstoned: a schedule known only from its snapshot (no
   * event of it applied since) is gone.
   */
  public void forget(String plan) {
    Entry e = schedules.get(plan);
    if (e != null && e.covered != null && coversAll(e.covered, e.applied)) {
      schedules.remove(plan);
    }
  }

  /** Every schedule, by plan name. */
  public List<ScheduleView> views() {
    return schedules.values().stream().map(e -> e.view).toList();
  }

  /** Whether the plan's schedule is known. */
  public boolean has(String plan) {
    return schedules.containsKey(plan);
  }

  private void update(String plan, java.util.function.UnaryOperator<ScheduleView> change) {
    Entry e = schedules.get(plan);
    if (e != null) {
      e.view = change.apply(e.view);
    }
  }

  private static boolean coversAll(Map<Integer, Long> covered, Map<Integer, Long> applied) {
    for (Map.Entry<Integer, Long> a : applied.entrySet()) {
      if (a.getValue() >= covered.getOrDefault(a.getKey(), -1L)) {
        return false;
      }
    }
    return true;
  }

  private static String planOf(RunEvent event) {
    if (event instanceof RunEvent.ScheduleApplied a) {
      return a.planName();
    } else if (event instanceof RunEvent.SchedulePauseChanged p) {
      return p.planName();
    } else if (event instanceof RunEvent.ScheduleFired f) {
      return f.planName();
    } else if (event instanceof RunEvent.ScheduleSkipped k) {
      return k.planName();
    }
    return null;
  }

  /**
   * A schedule as its snapshot holds it. The snapshot's cursor is the latest decided fire time, or
   * the time the schedule was first applied if none was decided: it is shown as last decided only
   * when it is one of the cron's fire times, and as last fired when the last run is that time's.
   */
  static ScheduleView view(StateSnapshot.Schedule s) {
    RunEvent.ScheduleApplied a = s.applied();
    Optional<FireTime> decided = fireTimeAt(a, s.cursor());
    Instant lastDecided = decided.map(FireTime::at).orElse(null);
    Instant lastFired =
        decided
                .filter(
                    f ->
                        s.lastRunId() != null
                            && s.lastRunId()
                                .equals(CronSchedule.of(a.schedule()).runId(a.planName(), f)))
                .isPresent()
            ? lastDecided
            : null;
    return new ScheduleView(
        a.planName(),
        a.schedule().cron(),
        a.schedule().timeZone(),
        a.schedule().concurrencyPolicy().name(),
        s.paused(),
        a.requestedBy(),
        lastFired,
        s.lastRunId(),
        lastDecided,
        a.schedule());
  }

  /** The cron's fire time at exactly {@code at}; empty if {@code at} is not one. */
  private static Optional<FireTime> fireTimeAt(RunEvent.ScheduleApplied a, Instant at) {
    if (at == null) {
      return Optional.empty();
    }
    try {
      return CronSchedule.of(a.schedule())
          .nextAfter(at.minusNanos(1))
          .filter(f -> f.at().equals(at));
    } catch (RuntimeException e) {
      // A schedule the leader accepted always parses; an unreadable one shows no decided time.
      return Optional.empty();
    }
  }
}
