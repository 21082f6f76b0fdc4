package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.scheduling.deadline.DeadlineWatch;
import io.partitrain.orchestrator.scheduling.deadline.ExpectedDurations;
import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.orchestrator.state.ScheduleRecord;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.contracts.Topics;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the leader's state to the compacted state topic ({@link StateSnapshot}), in the same
 * transactions as the decisions it folds: a changed run at most once per {@link #interval}, at once
 * when it completes (its final snapshot) or reopens; changed schedules and plan histories with
 * them; and a {@link StateSnapshot.Checkpoint} that says where a successor starts reading the runs
 * topic (the orchestrator fills in the offsets when it writes the record). A finished run's final
 * snapshot is tombstoned {@link #finishedRetention} after the run finished.
 *
 * <p>The biggest advantage: a new leader reads the snapshots and the runs-topic events after them,
 * so takeover grows with the active runs, not with history. The biggest limitation: a run's
 * snapshot is one record of O(its partitions), rewritten whole on every interval in which it
 * changed; the interval trades the bytes written against the events a successor replays.
 */
final class StateSnapshots {

  /** How often a changing run's state is snapshotted at most. */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  /** How long a finished run's final snapshot stays on the state topic. */
  static final Duration DEFAULT_FINISHED_RETENTION = Duration.ofDays(90);

  private final OrchestratorState state;
  private final Topics topics;
  private final DeadlineWatch deadlines;
  private final ExpectedDurations durations;
  private final Duration interval;
  private final Duration finishedRetention;

  private final Set<String> dirtyRuns = new LinkedHashSet<>();
  private final Set<String> dirtySchedules = new LinkedHashSet<>();
  private final Set<String> dirtyPlans = new LinkedHashSet<>();
  private boolean checkpointDirty;

  /** The last snapshot written of each run in memory, and when. */
  private final Map<String, Sent> sent = new HashMap<>();

  /** When each dirty run without a snapshot written by this leader was first seen changed. */
  private final Map<String, Instant> dirtySince = new HashMap<>();

  /**
   * The last snapshot taken of a run: whether it was complete, when, and the snapshot itself only
   * weakly (the outbox holds it until its commit, when {@link #evictIfFinal} needs to know it; kept
   * strongly, a run of a million partitions would hold a second copy of its state for ever).
   */
  private record Sent(boolean complete, Instant at, WeakReference<StateSnapshot.Run> snapshot) {
    Sent(StateSnapshot.Run s, Instant at) {
      this(s.complete(), at, new WeakReference<>(s));
    }
  }

  StateSnapshots(
      OrchestratorState state,
      Topics topics,
      DeadlineWatch deadlines,
      ExpectedDurations durations,
      Duration interval,
      Duration finishedRetention) {
    this.state = state;
    this.topics = topics;
    this.deadlines = deadlines;
    this.durations = durations;
    this.interval = interval;
    this.finishedRetention = finishedRetention;
  }

  /** Notes what an applied event changed (an observer of the fold, and the takeover's replay). */
  void changed(RunEvent event) {
    if (event instanceof RunEvent.NodeCapChanged) {
      checkpointDirty = true;
    } else if (event instanceof RunEvent.ScheduleApplied e) {
      dirtySchedules.add(e.planName());
    } else if (event instanceof RunEvent.SchedulePauseChanged e) {
      dirtySchedules.add(e.planName());
    } else if (event instanceof RunEvent.ScheduleFired e) {
      dirtySchedules.add(e.planName());
    } else if (event instanceof RunEvent.ScheduleSkipped e) {
      dirtySchedules.add(e.planName());
    } else if (state.run(event.runId()).isPresent()) {
      dirtyRuns.add(event.runId());
    }
  }

  /** A run restored from its snapshot: that snapshot is what the state topic holds for it. */
  void restored(StateSnapshot.Run snapshot, Instant now) {
    sent.put(snapshot.runId(), new Sent(snapshot, now));
  }

  /** Writes what is due now: changed runs, schedules, histories, the checkpoint, tombstones. */
  void publish(Instant now, Outbox out) {
    boolean wrote = false;
    for (var it = dirtyRuns.iterator(); it.hasNext(); ) {
      String runId = it.next();
      RunState run = state.run(runId).orElse(null);
      if (run == null) {
        it.remove();
        dirtySince.remove(runId);
        continue;
      }
      if (due(run, now)) {
        out.send(topics.state(), StateSnapshot.runKey(runId), snapshotOf(run, now));
        it.remove();
        dirtySince.remove(runId);
        wrote = true;
      }
    }
    if (wrote || checkpointDirty) {
      for (String plan : dirtySchedules) {
        state
            .schedule(plan)
            .ifPresent(
                s -> out.send(topics.state(), StateSnapshot.scheduleKey(plan), s.snapshot(now)));
      }
      dirtySchedules.clear();
      for (String plan : durations.drainChanged()) {
        out.send(topics.state(), StateSnapshot.durationsKey(plan), durations.snapshot(plan, now));
      }
      tombstone(now, out);
      out.send(topics.state(), StateSnapshot.CHECKPOINT_KEY, checkpoint(now));
      checkpointDirty = false;
    } else if (!dirtySchedules.isEmpty()) {
      // A schedule's decisions need no run to change: they get the next round's checkpoint.
      checkpointDirty = true;
    }
  }

  /**
   * A run's snapshot is due at once when it completed or reopened since the last one (so a final
   * snapshot is never late and a reopened run is never restored as finished), else once its changes
   * are {@link #interval} old.
   */
  private boolean due(RunState run, Instant now) {
    Sent last = sent.get(run.runId());
    boolean lastComplete = last != null && last.complete();
    if (run.isComplete() != lastComplete || lastComplete) {
      return true;
    }
    Instant since = last != null ? last.at() : dirtySince.computeIfAbsent(run.runId(), k -> now);
    return !now.isBefore(since.plus(interval));
  }

  private StateSnapshot.Run snapshotOf(RunState run, Instant now) {
    StateSnapshot.Run s =
        run.snapshot(
            p -> deadlines.admittedAt(run.runId(), p.partitionId()),
            deadlines.warned(run.runId()),
            now);
    sent.put(run.runId(), new Sent(s, now));
    return s;
  }

  private void tombstone(Instant now, Outbox out) {
    for (Map.Entry<String, Instant> e : List.copyOf(state.finished().entrySet())) {
      if (!now.isBefore(e.getValue().plus(finishedRetention))) {
        out.add(new ProducerRecord<>(topics.state(), StateSnapshot.runKey(e.getKey()), null));
        state.forget(e.getKey());
      }
    }
  }

  private StateSnapshot.Checkpoint checkpoint(Instant now) {
    return new StateSnapshot.Checkpoint(
        Schema.VERSION,
        null,
        new TreeMap<>(state.nodeCapOverrides()),
        new TreeMap<>(state.finished()),
        now);
  }

  /**
   * Drops a finished run from memory if {@code committed}, now committed, is still its latest
   * snapshot and the run did not change since. Returns whether it was evicted.
   */
  boolean evictIfFinal(StateSnapshot.Run committed) {
    String runId = committed.runId();
    Sent last = sent.get(runId);
    RunState run = state.run(runId).orElse(null);
    if (run == null
        || last == null
        || last.snapshot().get() != committed
        || !run.isComplete()
        || dirtyRuns.contains(runId)) {
      return false;
    }
    evict(run, committed.at());
    return true;
  }

  /** Evicts a complete, unchanged run whose final snapshot the state topic holds. */
  void evict(RunState run, Instant now) {
    List<String> ids = new ArrayList<>();
    for (PartitionRecord p : run.partitions()) {
      ids.add(p.partitionId());
    }
    deadlines.forget(run.runId(), ids);
    sent.remove(run.runId());
    state.evict(
        run.runId(), java.util.Objects.requireNonNullElse(run.summary().completedAt(), now));
    checkpointDirty = true;
  }

  /** Whether a run changed since its last snapshot. */
  boolean isDirty(String runId) {
    return dirtyRuns.contains(runId);
  }

  /** Everything, as snapshots taken now (tests compare a restored state with a replayed one). */
  List<StateSnapshot> all(Instant now) {
    List<StateSnapshot> out = new ArrayList<>();
    List<String> runIds = new ArrayList<>();
    state.runs().forEach(r -> runIds.add(r.runId()));
    runIds.sort(null);
    for (String id : runIds) {
      RunState run = state.run(id).orElseThrow();
      out.add(
          run.snapshot(p -> deadlines.admittedAt(id, p.partitionId()), deadlines.warned(id), now));
    }
    for (ScheduleRecord s : state.schedules()) {
      out.add(s.snapshot(now));
    }
    for (String plan : durations.plans()) {
      out.add(durations.snapshot(plan, now));
    }
    out.add(checkpoint(now));
    return out;
  }
}
