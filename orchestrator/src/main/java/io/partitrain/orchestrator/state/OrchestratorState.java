package io.partitrain.orchestrator.state;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.StateSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Everything the orchestrator decides from: the runs, the schedules and the operators' node caps.
 * It is the fold of the runs topic, and {@link #apply} is that fold: one method that handles every
 * {@link RunEvent} type and throws on a type it does not know, so a new event cannot be ignored
 * without a word. The live tracker and the replay after a restart both come through it, so a new
 * leader rebuilds exactly the state that was committed.
 *
 * <p>This package depends on nothing above it (admission, scheduling, tracking): it records what
 * was decided and never decides.
 */
public final class OrchestratorState {

  private final Map<String, RunState> runs = new HashMap<>();
  private final Map<String, ScheduleRecord> schedules = new TreeMap<>();
  private final Map<String, Integer> nodeCapOverrides = new HashMap<>();
  private final Map<String, Instant> finished = new TreeMap<>();

  /** Partitions per state of each finished run not in memory, and their sums (the gauges'). */
  private final Map<String, Map<PartitionState, Integer>> finishedCounts = new HashMap<>();

  private final Map<PartitionState, Long> finishedPartitions = new EnumMap<>(PartitionState.class);

  /** Who learns from every applied decision besides the fold (see {@link #onApplied}). */
  private final List<Consumer<RunEvent>> observers = new ArrayList<>();

  /**
   * Adds an observer that sees every event after the fold applied it, on the live path and on
   * replay alike (a run's {@code RunStarted} goes through {@link #start} and is not seen): how
   * layers above keep what they learn from decisions (the expected durations of the deadline-aware
   * order) without a fold of their own.
   */
  public void onApplied(Consumer<RunEvent> observer) {
    observers.add(observer);
  }

  /** Applies one decision: the live path after deciding, and the replay on start-up. */
  public void apply(RunEvent event) {
    if (event instanceof RunEvent.PartitionMoves batch) {
      // Stands for its moves (replay): each is folded and observed as if it had come alone.
      batch.moves().forEach(this::apply);
      return;
    }
    fold(event);
    for (Consumer<RunEvent> o : observers) {
      o.accept(event);
    }
  }

  /**
   * The fold of one event without its observers: a new leader's replay of the events after its
   * snapshots, which decides per part of the state (run, schedule, history) whether a snapshot
   * covers the event already.
   */
  public void fold(RunEvent event) {
    if (event instanceof RunEvent.RunStarted e) {
      start(RunState.start(e));
    } else if (event instanceof RunEvent.PartitionTransitioned e) {
      run(e).ifPresent(r -> r.applyTransition(e));
    } else if (event instanceof RunEvent.RetryScheduled e) {
      run(e).ifPresent(r -> r.applyRetry(e));
    } else if (event instanceof RunEvent.CancelAccepted e) {
      run(e).ifPresent(r -> r.applyCancel(e));
    } else if (event instanceof RunEvent.RunCompleted e) {
      run(e).ifPresent(r -> r.applyCompleted(e));
    } else if (event instanceof RunEvent.CostReserved e) {
      budget(e).ifPresent(b -> b.reserve(e));
    } else if (event instanceof RunEvent.CostCharged e) {
      budget(e).ifPresent(b -> b.charge(e));
    } else if (event instanceof RunEvent.CostCapChanged e) {
      budget(e).ifPresent(b -> b.changeCap(e));
    } else if (event instanceof RunEvent.NodeCapChanged e) {
      nodeCapOverrides.put(e.computeTarget(), e.to());
    } else if (event instanceof RunEvent.ScheduleApplied e) {
      schedules.computeIfAbsent(e.planName(), k -> new ScheduleRecord()).apply(e);
    } else if (event instanceof RunEvent.SchedulePauseChanged e) {
      schedule(e.planName()).ifPresent(s -> s.pause(e.paused()));
    } else if (event instanceof RunEvent.ScheduleFired e) {
      schedule(e.planName()).ifPresent(s -> s.fired(e));
    } else if (event instanceof RunEvent.ScheduleSkipped e) {
      schedule(e.planName()).ifPresent(s -> s.advance(e.scheduledFor()));
    } else if (event instanceof RunEvent.RerunAccepted
        || event instanceof RunEvent.CommandRejected
        || event instanceof RunEvent.AdoptionRequested
        || event instanceof RunEvent.ComputeCapacityWarning
        || event instanceof RunEvent.DeadlineAtRisk
        || event instanceof RunEvent.RunSnapshot) {
      // Answers, warnings and views: the state changes through the events that accompany them
      // (RetryScheduled for a rerun), or not at all.
    } else {
      throw new PartitrainException(
          "the fold has no rule for run event type "
              + event.getClass().getName()
              + " (run "
              + event.runId()
              + "); add one to OrchestratorState.apply");
    }
  }

  /**
   * The fold of a {@link RunEvent.RunStarted}, given the {@link RunState} the tracker already built
   * from that event to check the start (so the job template is parsed once). A run id starts one
   * run only: a second start of the same id changes nothing.
   */
  public void start(RunState run) {
    if (finished.containsKey(run.runId())) {
      return;
    }
    runs.putIfAbsent(run.runId(), run);
  }

  /** A run restored from its snapshot (a new leader's takeover, or a finished run asked for). */
  public void restore(RunState run) {
    forget(run.runId());
    runs.put(run.runId(), run);
  }

  /** A schedule restored from its snapshot. */
  public void restore(StateSnapshot.Schedule schedule) {
    schedules.put(schedule.applied().planName(), ScheduleRecord.restore(schedule));
  }

  /** Operators' node caps restored from the checkpoint. */
  public void restoreNodeCaps(Map<String, Integer> caps) {
    nodeCapOverrides.putAll(caps);
  }

  /** Operators' node caps ({@code cap set}), per compute target. */
  public Map<String, Integer> nodeCapOverrides() {
    return Collections.unmodifiableMap(nodeCapOverrides);
  }

  /**
   * Drops a finished run from memory once its final snapshot is committed; its id stays known (a
   * run id starts one run only) until {@link #forget}.
   */
  public void evict(String runId, Instant finishedAt) {
    RunState run = runs.remove(runId);
    noteFinished(runId, finishedAt, run == null ? Map.of() : run.countsByState());
  }

  /**
   * Notes a finished run that is not in memory (read from the state topic at takeover), with its
   * partitions per state if known; a run noted already keeps what it had.
   */
  public void noteFinished(String runId, Instant finishedAt, Map<PartitionState, Integer> counts) {
    if (runs.containsKey(runId) || finished.containsKey(runId)) {
      return;
    }
    finished.put(runId, finishedAt);
    finishedCounts.put(runId, Map.copyOf(counts));
    counts.forEach((s, n) -> finishedPartitions.merge(s, (long) n, Long::sum));
  }

  /** Forgets a finished run whose final snapshot was tombstoned (or that came back to memory). */
  public void forget(String runId) {
    finished.remove(runId);
    Map<PartitionState, Integer> counts = finishedCounts.remove(runId);
    if (counts != null) {
      counts.forEach((s, n) -> finishedPartitions.merge(s, (long) -n, Long::sum));
    }
  }

  /** Partitions per state of the finished runs not held in memory (the gauges count them too). */
  public Map<PartitionState, Long> finishedPartitions() {
    return Collections.unmodifiableMap(finishedPartitions);
  }

  /** Finished runs evicted from memory, with when they finished. */
  public Map<String, Instant> finished() {
    return Collections.unmodifiableMap(finished);
  }

  /** Whether a run of this id exists, in memory or evicted after it finished. */
  public boolean exists(String runId) {
    return runs.containsKey(runId) || finished.containsKey(runId);
  }

  public Optional<RunState> run(String runId) {
    return Optional.ofNullable(runs.get(runId));
  }

  public Collection<RunState> runs() {
    return Collections.unmodifiableCollection(runs.values());
  }

  public Collection<ScheduleRecord> schedules() {
    return Collections.unmodifiableCollection(schedules.values());
  }

  public Optional<ScheduleRecord> schedule(String planName) {
    return Optional.ofNullable(schedules.get(planName));
  }

  /** An operator's node cap for a compute target ({@code cap set}), if one was set. */
  public Optional<Integer> nodeCapOverride(String computeTarget) {
    return Optional.ofNullable(nodeCapOverrides.get(computeTarget));
  }

  /** How many partitions of the runs in memory are in a state now: O(runs). */
  public int partitionsIn(PartitionState s) {
    int n = 0;
    for (RunState r : runs.values()) {
      n += r.count(s);
    }
    return n;
  }

  /** Nodes held now on a compute target by all runs' jobs in flight. */
  public int inFlightNodes(String computeTarget) {
    int n = 0;
    for (RunState r : runs.values()) {
      n += r.inFlightNodes(computeTarget);
    }
    return n;
  }

  // Events of runs this state does not know (their start aged out of the runs topic's retention)
  // change nothing, on the live path as on replay.
  private Optional<RunState> run(RunEvent e) {
    return run(e.runId());
  }

  private Optional<RunBudget> budget(RunEvent e) {
    return run(e).map(RunState::budget);
  }
}
