package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.AdmissionDecision;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.admission.NodeCaps;
import io.partitrain.orchestrator.scheduling.Scheduler;
import io.partitrain.orchestrator.scheduling.cron.ScheduleBook;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
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
import java.math.BigDecimal;
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
 * topic by the same call ({@link #emit}); {@link #replay} applies the same events on start-up. So
 * the state after a restart is exactly the state that was committed, which is the design's biggest
 * advantage. Its biggest limitation: the whole state of all active runs lives in one process's
 * memory, and a restart reads the runs topic from the beginning.
 *
 * <p>No Kafka here: the tracker fills an {@link Outbox}; the orchestrator writes it in a
 * transaction. That keeps the tracker testable with an injected clock and nothing else.
 */
public final class Tracker {

  private static final Logger log = LoggerFactory.getLogger(Tracker.class);

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
  private final NodeCaps nodeCaps;
  private final FinOpsTrail finops;

  public Tracker(
      Clock clock,
      Admission admission,
      RandomGenerator random,
      Topics topics,
      Duration snapshotInterval) {
    this(
        clock,
        admission,
        random,
        topics,
        snapshotInterval,
        NodeCapConfig.unlimited(),
        Liveness.DEFAULT_SILENCE_TIMEOUT);
  }

  /**
   * @param nodeCaps the configured node cap per compute target; operators' changes (events)
   *     override it
   */
  public Tracker(
      Clock clock,
      Admission admission,
      RandomGenerator random,
      Topics topics,
      Duration snapshotInterval,
      NodeCapConfig nodeCaps) {
    this(
        clock,
        admission,
        random,
        topics,
        snapshotInterval,
        nodeCaps,
        Liveness.DEFAULT_SILENCE_TIMEOUT);
  }

  /**
   * @param silenceTimeout how long an in-flight job's watcher may be silent before the job is
   *     offered for adoption ({@link Liveness})
   */
  public Tracker(
      Clock clock,
      Admission admission,
      RandomGenerator random,
      Topics topics,
      Duration snapshotInterval,
      Duration silenceTimeout) {
    this(
        clock,
        admission,
        random,
        topics,
        snapshotInterval,
        NodeCapConfig.unlimited(),
        silenceTimeout);
  }

  /**
   * @param nodeCaps the configured node cap per compute target; operators' changes (events)
   *     override it
   * @param silenceTimeout how long an in-flight job's watcher may be silent before the job is
   *     offered for adoption ({@link Liveness})
   */
  public Tracker(
      Clock clock,
      Admission admission,
      RandomGenerator random,
      Topics topics,
      Duration snapshotInterval,
      NodeCapConfig nodeCaps,
      Duration silenceTimeout) {
    this.nodeCaps = new NodeCaps(nodeCaps);
    this.finops = new FinOpsTrail(topics);
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

  /** The node caps in force (configuration plus operators' changes). */
  public NodeCaps nodeCaps() {
    return nodeCaps;
  }

  /** Nodes held now on a compute target by all runs' jobs in flight. */
  public int inFlightNodes(String computeTarget) {
    int n = 0;
    for (RunState r : runs.values()) {
      n += r.inFlightNodes(computeTarget);
    }
    return n;
  }

  private void apply(RunEvent event) {
    if (event instanceof RunEvent.NodeCapChanged changed) {
      nodeCaps.apply(changed);
    } else if (event instanceof RunEvent.RunStarted started) {
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
    } else if (command instanceof RunCommand.SetCostCap set) {
      onSetCostCap(set, out);
    } else if (command instanceof RunCommand.SetNodeCap set) {
      onSetNodeCap(set, out);
    } else if (ScheduleBook.handles(command)) {
      schedules.onCommand(command, clock.instant(), out);
    }
  }

  private void onStart(RunCommand.StartRun start, Outbox out) {
    Optional<String> problem = scheduler.problemWith(start).or(() -> CostCaps.problemWith(start));
    if (problem.isEmpty() && runs.containsKey(start.runId())) {
      problem =
          Optional.of("run " + start.runId() + " exists already; a run id starts one run only");
    }
    if (problem.isPresent()) {
      reject(start, problem.get(), out);
      return;
    }
    Instant now = clock.instant();
    emit(
        new RunEvent.RunStarted(
            Schema.VERSION,
            start.runId(),
            start.definition(),
            start.partitions().size(),
            start.commandId(),
            start.requestedBy(),
            now),
        out);
    scheduler.schedule(start, now, out);
    log.info(
        "[run={}] started by {}: plan {}, {} partitions",
        start.runId(),
        start.requestedBy(),
        start.definition().planName(),
        start.partitions().size());
  }

  private void onRerun(RunCommand.RerunFailed rerun, Outbox out) {
    RunState run = runs.get(rerun.runId());
    if (run == null || run.isCanceling()) {
      reject(
          rerun,
          run == null ? "no run " + rerun.runId() : "run " + rerun.runId() + " was canceled",
          out);
      return;
    }
    Instant now = clock.instant();
    List<String> ids = new ArrayList<>();
    for (PartitionRecord p : run.partitions()) {
      if (p.state() == PartitionState.FAILED && !p.hasRetryPending()) {
        ids.add(p.partitionId());
        emit(
            new RetryScheduled(
                Schema.VERSION,
                run.runId(),
                p.partitionId(),
                p.attempt() + 1,
                now,
                RetryScheduled.Cause.RERUN,
                now),
            out);
      }
    }
    emit(
        new RunEvent.RerunAccepted(
            Schema.VERSION,
            run.runId(),
            rerun.commandId(),
            rerun.requestedBy(),
            rerun.reason(),
            ids,
            now),
        out);
    log.info(
        "[run={}] rerun of {} failed partitions requested by {}",
        run.runId(),
        ids.size(),
        rerun.requestedBy());
  }

  private void onCancel(RunCommand.CancelRun cancel, Outbox out) {
    RunState run = runs.get(cancel.runId());
    if (run == null) {
      reject(cancel, "no run " + cancel.runId(), out);
      return;
    }
    Instant now = clock.instant();
    emit(
        new RunEvent.CancelAccepted(
            Schema.VERSION,
            run.runId(),
            cancel.commandId(),
            cancel.requestedBy(),
            cancel.reason(),
            now),
        out);
    for (PartitionRecord p : List.copyOf(run.partitions())) {
      if (p.state() == PartitionState.SCHEDULED || p.state() == PartitionState.DEFERRED_BY_COST) {
        emit(
            transition(
                run,
                p,
                PartitionState.CANCELED,
                "run canceled by " + cancel.requestedBy(),
                FailureClass.CANCELED,
                null,
                null,
                now),
            out);
      } else if (p.state().isInFlight()) {
        out.send(
            topics.work(),
            Topics.partitionKey(run.runId(), p.partitionId()),
            workItem(run, p, WorkItem.Kind.CANCEL, p.attempt(), now));
      }
    }
  }

  private void onSetCostCap(RunCommand.SetCostCap set, Outbox out) {
    RunState run = runs.get(set.runId());
    String problem =
        run == null
            ? "no run " + set.runId()
            : run.budget() == null
                ? "run " + set.runId() + " has no cost cap (its plan has no budget)"
                : set.to() == null || set.to().signum() < 0
                    ? "the new cap must be at least 0, but was " + set.to()
                    : null;
    if (problem != null) {
      reject(set, problem, out);
      return;
    }
    RunEvent.CostCapChanged changed =
        new RunEvent.CostCapChanged(
            Schema.VERSION,
            run.runId(),
            set.commandId(),
            set.requestedBy(),
            set.reason(),
            run.budget().cap(),
            set.to(),
            clock.instant());
    emit(changed, out);
    finops.costCapChanged(run, changed, out);
    log.info(
        "[run={}] cost cap {} -> {} {} by {}: {}",
        run.runId(),
        changed.from(),
        changed.to(),
        run.budget().currency(),
        set.requestedBy(),
        set.reason());
  }

  private void onSetNodeCap(RunCommand.SetNodeCap set, Outbox out) {
    if (set.computeTarget() == null || set.computeTarget().isBlank() || set.nodes() < 0) {
      reject(
          set,
          "a node cap needs a compute target and at least 0 nodes, but was "
              + set.computeTarget()
              + "="
              + set.nodes(),
          out);
      return;
    }
    RunEvent.NodeCapChanged changed =
        new RunEvent.NodeCapChanged(
            Schema.VERSION,
            RunCommand.SetNodeCap.keyOf(set.computeTarget()),
            set.commandId(),
            set.requestedBy(),
            set.reason(),
            set.computeTarget(),
            nodeCaps.explicitCapOf(set.computeTarget()),
            set.nodes(),
            clock.instant());
    emit(changed, out);
    finops.nodeCapChanged(changed, out);
    log.info(
        "node cap of compute target {} -> {} by {}: {}",
        set.computeTarget(),
        set.nodes(),
        set.requestedBy(),
        set.reason());
  }

  private void reject(RunCommand command, String reason, Outbox out) {
    log.warn(
        "[run={}] command {} rejected: {}",
        command.runId(),
        command.getClass().getSimpleName(),
        reason);
    out.send(
        topics.runs(),
        command.runId(),
        new RunEvent.CommandRejected(
            Schema.VERSION, command.runId(), command.commandId(), reason, clock.instant()));
  }

  // ---- partitions and status -------------------------------------------------------------

  public void onPartitionScheduled(PartitionScheduled scheduled, Outbox out) {
    RunState run = runs.get(scheduled.runId());
    if (run == null) {
      log.warn(
          "[run={} partition={}] scheduled for a run that does not exist; ignored",
          scheduled.runId(),
          scheduled.partitionId());
      return;
    }
    if (run.partition(scheduled.partitionId()) != null) {
      return;
    }
    emit(
        new PartitionTransitioned(
            Schema.VERSION,
            run.runId(),
            scheduled.partitionId(),
            null,
            PartitionState.SCHEDULED,
            0,
            "scheduled",
            null,
            null,
            scheduled.tags(),
            scheduled.sequence(),
            null,
            null,
            clock.instant()),
        out);
  }

  public void onStatus(JobStatusEvent event, Outbox out) {
    RunState run = runs.get(event.runId());
    PartitionRecord p = run == null ? null : run.partition(event.partitionId());
    if (p == null) {
      log.warn(
          "[run={} partition={}] status for an unknown partition; ignored",
          event.runId(),
          event.partitionId());
      return;
    }
    if (event.attempt() != p.attempt()) {
      log.debug(
          "[run={} partition={}] stale status of attempt {} (current {}); ignored",
          run.runId(),
          p.partitionId(),
          event.attempt(),
          p.attempt());
      return;
    }
    p.lastSeen = clock.instant();
    if (event.kind() == JobStatusEvent.Kind.HEARTBEAT
        || event.phase() == null
        || event.phase().partitionState() == null) {
      return;
    }
    PartitionState target = event.phase().partitionState();
    if (target == p.state() || !p.state().canMoveTo(target)) {
      // A duplicate (redelivery, two watchers) or a late event of a finished attempt.
      return;
    }
    Instant now = clock.instant();
    FailureClass fc =
        target == PartitionState.FAILED && event.failureClass() == null
            ? FailureClass.INFRA
            : event.failureClass();
    emit(
        transition(
            run,
            p,
            target,
            event.message() == null ? event.backendStatus() : event.message(),
            fc,
            event.logPath(),
            target == PartitionState.SUCCEEDED ? event.metrics() : null,
            now),
        out);
    if (target.isJobTerminal()) {
      charge(run, p, event, target, fc, now, out);
    }
    if (target == PartitionState.FAILED) {
      maybeRetry(run, p, fc, now, out);
    }
  }

  private void maybeRetry(
      RunState run, PartitionRecord p, FailureClass fc, Instant now, Outbox out) {
    var policy = run.definition().retry();
    if (run.isCanceling() || !policy.shouldRetry(fc, p.roundAttempts)) {
      log.info(
          "[run={} partition={} attempt={}] failed ({}): {}; not retried",
          run.runId(),
          p.partitionId(),
          p.attempt(),
          fc,
          p.lastMessage);
      return;
    }
    Duration wait =
        fc == FailureClass.THROTTLED
            ? policy.initialBackoff()
            : policy.backoff(p.roundAttempts, random.nextDouble());
    emit(
        new RetryScheduled(
            Schema.VERSION,
            run.runId(),
            p.partitionId(),
            p.attempt() + 1,
            now.plus(wait),
            RetryScheduled.Cause.RETRY,
            now),
        out);
    log.info(
        "[run={} partition={} attempt={}] failed ({}); retry in {} ms",
        run.runId(),
        p.partitionId(),
        p.attempt(),
        fc,
        wait.toMillis());
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

  private final ScheduleBook.Runs scheduleRuns =
      new ScheduleBook.Runs() {
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
      emit(
          new RunEvent.AdoptionRequested(
              Schema.VERSION,
              run.runId(),
              p.partitionId(),
              p.attempt(),
              p.jobName(),
              p.lastSeen,
              now),
          out);
      out.send(
          topics.work(),
          Topics.partitionKey(run.runId(), p.partitionId()),
          workItem(run, p, WorkItem.Kind.ADOPT, p.attempt(), now));
      p.lastSeen = now;
      log.warn(
          "[run={} partition={} attempt={}] no sign of job {} for over {}s; asking a worker to adopt it",
          run.runId(),
          p.partitionId(),
          p.attempt(),
          p.jobName(),
          liveness.silenceTimeout().toSeconds());
    }
  }

  /**
   * Admits due retries, then deferred partitions the budget can take again, then waiting ones, each
   * in order, until a cap says wait. A partition the budget cannot take now is deferred.
   */
  private void admit(RunState run, Instant now, Outbox out) {
    List<String> deferredNow = new ArrayList<>();
    List<String> readmitted = new ArrayList<>();
    boolean open =
        admitQueue(run, now, out, true, deferredNow)
            && admitDeferred(run, now, out, readmitted)
            && admitQueue(run, now, out, false, deferredNow);
    if (!deferredNow.isEmpty()) {
      finops.capReached(run, deferredNow, now, out);
      log.info(
          "[run={}] cost cap {} {} reached: {} partitions deferred",
          run.runId(),
          run.budget().cap(),
          run.budget().currency(),
          deferredNow.size());
    }
    if (!readmitted.isEmpty()) {
      finops.deferredAdmitted(run, readmitted, now, out);
    }
  }

  /** Due retries ({@code retries}) or waiting partitions; false when a cap says wait. */
  private boolean admitQueue(
      RunState run, Instant now, Outbox out, boolean retries, List<String> deferredNow) {
    while (true) {
      PartitionRecord next =
          retries ? dueRetry(run, now) : run.waiting().isEmpty() ? null : run.waiting().first();
      if (next == null) {
        return true;
      }
      AdmissionDecision decision = decide(run, next);
      switch (decision.verdict()) {
        case WAIT -> {
          return false;
        }
        case DEFER -> {
          emit(
              transition(
                  run,
                  next,
                  PartitionState.DEFERRED_BY_COST,
                  decision.reason(),
                  null,
                  null,
                  null,
                  now),
              out);
          deferredNow.add(next.partitionId());
        }
        case ADMIT -> admitOne(run, next, now, out);
      }
    }
  }

  private boolean admitDeferred(RunState run, Instant now, Outbox out, List<String> readmitted) {
    if (run.deferred().isEmpty()) {
      return true;
    }
    // Within one round the budget only shrinks, so whatever needs as much as a refused one waits.
    BigDecimal refused = null;
    for (PartitionRecord p : List.copyOf(run.deferred())) {
      BigDecimal need =
          run.budget() == null
              ? BigDecimal.ZERO
              : run.budget().reservationOf(run.jobOf(p)).amount();
      if (refused != null && need.compareTo(refused) >= 0) {
        continue;
      }
      AdmissionDecision decision = decide(run, p);
      if (decision.verdict() == AdmissionDecision.Verdict.WAIT) {
        releaseToQueue(run, p, now, out, readmitted);
        return false;
      }
      if (decision.verdict() == AdmissionDecision.Verdict.DEFER) {
        refused = need;
        continue;
      }
      admitOne(run, p, now, out);
      readmitted.add(p.partitionId());
    }
    return true;
  }

  /**
   * DEFERRED_BY_COST means "held back by the budget now". When the budget has room again (a cap
   * raise, an attempt that cost less than it reserved) but the next deferred partition waits for
   * maxInFlight or a node cap, the deferred partitions the room covers, in plan order, go back to
   * SCHEDULED to wait for their turn there: one decision, named in one DeferredAdmitted event,
   * instead of one per admission round and a state that blames the budget for a concurrency wait.
   */
  private void releaseToQueue(
      RunState run, PartitionRecord from, Instant now, Outbox out, List<String> released) {
    if (run.budget() == null || run.isCanceling()) {
      return;
    }
    BigDecimal room = run.budget().remaining();
    for (PartitionRecord p : List.copyOf(run.deferred().tailSet(from, true))) {
      BigDecimal need = run.budget().reservationOf(run.jobOf(p)).amount();
      if (need.compareTo(room) > 0) {
        return;
      }
      room = room.subtract(need);
      emit(
          transition(
              run,
              p,
              PartitionState.SCHEDULED,
              "the budget has room again; waiting for its turn (maxInFlight or node cap)",
              null,
              null,
              null,
              now),
          out);
      released.add(p.partitionId());
    }
  }

  /** The plan's admission (concurrency), then the node cap of the job's target, then the budget. */
  private AdmissionDecision decide(RunState run, PartitionRecord p) {
    AdmissionDecision first = admission.decide(run, p);
    if (!first.admitted()) {
      return first;
    }
    JobSpec job = run.jobOf(p);
    AdmissionDecision nodes =
        nodeCaps.decide(job.computeTarget(), inFlightNodes(job.computeTarget()), job.nodes());
    if (!nodes.admitted()) {
      return nodes;
    }
    return CostCaps.decide(run.budget(), job);
  }

  private void admitOne(RunState run, PartitionRecord next, Instant now, Outbox out) {
    int attempt = next.hasRetryPending() ? next.nextAttempt : next.attempt() + 1;
    String reason =
        next.state() == PartitionState.DEFERRED_BY_COST
            ? "admitted again: the budget has room"
            : next.hasRetryPending() ? "new attempt admitted" : "admitted";
    if (run.budget() != null) {
      JobSpec job = run.jobOf(next);
      RunBudget.Reservation r = run.budget().reservationOf(job);
      emit(
          new RunEvent.CostReserved(
              Schema.VERSION,
              run.runId(),
              next.partitionId(),
              attempt,
              job.computeTarget(),
              job.resources().instanceType(),
              job.nodes(),
              r.pricePerNodeHour(),
              r.timeout(),
              r.amount(),
              now),
          out);
    }
    emit(
        new PartitionTransitioned(
            Schema.VERSION,
            run.runId(),
            next.partitionId(),
            next.state(),
            PartitionState.ADMITTED,
            attempt,
            reason,
            null,
            JobNames.of(run.runId(), next.partitionId(), attempt),
            null,
            null,
            null,
            null,
            now),
        out);
    out.send(
        topics.work(),
        Topics.partitionKey(run.runId(), next.partitionId()),
        workItem(run, next, WorkItem.Kind.SUBMIT, attempt, now));
  }

  private static PartitionRecord dueRetry(RunState run, Instant now) {
    if (!run.retries().isEmpty() && !run.retries().first().retryNotBefore().isAfter(now)) {
      return run.retries().first();
    }
    return null;
  }

  /** Turns the attempt's reservation into its actual cost, and writes the ledger entry. */
  private void charge(
      RunState run,
      PartitionRecord p,
      JobStatusEvent event,
      PartitionState outcome,
      FailureClass fc,
      Instant now,
      Outbox out) {
    RunEvent.CostReserved r =
        run.budget() == null ? null : run.budget().openReservation(p.partitionId(), p.attempt());
    if (r == null) {
      return;
    }
    Instant finished = event.finishedAt() != null ? event.finishedAt() : event.observedAt();
    Duration billable =
        event.startedAt() == null || finished == null
            ? Duration.ZERO
            : Duration.between(event.startedAt(), finished);
    if (billable.isNegative()) {
      billable = Duration.ZERO;
    }
    BigDecimal cost =
        io.partitrain.shared.contracts.CostBudget.cost(r.nodes(), r.pricePerNodeHour(), billable);
    if (cost.compareTo(r.amount()) > 0) {
      log.warn(
          "[run={} partition={} attempt={}] billed {} beyond its reserved timeout {}: the backend did not "
              + "stop the job at its limit",
          run.runId(),
          p.partitionId(),
          p.attempt(),
          billable,
          r.timeout());
    }
    RunEvent.CostCharged charged =
        new RunEvent.CostCharged(
            Schema.VERSION,
            run.runId(),
            p.partitionId(),
            p.attempt(),
            r.amount(),
            cost,
            billable,
            event.startedAt(),
            finished,
            outcome,
            outcome == PartitionState.SUCCEEDED ? null : fc,
            now);
    emit(charged, out);
    finops.ledger(run, p, r, charged, out);
  }

  private WorkItem workItem(
      RunState run, PartitionRecord p, WorkItem.Kind kind, int attempt, Instant now) {
    return new WorkItem(
        Schema.VERSION,
        kind,
        run.runId(),
        p.partitionId(),
        attempt,
        JobNames.of(run.runId(), p.partitionId(), attempt),
        CostCaps.submitted(run.budget(), run.jobOf(p)),
        p.tags(),
        now);
  }

  private void complete(RunState run, Instant now, Outbox out) {
    RunSummary summary = run.summary().completedAt(now);
    emit(new RunEvent.RunCompleted(Schema.VERSION, run.runId(), summary, now), out);
    if (run.budget() != null) {
      finops.settled(run, now, out);
    }
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
        out.send(
            topics.runs(),
            runId,
            new RunEvent.RunSnapshot(Schema.VERSION, runId, run.summary(), now));
        lastSnapshot.put(runId, now);
        it.remove();
      }
    }
  }

  private static PartitionTransitioned transition(
      RunState run,
      PartitionRecord p,
      PartitionState to,
      String reason,
      FailureClass fc,
      String logPath,
      Map<String, Double> metrics,
      Instant now) {
    return new PartitionTransitioned(
        Schema.VERSION,
        run.runId(),
        p.partitionId(),
        p.state(),
        to,
        p.attempt(),
        reason,
        fc,
        p.jobName(),
        null,
        null,
        logPath,
        metrics,
        now);
  }
}
