package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.CostCap;
import io.partitrain.orchestrator.admission.NodeCap;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.admission.SubmitWindow;
import io.partitrain.orchestrator.finops.FinOpsTrail;
import io.partitrain.orchestrator.scheduling.ScheduleBook;
import io.partitrain.orchestrator.scheduling.deadline.DeadlineWatch;
import io.partitrain.orchestrator.scheduling.deadline.HistoryAwareOrder;
import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionScheduled;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.contracts.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of run state. It reads commands, scheduled partitions and job status events,
 * dispatches each to the part that decides about it ({@link RunCommands}, {@link Rerun}, {@link
 * StatusHandler}, the {@link ScheduleBook}), and on every round ({@link #tick}) decides the
 * schedules' due fire times, asks silent jobs to be adopted ({@link Liveness}), admits what the
 * caps and the workers' pace allow ({@link AdmissionRound}, {@link SubmitWindow}), completes
 * settled runs and publishes snapshots.
 *
 * <p>Every decision is a {@link RunEvent} that is applied to the {@link OrchestratorState} and
 * written to the runs topic by the same call ({@link DecisionLog#emit}); {@link #replay} applies
 * the same events on start-up. So the state after a restart is exactly the state that was
 * committed, which is the design's biggest advantage. Its biggest limitation: the whole state of
 * all active runs lives in one process's memory. A new leader restores it from the per-run
 * snapshots on the state topic ({@link #restore}) and replays only the events after them ({@link
 * #replay(RunEvent, Predicate)}); finished runs leave memory once their final snapshot is committed
 * ({@link #committed}) and come back from it when a command names them.
 *
 * <p>No Kafka here: the tracker fills an {@link Outbox}; the orchestrator writes it in a
 * transaction. That keeps the tracker testable with an injected clock and nothing else.
 */
public final class Tracker {

  private static final Logger log = LoggerFactory.getLogger(Tracker.class);

  /** Three of the workers' default 10 s heartbeats. */
  public static final Duration DEFAULT_SILENCE_TIMEOUT = Duration.ofSeconds(30);

  private final Clock clock;
  private final OrchestratorState state = new OrchestratorState();
  private final DecisionLog decisions;
  private final NodeCap nodeCap;
  private final ScheduleBook schedules = new ScheduleBook(state);
  private final Liveness liveness;
  private final RunCommands commands;
  private final Rerun reruns;
  private final StatusHandler statuses;
  private final SubmitWindow submitWindow;
  private final AdmissionRound admission;
  private final ScheduleRound scheduleRound;
  private final HistoryAwareOrder order = new HistoryAwareOrder(state);
  private final DeadlineWatch deadlines = new DeadlineWatch();
  private final StateSnapshots snapshots;
  private final Function<String, Optional<StateSnapshot.Run>> finishedRuns;

  private Tracker(Builder b) {
    state.onApplied(order::observe);
    state.onApplied(deadlines::observe);
    this.snapshots =
        new StateSnapshots(
            state, b.topics, deadlines, order.durations(), b.stateInterval, b.finishedRetention);
    state.onApplied(snapshots::changed);
    this.finishedRuns = b.finishedRuns;
    this.clock = b.clock;
    this.decisions = new DecisionLog(state, b.topics, b.snapshotInterval, b.silenceTimeout);
    this.nodeCap = new NodeCap(b.nodeCaps, state);
    this.liveness = new Liveness(b.silenceTimeout, decisions);
    this.commands = new RunCommands(state, decisions, nodeCap);
    this.reruns = new Rerun(state, decisions);
    this.submitWindow = new SubmitWindow(state, b.clock, b.silenceTimeout, b.submitWindowFloor);
    this.statuses = new StatusHandler(state, decisions, liveness, submitWindow, b.random);
    this.admission =
        new AdmissionRound(
            b.admission.and(nodeCap).and(submitWindow).and(new CostCap()), decisions, liveness);
    this.scheduleRound = new ScheduleRound(schedules, decisions, this::onCommand);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<RunState> run(String runId) {
    return state.run(runId);
  }

  public Collection<RunState> runs() {
    return state.runs();
  }

  /** Applies one event read back from the runs topic. */
  public void replay(RunEvent event) {
    state.apply(event);
  }

  /**
   * Restores one part of the state from its snapshot on the state topic (a new leader's takeover,
   * before it replays the events after the snapshots with {@link #replay(RunEvent, Predicate)}). A
   * finished run's final snapshot is not restored: {@link #noteFinished} keeps its id only.
   */
  public void restore(StateSnapshot snapshot) {
    Instant now = clock.instant();
    if (snapshot instanceof StateSnapshot.Run r) {
      restoreRun(r, now);
    } else if (snapshot instanceof StateSnapshot.Schedule s) {
      state.restore(s);
    } else if (snapshot instanceof StateSnapshot.Durations d) {
      order.durations().restore(d);
    } else if (snapshot instanceof StateSnapshot.Checkpoint c) {
      state.restoreNodeCaps(c.nodeCaps());
      c.finishedRuns().forEach((id, at) -> state.noteFinished(id, at, Map.of()));
    }
  }

  /** A finished run whose final snapshot is on the state topic: known, not held in memory. */
  public void noteFinished(
      String runId, Instant finishedAt, Map<PartitionState, Integer> partitionsByState) {
    state.noteFinished(runId, finishedAt, partitionsByState);
  }

  /** Partitions per state of the finished runs not held in memory. */
  public Map<PartitionState, Long> finishedPartitions() {
    return state.finishedPartitions();
  }

  private void restoreRun(StateSnapshot.Run r, Instant now) {
    state.restore(RunState.restore(r));
    Map<String, Instant> admitted = new HashMap<>();
    for (StateSnapshot.Partition p : r.partitions()) {
      if (p.admittedAt() != null) {
        admitted.put(p.id(), p.admittedAt());
      }
    }
    deadlines.restore(r.runId(), r.deadlineWarned(), admitted);
    snapshots.restored(r, now);
  }

  /**
   * Applies one event read back from the runs topic after the snapshots: each part of the state it
   * touches (its run, its schedule, its plan's history, the node caps) takes it only when that
   * part's snapshot does not cover it. {@code covered} answers for a state-topic key ({@link
   * StateSnapshot#runKey} and the like). With nothing covered this is {@link #replay(RunEvent)}.
   */
  public void replay(RunEvent event, Predicate<String> covered) {
    if (event instanceof RunEvent.PartitionMoves batch) {
      // One window's moves of one run in one record: each is replayed as if it had come alone.
      batch.moves().forEach(move -> replay(move, covered));
      return;
    }
    String key = stateKeyOf(event);
    if (!covered.test(key)) {
      state.fold(event);
      deadlines.observe(event);
      snapshots.changed(event);
    }
    if (event instanceof RunEvent.CostCharged c) {
      state
          .run(c.runId())
          .filter(run -> !covered.test(StateSnapshot.durationsKey(run.definition().planName())))
          .ifPresent(run -> order.observe(event));
    }
  }

  /** The state-topic key of the part of the state an event changes. */
  private static String stateKeyOf(RunEvent event) {
    if (event instanceof RunEvent.ScheduleApplied e) {
      return StateSnapshot.scheduleKey(e.planName());
    } else if (event instanceof RunEvent.SchedulePauseChanged e) {
      return StateSnapshot.scheduleKey(e.planName());
    } else if (event instanceof RunEvent.ScheduleFired e) {
      return StateSnapshot.scheduleKey(e.planName());
    } else if (event instanceof RunEvent.ScheduleSkipped e) {
      return StateSnapshot.scheduleKey(e.planName());
    } else if (event instanceof RunEvent.NodeCapChanged) {
      return StateSnapshot.CHECKPOINT_KEY;
    }
    return StateSnapshot.runKey(event.runId());
  }

  /**
   * A run's final snapshot committed: the run leaves memory unless it changed since (a rerun).
   * Returns whether it was evicted.
   */
  public boolean committed(StateSnapshot.Run snapshot) {
    return snapshots.evictIfFinal(snapshot);
  }

  /** The whole state as snapshots taken now (tests compare restored and replayed states). */
  public List<StateSnapshot> stateSnapshots() {
    return snapshots.all(clock.instant());
  }

  /** Finished runs not held in memory, with when they finished. */
  public Map<String, Instant> finishedRuns() {
    return state.finished();
  }

  /** The plans' schedules. */
  public ScheduleBook schedules() {
    return schedules;
  }

  /** The node caps in force (configuration plus operators' changes). */
  public NodeCap nodeCaps() {
    return nodeCap;
  }

  /** Partitions in the liveness index now (for tests: finished ones must leave it). */
  int watchedPartitions() {
    return liveness.watched();
  }

  /** How many SUBMITs may wait for a worker now (back-pressure, {@link SubmitWindow}). */
  public int submitWindow() {
    return submitWindow.window(clock.instant());
  }

  /** Nodes held now on a compute target by all runs' jobs in flight. */
  public int inFlightNodes(String computeTarget) {
    return state.inFlightNodes(computeTarget);
  }

  public void onCommand(RunCommand command, Outbox out) {
    Instant now = clock.instant();
    RunState reloaded = asksForTheRun(command) ? reloadFinished(command.runId(), now) : null;
    decideCommand(command, now, out);
    if (reloaded != null
        && reloaded.isComplete()
        && !snapshots.isDirty(reloaded.runId())
        && state.run(reloaded.runId()).orElse(null) == reloaded) {
      // Nothing changed (a refused cancel): its final snapshot still holds.
      snapshots.evict(reloaded, now);
    }
  }

  /**
   * Refuses a command that never reached a decision (a start whose parts cannot be assembled): its
   * sender gets the answer with {@code reason}; nothing else changes.
   */
  public void refuse(RunCommand command, String reason, Outbox out) {
    decisions.reject(command, reason, clock.instant(), out);
  }

  /** Commands answered from a run's state (a start only needs to know the id exists). */
  private static boolean asksForTheRun(RunCommand command) {
    return command instanceof RunCommand.RerunFailed
        || command instanceof RunCommand.CancelRun
        || command instanceof RunCommand.SetCostCap;
  }

  /**
   * A command about a finished run that is not in memory brings it back from its final snapshot (a
   * rerun of its failed partitions, a refused cancel) so that it is answered as before.
   */
  private RunState reloadFinished(String runId, Instant now) {
    if (runId == null || state.run(runId).isPresent() || !state.finished().containsKey(runId)) {
      return null;
    }
    Optional<StateSnapshot.Run> s = finishedRuns.apply(runId);
    if (s.isEmpty()) {
      log.warn("[run={}] finished, but its final snapshot cannot be read", runId);
      return null;
    }
    restoreRun(s.get(), now);
    return state.run(runId).orElse(null);
  }

  private void decideCommand(RunCommand command, Instant now, Outbox out) {
    if (command instanceof RunCommand.StartRun start) {
      commands.start(order.inAdmissionOrder(start), now, out);
    } else if (command instanceof RunCommand.RerunFailed rerun) {
      reruns.rerun(rerun, now, out);
    } else if (command instanceof RunCommand.CancelRun cancel) {
      commands.cancel(cancel, now, out);
    } else if (command instanceof RunCommand.SetCostCap set) {
      commands.setCostCap(set, now, out);
    } else if (command instanceof RunCommand.SetNodeCap set) {
      commands.setNodeCap(set, now, out);
    } else if (ScheduleBook.handles(command)) {
      scheduleRound.onCommand(command, now, out);
    } else {
      decisions.reject(
          command, "unknown command type " + command.getClass().getSimpleName(), now, out);
    }
  }

  /**
   * A partition scheduled through the partitions topic, as versions before issue 12 did (a run
   * started by one of them may still have such records unread); a run started now schedules its
   * partitions with its start.
   */
  public void onPartitionScheduled(PartitionScheduled scheduled, Outbox out) {
    RunState run = state.run(scheduled.runId()).orElse(null);
    if (run == null) {
      log.warn(
          "[run={} partition={}] scheduled for a run that does not exist; ignored",
          scheduled.runId(),
          scheduled.partitionId());
      return;
    }
    if (run.partition(scheduled.partitionId()) == null) {
      decisions.emit(RunEvents.scheduled(scheduled, clock.instant()), out);
    }
  }

  public void onStatus(JobStatusEvent event, Outbox out) {
    statuses.onStatus(event, clock.instant(), out);
  }

  /** Admits what the caps allow, completes settled runs, and publishes changed snapshots. */
  public void tick(Outbox out) {
    Instant now = clock.instant();
    scheduleRound.decideDue(now, out);
    liveness.adoptSilentJobs(state.runs(), now, out);
    for (RunState run : state.runs()) {
      if (!run.isCanceling()) {
        admission.admit(run, now, out);
      }
      deadlines
          .check(run, order.durations(), nodeCap::capOf, now)
          .ifPresent(
              risk -> {
                decisions.emit(risk, out);
                decisions.finops(risk, out);
              });
      if (!run.isComplete() && run.allSettled()) {
        complete(run, now, out);
      }
    }
    decisions.publishSnapshots(now, out);
    snapshots.publish(now, out);
  }

  private void complete(RunState run, Instant now, Outbox out) {
    RunSummary summary = run.summary().completedAt(now);
    decisions.emit(new RunEvent.RunCompleted(Schema.VERSION, run.runId(), summary, now), out);
    if (run.budget() != null) {
      decisions.finops(FinOpsTrail.settled(run, now), out);
    }
    log.info("[run={}] complete: {}", run.runId(), summary.byState());
  }

  /** Builds a tracker; every setting has a default but the clock and the topics. */
  public static final class Builder {
    private Clock clock;
    private Topics topics;
    private Admission admission = Admission.concurrencyCap();
    private RandomGenerator random = new SplittableRandom();
    private Duration snapshotInterval = Duration.ZERO;
    private NodeCapConfig nodeCaps = NodeCapConfig.unlimited();
    private Duration silenceTimeout = DEFAULT_SILENCE_TIMEOUT;
    private int submitWindowFloor = SubmitWindow.DEFAULT_FLOOR;
    private Duration stateInterval = StateSnapshots.DEFAULT_INTERVAL;
    private Duration finishedRetention = StateSnapshots.DEFAULT_FINISHED_RETENTION;
    private Function<String, Optional<StateSnapshot.Run>> finishedRuns = id -> Optional.empty();

    private Builder() {}

    /**
     * How often a changing run's state is snapshotted to the state topic at most (default {@link
     * StateSnapshots#DEFAULT_INTERVAL}); a completed or reopened run is snapshotted at once.
     */
    public Builder stateInterval(Duration stateInterval) {
      this.stateInterval = stateInterval;
      return this;
    }

    /** How long a finished run's final snapshot stays on the state topic before its tombstone. */
    public Builder finishedRetention(Duration finishedRetention) {
      this.finishedRetention = finishedRetention;
      return this;
    }

    /** Reads a finished run's final snapshot back from the state topic (default: none). */
    public Builder finishedRuns(Function<String, Optional<StateSnapshot.Run>> finishedRuns) {
      this.finishedRuns = finishedRuns;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder topics(Topics topics) {
      this.topics = topics;
      return this;
    }

    /** The plan's own admission rule (default: the concurrency cap); node and cost caps follow. */
    public Builder admission(Admission admission) {
      this.admission = admission;
      return this;
    }

    /** The source of the retry jitter (seed it for reproducible tests). */
    public Builder random(RandomGenerator random) {
      this.random = random;
      return this;
    }

    /** How often a changing run's snapshot is published (default 0: every round). */
    public Builder snapshotInterval(Duration snapshotInterval) {
      this.snapshotInterval = snapshotInterval;
      return this;
    }

    /** The configured node cap per compute target; operators' changes (events) override it. */
    public Builder nodeCaps(NodeCapConfig nodeCaps) {
      this.nodeCaps = nodeCaps;
      return this;
    }

    /**
     * How long an in-flight job's watcher may be silent before the job is offered for adoption
     * (default {@link #DEFAULT_SILENCE_TIMEOUT}).
     */
    public Builder silenceTimeout(Duration silenceTimeout) {
      this.silenceTimeout = silenceTimeout;
      return this;
    }

    /**
     * The fewest SUBMITs that may wait for a worker, whatever the workers' measured rate (default
     * {@link SubmitWindow#DEFAULT_FLOOR}; {@link SubmitWindow#UNLIMITED} turns back-pressure off).
     */
    public Builder submitWindowFloor(int submitWindowFloor) {
      this.submitWindowFloor = submitWindowFloor;
      return this;
    }

    public Tracker build() {
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(admission, "admission");
      Objects.requireNonNull(random, "random");
      Objects.requireNonNull(nodeCaps, "nodeCaps");
      if (snapshotInterval == null || snapshotInterval.isNegative()) {
        throw new IllegalArgumentException(
            "snapshotInterval must not be negative, but was " + snapshotInterval);
      }
      if (stateInterval == null || stateInterval.isNegative()) {
        throw new IllegalArgumentException(
            "stateInterval must not be negative, but was " + stateInterval);
      }
      if (finishedRetention == null || finishedRetention.isNegative()) {
        throw new IllegalArgumentException(
            "finishedRetention must not be negative, but was " + finishedRetention);
      }
      Objects.requireNonNull(finishedRuns, "finishedRuns");
      if (silenceTimeout == null || silenceTimeout.isNegative() || silenceTimeout.isZero()) {
        throw new IllegalArgumentException(
            "silenceTimeout must be greater than 0, but was " + silenceTimeout);
      }
      if (submitWindowFloor < 1) {
        throw new IllegalArgumentException(
            "submitWindowFloor must be at least 1, but was " + submitWindowFloor);
      }
      return new Tracker(this);
    }
  }
}
