package io.partitrain.orchestrator.state;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.PartitionTransitioned;
import io.partitrain.shared.contracts.RunEvent.RetryScheduled;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.plan.JobTemplate;
import io.partitrain.shared.plan.PlanViolation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One run as the tracker knows it: its definition, its partitions' state machines, and the counters
 * the summary needs. Every change comes from {@link OrchestratorState#apply}, which is the same on
 * the live path and on replay; indexes (waiting partitions, due retries, counts per state) are kept
 * incrementally so that a run of 10,000 partitions costs little per decision.
 *
 * <p>The job template is parsed once, when the run starts ({@link #start}); each partition's job is
 * rendered from it once, when the partition is scheduled, and that one {@link JobSpec} is what
 * admission checks against the node cap and what the in-flight node count adds up.
 */
public final class RunState {

  private final String runId;
  private final RunEvent.RunStarted started;
  private final RunDefinition definition;
  private final JobTemplate template;
  private final int partitionCount;
  private final Instant startedAt;

  private final Map<String, PartitionRecord> partitions = new LinkedHashMap<>();
  private final NavigableSet<PartitionRecord> waiting =
      new TreeSet<>(Comparator.comparingInt(PartitionRecord::sequence));
  private final NavigableSet<PartitionRecord> retries =
      new TreeSet<>(
          Comparator.comparing(PartitionRecord::retryNotBefore)
              .thenComparingInt(PartitionRecord::sequence));
  private final NavigableSet<PartitionRecord> deferred =
      new TreeSet<>(Comparator.comparingInt(PartitionRecord::sequence));
  private final Map<String, Integer> inFlightNodesByTarget = new HashMap<>();

  // The summary's parts, kept as the fold goes, so a snapshot costs O(failed partitions + metric
  // groups), not O(partitions).
  private final NavigableSet<PartitionRecord> failed =
      new TreeSet<>(Comparator.comparingInt(PartitionRecord::sequence));
  private final RunMetrics metrics = new RunMetrics();
  private int retried;

  /** The cost cap and its accounts; null for a run without a budget. */
  private final RunBudget budget;

  private final Map<PartitionState, Integer> byState = new EnumMap<>(PartitionState.class);
  private int settled;
  private int inFlight;
  private int inFlightNodes;
  private int attempts;
  private int jobsSubmitted;
  private int rerunRequested;
  private int rerunResubmitted;
  private boolean complete;
  private boolean canceling;

  /** The operator's cancel (who, when, why), for readers of the run's final snapshot. */
  private RunEvent.CancelAccepted cancel;

  private Instant completedAt;

  private RunState(RunEvent.RunStarted started) {
    this.runId = started.runId();
    this.started = started;
    this.definition = started.definition();
    this.template = JobTemplate.fromTree(definition.jobTemplate(), definition.planSource());
    this.partitionCount = started.partitionCount();
    this.startedAt = started.at();
    this.budget =
        definition.limits() == null || definition.limits().budget() == null
            ? null
            : new RunBudget(definition.limits().budget());
  }

  /**
   * This run as a {@link StateSnapshot.Run}: everything the fold holds, so that {@link #restore}
   * resumes it without its events. O(partitions).
   *
   * @param admittedAt when each partition's attempt in flight was admitted (null: unknown)
   * @param deadlineWarned whether the run's deadline warning was decided
   */
  public StateSnapshot.Run snapshot(
      Function<PartitionRecord, Instant> admittedAt, boolean deadlineWarned, Instant now) {
    List<StateSnapshot.Partition> ps = new ArrayList<>(partitions.size());
    for (PartitionRecord p : partitions.values()) {
      ps.add(
          new StateSnapshot.Partition(
              p.partitionId(),
              p.tags(),
              p.sequence(),
              p.state,
              p.attempt,
              p.roundAttempts,
              p.jobName(),
              p.retryNotBefore,
              p.nextAttempt,
              p.retried,
              p.rerunPending,
              p.lastFailureClass,
              p.lastMessage,
              p.logPath,
              p.metrics,
              p.state.isInFlight() ? admittedAt.apply(p) : null));
    }
    List<StateSnapshot.MetricSum> sums = metrics.snapshot();
    return new StateSnapshot.Run(
        Schema.VERSION,
        started,
        complete,
        completedAt,
        canceling,
        attempts,
        jobsSubmitted,
        retried,
        rerunRequested,
        rerunResubmitted,
        budget == null ? null : budget.snapshot(),
        cancel,
        deadlineWarned,
        ps,
        sums,
        summary(),
        now,
        null);
  }

  /**
   * The run a {@link #snapshot} describes, with every index rebuilt: the same state a replay of the
   * events it covers would have built. Each partition's job is rendered again from the template
   * (rendering is deterministic), so the snapshot does not carry it.
   */
  public static RunState restore(StateSnapshot.Run s) {
    RunState run = new RunState(s.started());
    run.complete = s.complete();
    run.completedAt = s.completedAt();
    run.canceling = s.canceling();
    run.cancel = s.cancel();
    run.attempts = s.attempts();
    run.jobsSubmitted = s.jobsSubmitted();
    run.retried = s.retried();
    run.rerunRequested = s.rerunRequested();
    run.rerunResubmitted = s.rerunResubmitted();
    if (run.budget != null && s.budget() != null) {
      run.budget.restore(s.budget());
    }
    for (StateSnapshot.Partition sp : s.partitions()) {
      PartitionRecord p =
          new PartitionRecord(
              sp.id(),
              sp.tags(),
              sp.sequence(),
              run.render(new PartitionSpec(sp.id(), sp.tags())),
              run);
      p.state = sp.state();
      p.attempt = sp.attempt();
      p.roundAttempts = sp.roundAttempts();
      p.nameJob(sp.jobName());
      p.retryNotBefore = sp.retryNotBefore();
      p.nextAttempt = sp.nextAttempt();
      p.retried = sp.retried();
      p.rerunPending = sp.rerunPending();
      p.lastFailureClass = sp.failureClass();
      p.lastMessage = sp.message();
      p.logPath = sp.logPath();
      p.metrics = internedKeys(sp.metrics());
      run.index(p);
    }
    run.metrics.restore(s.metricSums());
    return run;
  }

  /** Puts a restored partition in every index the fold keeps (as its events would have). */
  private void index(PartitionRecord p) {
    partitions.put(p.partitionId(), p);
    count(p.state, +1);
    switch (p.state) {
      case SCHEDULED -> waiting.add(p);
      case DEFERRED_BY_COST -> deferred.add(p);
      case FAILED -> failed.add(p);
      default -> {}
    }
    if (p.retryNotBefore != null) {
      retries.add(p);
    }
    if (p.isSettled()) {
      settled++;
    }
    if (p.state.isInFlight()) {
      p.job = p.job();
      inFlight++;
      inFlightNodes += p.nodes();
      inFlightNodesByTarget.merge(p.computeTarget(), p.nodes(), Integer::sum);
    }
  }

  /** The run's cost cap and accounts; null when the plan has no budget. */
  public RunBudget budget() {
    return budget;
  }

  /** Nodes held by this run's jobs in flight on a compute target. */
  public int inFlightNodes(String computeTarget) {
    return inFlightNodesByTarget.getOrDefault(computeTarget, 0);
  }

  /** Compute targets this run holds nodes on now. */
  public Map<String, Integer> inFlightNodesByTarget() {
    return inFlightNodesByTarget;
  }

  /**
   * The state of a run that starts with {@code started}: parses its job template (the one place
   * that does). The tracker builds it to check a start command, then hands it to {@link
   * OrchestratorState#start}; replay builds it from the event.
   */
  public static RunState start(RunEvent.RunStarted started) {
    return new RunState(started);
  }

  /** The partition's rendered job (rendered once, when it was scheduled). */
  public JobSpec jobOf(PartitionRecord p) {
    return p.job();
  }

  /**
   * Adds the rules the partitions' renderings would break (a missing or unsafe tag), one per
   * mistake.
   */
  public void checkRendering(List<PartitionSpec> partitions, List<PlanViolation> violations) {
    template.check(runId, partitions, violations);
  }

  /**
   * Renders the job of a partition of this run (deterministic). The run's start time tags the run
   * incarnation, so a run id reused after the state was lost renders another definition and never
   * adopts an old job (get-or-create compares spec hashes).
   */
  public JobSpec render(PartitionSpec partition) {
    return template.render(runId, partition).withTag(JobSpec.RUN_STARTED_TAG, startedAt.toString());
  }

  /** Partitions DEFERRED_BY_COST, in plan order. */
  public NavigableSet<PartitionRecord> deferred() {
    return deferred;
  }

  public String runId() {
    return runId;
  }

  /** The operator's accepted cancel of this run; null when it was not canceled. */
  public RunEvent.CancelAccepted cancel() {
    return cancel;
  }

  public RunDefinition definition() {
    return definition;
  }

  public int partitionCount() {
    return partitionCount;
  }

  /** When the run started (its {@code RunStarted}). */
  public Instant startedAt() {
    return startedAt;
  }

  public int inFlight() {
    return inFlight;
  }

  public int inFlightNodes() {
    return inFlightNodes;
  }

  public boolean isComplete() {
    return complete;
  }

  public boolean isCanceling() {
    return canceling;
  }

  public PartitionRecord partition(String partitionId) {
    return partitions.get(partitionId);
  }

  public Collection<PartitionRecord> partitions() {
    return partitions.values();
  }

  /** Partitions waiting for their first admission, in plan order. */
  public NavigableSet<PartitionRecord> waiting() {
    return waiting;
  }

  /** Partitions with a retry pending, earliest first. */
  public NavigableSet<PartitionRecord> retries() {
    return retries;
  }

  /** Every partition was scheduled and every one is settled. */
  public boolean allSettled() {
    return partitions.size() == partitionCount && settled == partitionCount;
  }

  void applyCompleted(RunEvent.RunCompleted c) {
    complete = true;
    completedAt = c.at();
  }

  void applyTransition(PartitionTransitioned t) {
    PartitionRecord p = partitions.get(t.partitionId());
    if (t.from() == null) {
      if (p != null) {
        return;
      }
      p =
          new PartitionRecord(
              t.partitionId(),
              t.tags() == null ? Map.of() : t.tags(),
              t.sequence() == null ? partitions.size() : t.sequence(),
              render(new PartitionSpec(t.partitionId(), t.tags() == null ? Map.of() : t.tags())),
              this);
      partitions.put(p.partitionId(), p);
      count(p.state, +1);
      waiting.add(p);
      return;
    }
    if (p == null || p.state != t.from()) {
      throw new PartitrainException(
          "run "
              + runId
              + " partition "
              + t.partitionId()
              + ": event moves "
              + t.from()
              + " -> "
              + t.to()
              + " but the partition is "
              + (p == null ? "unknown" : p.state)
              + "; the runs topic is inconsistent");
    }
    boolean wasSettled = p.isSettled();
    boolean wasInFlight = p.state.isInFlight();
    count(p.state, -1);
    waiting.remove(p);
    deferred.remove(p);
    if (p.state == PartitionState.FAILED) {
      failed.remove(p);
    }
    unlistRetry(p);
    p.state = p.state.moveTo(t.to());
    count(p.state, +1);
    if (p.state == PartitionState.FAILED) {
      failed.add(p);
    }
    switch (t.to()) {
      case ADMITTED -> onAdmitted(p, t);
      case SUBMITTED -> jobsSubmitted++;
      case DEFERRED_BY_COST -> {
        p.retryNotBefore = null;
        deferred.add(p);
      }
      // Released by the budget, back in plan order to wait for maxInFlight or a node cap.
      case SCHEDULED -> waiting.add(p);
      case SUCCEEDED -> {
        p.metrics = internedKeys(t.metrics());
        p.logPath = t.logPath();
        metrics.add(p.tags(), p.metrics);
      }
      case FAILED, CANCELED -> {
        p.lastFailureClass = t.failureClass();
        p.lastMessage = t.reason();
        p.logPath = t.logPath();
        if (t.failureClass() != null && !t.failureClass().countsAsAttempt()) {
          p.roundAttempts--;
        }
      }
      default -> {}
    }
    adjust(p, wasSettled, wasInFlight);
  }

  private void onAdmitted(PartitionRecord p, PartitionTransitioned t) {
    p.attempt = t.attempt();
    p.nameJob(t.jobName());
    p.job = p.job();
    p.roundAttempts++;
    p.retryNotBefore = null;
    p.lastFailureClass = null;
    p.lastMessage = null;
    attempts++;
    if (p.rerunPending) {
      p.rerunPending = false;
      rerunResubmitted++;
    }
  }

  void applyRetry(RetryScheduled r) {
    PartitionRecord p = partitions.get(r.partitionId());
    boolean wasSettled = p.isSettled();
    unlistRetry(p);
    p.retryNotBefore = r.notBefore();
    p.nextAttempt = r.nextAttempt();
    retries.add(p);
    if (r.cause() == RetryScheduled.Cause.RERUN) {
      p.roundAttempts = 0;
      p.rerunPending = true;
      rerunRequested++;
    } else if (!p.retried) {
      p.retried = true;
      retried++;
    }
    adjust(p, wasSettled, p.state.isInFlight());
  }

  void applyCancel(RunEvent.CancelAccepted c) {
    canceling = true;
    cancel = c;
    for (PartitionRecord p : List.copyOf(retries)) {
      boolean wasSettled = p.isSettled();
      unlistRetry(p);
      p.retryNotBefore = null;
      p.rerunPending = false;
      adjust(p, wasSettled, p.state.isInFlight());
    }
  }

  /** The retry index is ordered by due time, so an entry must leave it before its time changes. */
  private void unlistRetry(PartitionRecord p) {
    if (p.retryNotBefore != null) {
      retries.remove(p);
    }
  }

  private void adjust(PartitionRecord p, boolean wasSettled, boolean wasInFlight) {
    settled += (p.isSettled() ? 1 : 0) - (wasSettled ? 1 : 0);
    if (settled < partitionCount) {
      // The one place a completed run becomes incomplete again (a rerun, a retry): its summary
      // then never says "complete" beside a partition that still moves.
      complete = false;
      completedAt = null;
    }
    int nodes = p.nodes();
    if (p.state.isInFlight() != wasInFlight) {
      inFlight += p.state.isInFlight() ? 1 : -1;
      inFlightNodes += p.state.isInFlight() ? nodes : -nodes;
      inFlightNodesByTarget.merge(
          p.computeTarget(), p.state.isInFlight() ? nodes : -nodes, Integer::sum);
    }
    if (!p.state.isInFlight()) {
      p.job = null; // rendered again if it is admitted again (PartitionRecord#job)
    }
  }

  private void count(PartitionState s, int delta) {
    byState.merge(s, delta, Integer::sum);
  }

  /** How many partitions are in a state now; kept as the fold goes. */
  public int count(PartitionState s) {
    return byState.getOrDefault(s, 0);
  }

  /** Partitions per state (states with none left out); kept as the fold goes. */
  public Map<PartitionState, Integer> countsByState() {
    Map<PartitionState, Integer> states = new EnumMap<>(PartitionState.class);
    byState.forEach(
        (s, n) -> {
          if (n > 0) {
            states.put(s, n);
          }
        });
    return states;
  }

  /** Metric names shared between partitions (a million {@code mape} keys are one string). */
  private static Map<String, Double> internedKeys(Map<String, Double> metrics) {
    if (metrics == null || metrics.isEmpty()) {
      return Map.of();
    }
    Map<String, Double> out = new HashMap<>(metrics.size() * 2);
    metrics.forEach((k, v) -> out.put(k.intern(), v));
    return Map.copyOf(out);
  }

  /**
   * The run at a glance, from what the fold keeps: O(failed partitions + metric groups), never a
   * pass over all partitions.
   */
  public RunSummary summary() {
    List<RunSummary.FailedPartition> failedNow = new ArrayList<>(failed.size());
    for (PartitionRecord p : failed) {
      if (p.retryNotBefore != null) {
        continue; // its next attempt is scheduled: RETRY_PENDING (RunSummary#retryPending)
      }
      failedNow.add(
          new RunSummary.FailedPartition(
              p.partitionId(), p.attempt, p.lastFailureClass, p.lastMessage, p.logPath));
    }
    return new RunSummary(
        runId,
        definition.planName(),
        complete,
        partitionCount,
        countsByState(),
        attempts,
        jobsSubmitted,
        retried,
        rerunRequested,
        rerunResubmitted,
        failedNow,
        metrics.stats(),
        startedAt,
        completedAt,
        retries.size(),
        budgetNow());
  }

  /**
   * The budget as the summary shows it. The deferred partitions' need is summed here, when a
   * summary is made (at most once per snapshot interval), not kept by the fold: it renders each
   * deferred partition's job, and only budgeted runs that wait have any.
   */
  private RunSummary.Budget budgetNow() {
    if (budget == null) {
      return null;
    }
    BigDecimal need = BigDecimal.ZERO;
    for (PartitionRecord p : deferred) {
      need = need.add(budget.reservationOf(p.job()).amount());
    }
    return new RunSummary.Budget(
        budget.cap(), budget.currency(), budget.spent(), budget.reserved(), need);
  }
}
