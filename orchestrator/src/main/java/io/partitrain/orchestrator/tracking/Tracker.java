package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.AdmissionDecision;
import io.partitrain.orchestrator.scheduling.Scheduler;
import io.partitrain.orchestrator.scheduling.cron.ScheduleBook;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionScheduled;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.PartitionTransitioned;
import io.partitrain.shared.contracts.RunEvent.RetryScheduled;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of run state. It reads commands, scheduled partitions and job status events,
 * keeps every partition's state machine, releases work items while {@link Admission} allows,
 * requeues retryable failures with backoff, and completes runs.
 *
 * <p>Every decision is a {@link RunEvent} that is applied to the state and written to the runs
 * topic by the same call ({@link #emit}); {@link #replay} applies the same events on start-up.
 * So the state after a restart is exactly the state that was committed, which is the design's
 * biggest advantage. Its biggest limitation: the whole state of all active runs lives in one
 * process's memory, and a restart reads the runs topic from the beginning.
 *
 * <p>No Kafka here: the tracker fills an {@link Outbox}; the orchestrator writes it in a
 * transaction. That keeps the tracker testable with an injected clock and nothing else.
 */
public final class Tracker {

  private static final Logger log = LoggerFactory.getLogger(Tracker.class);

  /** How often a run's snapshot is published while it changes. */
  public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofMillis(500);

  private final Clock clock;
  private final Admission admission;
  private final RandomGenerator random;
  private final Topics topics;
  private final Duration snapshotInterval;
  private final Scheduler scheduler;
  private final ScheduleBook schedules;
  private final Liveness liveness;
  private final Map<String, RunState> runs = new HashMap<>();
  private final Set<String> dirty = new LinkedHashSet<>();
  private final Map<String, Instant> lastSnapshot = new HashMap<>();

  public Tracker(Clock clock, Admission admission, RandomGenerator random, Topics topics,
      Duration snapshotInterval) {
    this(clock, admission, random, topics, snapshotInterval, Liveness.DEFAULT_SILENCE_TIMEOUT);
  }

  /**
   * @param silenceTimeout how long an in-flight job's watcher may be silent before the job is
   *     offered for adoption ({@link Liveness})
   */
  public Tracker(Clock clock, Admission admission, RandomGenerator random, Topics topics,
      Duration snapshotInterval, Duration silenceTimeout) {
    this.schedules = new ScheduleBook(topics);
    this.liveness = new Liveness(silenceTimeout);
    this.clock = clock;
    this.admission = admission;
    this.random = random;
    this.topics = topics;
    this.snapshotInterval = snapshotInterval;
    this.scheduler = new Scheduler(topics);
  }

  public Optional<RunState> run(String runId) {
    return Optional.ofNullable(runs.get(runId));
  }

  public Collection<RunState> runs() {
    return runs.values();
  }

  /** Applies one event read back from the runs topic; snapshots and answers are ignored. */
  public void replay(RunEvent event) {
    apply(event);
    schedules.replay(event);
  }

  /** The plans' schedules. */
  public ScheduleBook schedules() {
    return schedules;
  }

  private void apply(RunEvent event) {
    if (event instanceof RunEvent.RunStarted started) {
      runs.putIfAbsent(started.runId(), new RunState(started));
    } else {
      RunState run = runs.get(event.runId());
      if (run != null) {
        run.apply(event);
      }
    }
  }

  /** Applies a decision and queues it for the runs topic. */
  private void emit(RunEvent event, Outbox out) {
    apply(event);
    out.send(topics.runs(), event.runId(), event);
    dirty.add(event.runId());
  }

  // ---- commands --------------------------------------------------------------------------

  public void onCommand(RunCommand command, Outbox out) {
    if (command instanceof RunCommand.StartRun start) {
      onStart(start, out);
    } else if (command instanceof RunCommand.RerunFailed rerun) {
      onRerun(rerun, out);
    } else if (command instanceof RunCommand.CancelRun cancel) {
      onCancel(cancel, out);
    } else if (ScheduleBook.handles(command)) {
      schedules.onCommand(command, clock.instant(), out);
    }
  }

  private void onStart(RunCommand.StartRun start, Outbox out) {
    Optional<String> problem = scheduler.problemWith(start);
    if (problem.isEmpty() && runs.containsKey(start.runId())) {
      problem = Optional.of("run " + start.runId() + " exists already; a run id starts one run only");
    }
    if (problem.isPresent()) {
      reject(start, problem.get(), out);
      return;
    }
    Instant now = clock.instant();
    emit(new RunEvent.RunStarted(Schema.VERSION, start.runId(), start.definition(),
        start.partitions().size(), start.commandId(), start.requestedBy(), now), out);
    scheduler.schedule(start, now, out);
    log.info("[run={}] started by {}: plan {}, {} partitions", start.runId(), start.requestedBy(),
        start.definition().planName(), start.partitions().size());
  }

  private void onRerun(RunCommand.RerunFailed rerun, Outbox out) {
    RunState run = runs.get(rerun.runId());
    if (run == null || run.isCanceling()) {
      reject(rerun, run == null ? "no run " + rerun.runId() : "run " + rerun.runId() + " was canceled", out);
      return;
    }
    Instant now = clock.instant();
    List<String> ids = new ArrayList<>();
    for (PartitionRecord p : run.partitions()) {
      if (p.state() == PartitionState.FAILED && !p.hasRetryPending()) {
        ids.add(p.partitionId());
        emit(new RetryScheduled(Schema.VERSION, run.runId(), p.partitionId(), p.attempt() + 1, now,
            RetryScheduled.Cause.RERUN, now), out);
      }
    }
    emit(new RunEvent.RerunAccepted(Schema.VERSION, run.runId(), rerun.commandId(),
        rerun.requestedBy(), rerun.reason(), ids, now), out);
    log.info("[run={}] rerun of {} failed partitions requested by {}", run.runId(), ids.size(), rerun.requestedBy());
  }

  private void onCancel(RunCommand.CancelRun cancel, Outbox out) {
    RunState run = runs.get(cancel.runId());
    if (run == null) {
      reject(cancel, "no run " + cancel.runId(), out);
      return;
    }
    Instant now = clock.instant();
    emit(new RunEvent.CancelAccepted(Schema.VERSION, run.runId(), cancel.commandId(),
        cancel.requestedBy(), cancel.reason(), now), out);
    for (PartitionRecord p : List.copyOf(run.partitions())) {
      if (p.state() == PartitionState.SCHEDULED || p.state() == PartitionState.DEFERRED_BY_COST) {
        emit(transition(run, p, PartitionState.CANCELED, "run canceled by " + cancel.requestedBy(),
            FailureClass.CANCELED, null, null, now), out);
      } else if (p.state().isInFlight()) {
        out.send(topics.work(), Topics.partitionKey(run.runId(), p.partitionId()),
            workItem(run, p, WorkItem.Kind.CANCEL, p.attempt(), now));
      }
    }
  }

  private void reject(RunCommand command, String reason, Outbox out) {
    log.warn("[run={}] command {} rejected: {}", command.runId(), command.getClass().getSimpleName(), reason);
    out.send(topics.runs(), command.runId(), new RunEvent.CommandRejected(Schema.VERSION,
        command.runId(), command.commandId(), reason, clock.instant()));
  }

  // ---- partitions and status -------------------------------------------------------------

  public void onPartitionScheduled(PartitionScheduled scheduled, Outbox out) {
    RunState run = runs.get(scheduled.runId());
    if (run == null) {
      log.warn("[run={} partition={}] scheduled for a run that does not exist; ignored",
          scheduled.runId(), scheduled.partitionId());
      return;
    }
    if (run.partition(scheduled.partitionId()) != null) {
      return;
    }
    emit(new PartitionTransitioned(Schema.VERSION, run.runId(), scheduled.partitionId(), null,
        PartitionState.SCHEDULED, 0, "scheduled", null, null, scheduled.tags(),
        scheduled.sequence(), null, null, clock.instant()), out);
  }

  public void onStatus(JobStatusEvent event, Outbox out) {
    RunState run = runs.get(event.runId());
    PartitionRecord p = run == null ? null : run.partition(event.partitionId());
    if (p == null) {
      log.warn("[run={} partition={}] status for an unknown partition; ignored", event.runId(), event.partitionId());
      return;
    }
    if (event.attempt() != p.attempt()) {
      log.debug("[run={} partition={}] stale status of attempt {} (current {}); ignored",
          run.runId(), p.partitionId(), event.attempt(), p.attempt());
      return;
    }
    p.lastSeen = clock.instant();
    if (event.kind() == JobStatusEvent.Kind.HEARTBEAT || event.phase() == null
        || event.phase().partitionState() == null) {
      return;
    }
    PartitionState target = event.phase().partitionState();
    if (target == p.state() || !p.state().canMoveTo(target)) {
      // A duplicate (redelivery, two watchers) or a late event of a finished attempt.
      return;
    }
    Instant now = clock.instant();
    FailureClass fc = target == PartitionState.FAILED && event.failureClass() == null
        ? FailureClass.INFRA : event.failureClass();
    emit(transition(run, p, target, event.message() == null ? event.backendStatus() : event.message(),
        fc, event.logPath(), target == PartitionState.SUCCEEDED ? event.metrics() : null, now), out);
    if (target == PartitionState.FAILED) {
      maybeRetry(run, p, fc, now, out);
    }
  }

  private void maybeRetry(RunState run, PartitionRecord p, FailureClass fc, Instant now, Outbox out) {
    var policy = run.definition().retry();
    if (run.isCanceling() || !policy.shouldRetry(fc, p.roundAttempts)) {
      log.info("[run={} partition={} attempt={}] failed ({}): {}; not retried", run.runId(),
          p.partitionId(), p.attempt(), fc, p.lastMessage);
      return;
    }
    Duration wait = fc == FailureClass.THROTTLED ? policy.initialBackoff()
        : policy.backoff(p.roundAttempts, random.nextDouble());
    emit(new RetryScheduled(Schema.VERSION, run.runId(), p.partitionId(), p.attempt() + 1,
        now.plus(wait), RetryScheduled.Cause.RETRY, now), out);
    log.info("[run={} partition={} attempt={}] failed ({}); retry in {} ms", run.runId(),
        p.partitionId(), p.attempt(), fc, wait.toMillis());
  }

  // ---- the periodic round ----------------------------------------------------------------

  /** Admits what the caps allow, completes settled runs, and publishes changed snapshots. */
  public void tick(Outbox out) {
    Instant now = clock.instant();
    schedules.tick(now, scheduleRuns, out);
    for (RunState run : runs.values()) {
      adoptSilentJobs(run, now, out);
      if (!run.isCanceling()) {
        admit(run, now, out);
      }
      if (!run.isComplete() && run.allSettled()) {
        complete(run, now, out);
      }
    }
    publishSnapshots(now, out);
  }

  private final ScheduleBook.Runs scheduleRuns = new ScheduleBook.Runs() {
    @Override
    public Collection<RunState> runs() {
      return runs.values();
    }

    @Override
    public void command(RunCommand command, Outbox out) {
      onCommand(command, out);
    }
  };

  private void adoptSilentJobs(RunState run, Instant now, Outbox out) {
    for (PartitionRecord p : liveness.silent(run, now)) {
      emit(new RunEvent.AdoptionRequested(Schema.VERSION, run.runId(), p.partitionId(), p.attempt(), p.jobName(),
          p.lastSeen, now), out);
      out.send(topics.work(), Topics.partitionKey(run.runId(), p.partitionId()),
          workItem(run, p, WorkItem.Kind.ADOPT, p.attempt(), now));
      p.lastSeen = now;
      log.warn("[run={} partition={} attempt={}] no sign of job {} for over {}s; asking a worker to adopt it",
          run.runId(), p.partitionId(), p.attempt(), p.jobName(), liveness.silenceTimeout().toSeconds());
    }
  }

  private void admit(RunState run, Instant now, Outbox out) {
    while (true) {
      PartitionRecord next = nextCandidate(run, now);
      if (next == null) {
        return;
      }
      AdmissionDecision decision = admission.decide(run, next);
      if (!decision.admitted()) {
        return;
      }
      int attempt = next.hasRetryPending() ? next.nextAttempt : next.attempt() + 1;
      emit(new PartitionTransitioned(Schema.VERSION, run.runId(), next.partitionId(), next.state(),
          PartitionState.ADMITTED, attempt, next.hasRetryPending() ? "new attempt admitted" : "admitted",
          null, JobNames.of(run.runId(), next.partitionId(), attempt), null, null, null, null, now), out);
      out.send(topics.work(), Topics.partitionKey(run.runId(), next.partitionId()),
          workItem(run, next, WorkItem.Kind.SUBMIT, attempt, now));
    }
  }

  private static PartitionRecord nextCandidate(RunState run, Instant now) {
    if (!run.retries().isEmpty() && !run.retries().first().retryNotBefore().isAfter(now)) {
      return run.retries().first();
    }
    return run.waiting().isEmpty() ? null : run.waiting().first();
  }

  private WorkItem workItem(RunState run, PartitionRecord p, WorkItem.Kind kind, int attempt, Instant now) {
    return new WorkItem(Schema.VERSION, kind, run.runId(), p.partitionId(), attempt,
        JobNames.of(run.runId(), p.partitionId(), attempt), run.template().render(run.runId(), p.spec()),
        p.tags(), now);
  }

  private void complete(RunState run, Instant now, Outbox out) {
    RunSummary summary = run.summary().completedAt(now);
    emit(new RunEvent.RunCompleted(Schema.VERSION, run.runId(), summary, now), out);
    log.info("[run={}] complete: {}", run.runId(), summary.byState());
  }

  private void publishSnapshots(Instant now, Outbox out) {
    for (var it = dirty.iterator(); it.hasNext(); ) {
      String runId = it.next();
      Instant last = lastSnapshot.get(runId);
      RunState run = runs.get(runId);
      if (run == null) {
        it.remove();
      } else if (last == null || !now.isBefore(last.plus(snapshotInterval)) || run.isComplete()) {
        out.send(topics.runs(), runId, new RunEvent.RunSnapshot(Schema.VERSION, runId, run.summary(), now));
        lastSnapshot.put(runId, now);
        it.remove();
      }
    }
  }

  private static PartitionTransitioned transition(RunState run, PartitionRecord p, PartitionState to,
      String reason, FailureClass fc, String logPath, Map<String, Double> metrics, Instant now) {
    return new PartitionTransitioned(Schema.VERSION, run.runId(), p.partitionId(), p.state(), to,
        p.attempt(), reason, fc, p.jobName(), null, null, logPath, metrics, now);
  }
}
