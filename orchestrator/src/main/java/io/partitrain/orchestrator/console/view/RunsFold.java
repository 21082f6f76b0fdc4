package io.partitrain.orchestrator.console.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.Money;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.contracts.SubmittedJob;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The console's own fold of the runs and FinOps topics: one writer thread applies events, then
 * {@link #snapshot} publishes an immutable {@link ConsoleSnapshot}. Only runs that changed since
 * the last snapshot are copied again, so a quiet run of 10,000 partitions costs nothing per round.
 *
 * <p>Memory is bounded by what is live, not by history: every active run keeps its detail
 * (partitions with their transitions, submissions, ledger, cost timeline, cap events), and so do
 * the last {@code retainedRuns} runs that finished; an older finished run keeps only its summary
 * (counts per state and failure class, attempts, cost totals, the people's decisions), a few
 * hundred bytes, and says so ({@link RunView#detailEvicted()}). Its detail stays on the topics,
 * where the CLI reads it. Transitions that arrive later for such a run (a rerun) keep its counts
 * exact.
 *
 * <p>A finished run whose decisions are past the runs topic's retention is shown from its final
 * snapshot on the state topic ({@link #apply(StateSnapshot.Run, Map)}), marked {@link
 * RunView#fromFinalSnapshot()}. The runs topic wins wherever it still holds the run's start: a
 * {@link RunEvent.RunStarted} replaces a run built from its snapshot, and a later final snapshot of
 * such a run is ignored. Events that the snapshot covers (its runs-topic offsets) are not applied
 * twice; events after it (a rerun) are.
 *
 * <p>Events the console does not show (node caps of targets on the runs topic, retry and adoption
 * notices) are read and left alone; unreadable records are skipped by the reader, never fatal.
 *
 * <p>Limitation: a finished run that is rerun stays in the finished order it had, so many other
 * runs finishing during that rerun can evict its detail while it is active again; its counts stay
 * exact.
 */
public final class RunsFold {

  /** Keeps every run's detail: the CLI folds one run at a time. */
  public static final int UNBOUNDED = Integer.MAX_VALUE;

  private final Map<String, RunAcc> runs = new LinkedHashMap<>();
  private final SchedulesFold schedules = new SchedulesFold();
  private final int retainedRuns;

  /** Cap events across runs and compute targets kept for {@code finops events}: the latest. */
  public static final int MAX_CAP_EVENTS = 10_000;

  private final ArrayDeque<FinOpsRecord.CapEvent> capEventsAll = new ArrayDeque<>();
  private boolean capEventsDropped;

  /** Finished runs that still hold their detail, the first to finish first. */
  private final ArrayDeque<RunAcc> finishedWithDetail = new ArrayDeque<>();

  /** A fold that keeps the detail of every run. */
  public RunsFold() {
    this(UNBOUNDED);
  }

  /**
   * @param retainedRuns how many finished runs keep their detail; active runs always do
   */
  public RunsFold(int retainedRuns) {
    if (retainedRuns < 1) {
      throw new IllegalArgumentException(
          "retainedRuns must be at least 1, but was " + retainedRuns);
    }
    this.retainedRuns = retainedRuns;
  }

  /** How many partitions the fold holds in detail now, over all runs (bounded; see above). */
  public int partitionsInDetail() {
    int n = 0;
    for (RunAcc a : runs.values()) {
      n += a.partitions.size();
    }
    return n;
  }

  /** Notes a run that has just finished; evicts the detail of the oldest beyond the limit. */
  private void noteFinished(RunAcc a) {
    if (a.completedAt == null || a.evicted || finishedWithDetail.contains(a)) {
      return;
    }
    finishedWithDetail.addLast(a);
    while (finishedWithDetail.size() > retainedRuns) {
      finishedWithDetail.removeFirst().evictDetail();
    }
  }

  /**
   * Applies one decision of the orchestrator. Node caps belong to compute targets, not runs;
   * retries and adoptions show as the transitions that follow them.
   */
  public void apply(RunEvent event) {
    if (event instanceof RunEvent.RunStarted e) {
      RunAcc a = runs.get(e.runId());
      if (a != null && a.fromFinalSnapshot) {
        // The runs topic still holds the run from its start: its decisions say more.
        replace(a);
      }
    }
    if (event instanceof RunEvent.PartitionMoves batch) {
      batch.moves().forEach(this::apply);
    } else if (event instanceof RunEvent.RunStarted e) {
      acc(e.runId()).started(e);
    } else if (event instanceof RunEvent.PartitionTransitioned e) {
      acc(e.runId()).transitioned(e);
    } else if (event instanceof RunEvent.ComputeCapacityWarning e) {
      RunAcc a = acc(e.runId());
      a.warnings.add(e);
      a.cached = null;
    } else if (event instanceof RunEvent.DeadlineAtRisk e) {
      RunAcc a = acc(e.runId());
      a.deadlineAtRisk = e;
      a.cached = null;
    } else if (event instanceof RunEvent.RunCompleted e) {
      RunAcc a = acc(e.runId());
      a.summary = e.summary();
      a.completed(e.at());
      noteFinished(a);
    } else if (event instanceof RunEvent.RunSnapshot e) {
      RunAcc a = acc(e.runId());
      a.snapshot(e);
      noteFinished(a);
    } else if (event instanceof RunEvent.RetryScheduled e) {
      RunAcc a = acc(e.runId());
      a.retryPending.add(e.partitionId());
      a.cached = null;
    } else if (event instanceof RunEvent.CostReserved e) {
      acc(e.runId()).reserved(e);
    } else if (event instanceof RunEvent.CostCharged e) {
      acc(e.runId()).charged(e);
    } else if (event instanceof RunEvent.CostCapChanged e) {
      acc(e.runId()).capChanged(e);
    } else if (event instanceof RunEvent.RerunAccepted e) {
      acc(e.runId())
          .action(
              "RerunAccepted",
              e.commandId(),
              e.requestedBy(),
              e.reason(),
              e.partitionIds().size() + " partitions: " + String.join(", ", e.partitionIds()),
              e.at());
    } else if (event instanceof RunEvent.CancelAccepted e) {
      acc(e.runId())
          .action("CancelAccepted", e.commandId(), e.requestedBy(), e.reason(), "", e.at());
    } else if (event instanceof RunEvent.CommandRejected e) {
      RunAcc a = runs.get(e.runId());
      if (a != null) {
        a.action("CommandRejected", e.commandId(), null, e.reason(), "", e.at());
      }
    } else if (SchedulesFold.isScheduleEvent(event)) {
      schedules.apply(event);
    }
    if (event instanceof RunEvent.CancelAccepted e) {
      RunAcc a = acc(e.runId());
      a.cancel = e;
      a.retryPending.clear(); // a cancel drops the retries it finds (RunState#applyCancel)
    }
    if (isCostMaterial(event)) {
      RunAcc a = runs.get(event.runId());
      if (a != null && !a.evicted) {
        a.costEvents.add(event);
      }
    }
  }

  /**
   * Applies one decision read from the runs topic at {@code partition}/{@code offset}: as {@link
   * #apply(RunEvent)}, except that a decision the run's final snapshot already holds is skipped.
   */
  public void apply(RunEvent event, int partition, long offset) {
    if (SchedulesFold.isScheduleEvent(event)) {
      // A ScheduleFired names the run it starts: the schedule's snapshot decides, not the run's.
      schedules.apply(event, partition, offset);
      return;
    }
    RunAcc a = runs.get(event.runId());
    if (a != null
        && a.fromFinalSnapshot
        && !(event instanceof RunEvent.RunStarted)
        && offset < a.covered.getOrDefault(partition, -1L)) {
      return;
    }
    apply(event);
  }

  /**
   * Shows a finished run from its final snapshot on the state topic, unless the runs topic holds
   * its start: the same summary, start, cancel and cost totals, and each partition's last state,
   * attempt, failure, job, log and metrics.
   *
   * @param covered the runs-topic offsets the snapshot covers ({@link FinalSnapshots#covered})
   */
  public void apply(StateSnapshot.Run snapshot, Map<Integer, Long> covered) {
    RunAcc old = runs.get(snapshot.runId());
    if (old != null && old.startedAt != null && !old.fromFinalSnapshot) {
      return;
    }
    RunAcc a = old == null ? acc(snapshot.runId()) : replace(old);
    a.restore(snapshot, covered);
    noteFinished(a);
  }

  /**
   * A schedule's snapshot from the state topic: the schedule's base, so it stays listed after its
   * {@link RunEvent.ScheduleApplied} aged out of the runs topic ({@link SchedulesFold}).
   *
   * @param covered the runs-topic offsets it covers ({@link FinalSnapshots#covered})
   */
  public void apply(StateSnapshot.Schedule snapshot, Map<Integer, Long> covered) {
    schedules.apply(snapshot, covered);
  }

  /** The schedule snapshot of {@code plan} was tombstoned: see {@link SchedulesFold#forget}. */
  public void forgetSchedule(String plan) {
    schedules.forget(plan);
  }

  /**
   * The final snapshot of {@code runId} was tombstoned: a run shown only from it is gone from the
   * topics, and from the console.
   */
  public void forgetFinalSnapshot(String runId) {
    RunAcc a = runs.get(runId);
    if (a != null && a.fromFinalSnapshot) {
      runs.remove(runId);
      finishedWithDetail.remove(a);
    }
  }

  /**
   * A fresh accumulator in place of {@code old}, keeping what the FinOps topic told about the run
   * (it is read alongside and does not come again).
   */
  private RunAcc replace(RunAcc old) {
    finishedWithDetail.remove(old);
    RunAcc a = new RunAcc(old.runId);
    a.finopsRecords.addAll(old.finopsRecords);
    a.ledger.addAll(old.ledger);
    a.capEvents.addAll(old.capEvents);
    a.priced = old.priced;
    a.currency = old.currency;
    runs.put(old.runId, a);
    return a;
  }

  /**
   * The decisions {@link io.partitrain.orchestrator.finops.FinOpsReport} is built from (the run's
   * budget, cap changes, reservations, charges, deferrals); kept per run so the API answers the
   * same report as the CLI reading the topics.
   */
  private static boolean isCostMaterial(RunEvent e) {
    return e instanceof RunEvent.RunStarted
        || e instanceof RunEvent.CostCapChanged
        || e instanceof RunEvent.CostReserved
        || e instanceof RunEvent.CostCharged
        || (e instanceof RunEvent.PartitionTransitioned t
            && (t.to() == PartitionState.DEFERRED_BY_COST
                || t.from() == PartitionState.DEFERRED_BY_COST));
  }

  /** Applies one FinOps record: the cap events timeline and the ledger. */
  public void apply(FinOpsRecord record) {
    if (record instanceof FinOpsRecord.CapEvent e) {
      capEventsAll.addLast(e);
      if (capEventsAll.size() > MAX_CAP_EVENTS) {
        capEventsAll.removeFirst();
        capEventsDropped = true;
      }
    }
    RunAcc a = acc(record.runId());
    if (!a.evicted) {
      a.finopsRecords.add(record);
    }
    if (record instanceof FinOpsRecord.LedgerEntry e) {
      a.ledger(e);
    } else if (record instanceof FinOpsRecord.CostCapReached e) {
      a.capEvent(
          "CostCapReached",
          e.at(),
          null,
          null,
          String.format(
              "cap %s %s reached: spent %s, reserved %s; %d deferred",
              Money.format(e.cap(), e.currency()),
              e.currency(),
              Money.format(e.spent(), e.currency()),
              Money.format(e.reserved(), e.currency()),
              e.deferred().size()),
          e.deferred());
    } else if (record instanceof FinOpsRecord.DeferredAdmitted e) {
      a.capEvent(
          "DeferredAdmitted",
          e.at(),
          null,
          null,
          e.admitted().size() + " admitted, " + e.stillDeferred() + " still deferred",
          e.admitted());
    } else if (record instanceof FinOpsRecord.CostCapChanged e) {
      a.capEvent(
          "CostCapChanged",
          e.at(),
          e.requestedBy(),
          e.reason(),
          "cap "
              + Money.format(e.from(), e.currency())
              + " → "
              + Money.format(e.to(), e.currency())
              + " "
              + e.currency(),
          List.of());
    } else if (record instanceof FinOpsRecord.NodeCapChanged e) {
      a.capEvent(
          "NodeCapChanged",
          e.at(),
          e.requestedBy(),
          e.reason(),
          e.computeTarget() + ": " + e.from() + " → " + e.to() + " nodes",
          List.of());
    } else if (record instanceof RunEvent.ComputeCapacityWarning e) {
      a.capEvent(
          "ComputeCapacityWarning", e.at(), null, null, String.join("; ", e.problems()), List.of());
    } else if (record instanceof FinOpsRecord.CostOverrun e) {
      a.capEvent(
          "CostOverrun",
          e.at(),
          null,
          null,
          e.partitionId()
              + " attempt "
              + e.attempt()
              + " cost "
              + Money.format(e.charged(), e.currency())
              + " of "
              + Money.format(e.reserved(), e.currency())
              + " reserved "
              + e.currency(),
          List.of(e.partitionId()));
    } else if (record instanceof FinOpsRecord.ChargeEstimated e) {
      a.capEvent(
          "ChargeEstimated",
          e.at(),
          null,
          e.reason(),
          e.partitionId()
              + " attempt "
              + e.attempt()
              + " charged "
              + Money.format(e.charged(), e.currency()),
          List.of(e.partitionId()));
    } else if (record instanceof FinOpsRecord.RunCostSettled e) {
      a.capEvent(
          "RunCostSettled",
          e.at(),
          null,
          null,
          "spent "
              + Money.format(e.spent(), e.currency())
              + " of cap "
              + Money.format(e.cap(), e.currency())
              + " "
              + e.currency(),
          e.deferred());
    } else if (record instanceof RunEvent.DeadlineAtRisk e) {
      a.capEvent("DeadlineAtRisk", e.at(), null, null, e.detail(), List.of());
    }
  }

  /** The current state as an immutable snapshot; copies only the runs that changed. */
  public ConsoleSnapshot snapshot(Instant asOf) {
    List<RunView> views = new ArrayList<>(runs.size());
    Map<String, RunView> byId = new HashMap<>();
    for (RunAcc a : runs.values()) {
      if (a.startedAt == null && a.partitions.isEmpty()) {
        continue; // a FinOps record of a run whose start we have not read (yet)
      }
      RunView v = a.view();
      views.add(v);
      byId.put(v.runId(), v);
    }
    views.sort(
        Comparator.comparing(
                RunView::startedAt, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .reversed());
    return new ConsoleSnapshot(
        views, byId, schedules.views(), List.copyOf(capEventsAll), capEventsDropped, asOf);
  }

  private RunAcc acc(String runId) {
    return runs.computeIfAbsent(runId, RunAcc::new);
  }

  /** The mutable state of one run; only the fold thread touches it. */
  private static final class RunAcc {
    final String runId;
    String planName;
    String planSource;
    JsonNode jobTemplate;
    String requestedBy;
    Instant startedAt;
    Instant completedAt;
    int total;
    int attempts;
    final Map<String, PartitionView> partitions = new TreeMap<>();
    final Map<String, Map<Integer, SubmittedJob>> submissions = new HashMap<>();
    Map<PartitionState, Integer> snapshotCounts;
    String currency;
    BigDecimal cap;
    BigDecimal spent = BigDecimal.ZERO;
    BigDecimal reserved = BigDecimal.ZERO;
    boolean priced;
    final List<CostView.Point> timeline = new ArrayList<>();
    final List<CapEventView> capEvents = new ArrayList<>();
    final List<FinOpsRecord.LedgerEntry> ledger = new ArrayList<>();
    final List<ActionView> actions = new ArrayList<>();
    RunView cached;
    boolean evicted;
    RunSummary summary;
    RunEvent.CancelAccepted cancel;
    final List<RunEvent.ComputeCapacityWarning> warnings = new ArrayList<>();
    RunEvent.DeadlineAtRisk deadlineAtRisk;
    final List<RunEvent> costEvents = new ArrayList<>();
    final List<FinOpsRecord> finopsRecords = new ArrayList<>();
    // FAILED partitions whose next attempt is scheduled (a retry or a rerun), until it is admitted.
    final Set<String> retryPending = new HashSet<>();
    Map<PartitionState, Integer> evictedCounts;
    Map<FailureClass, Integer> evictedFailureClasses;
    boolean fromFinalSnapshot;
    Map<Integer, Long> covered = Map.of();

    RunAcc(String runId) {
      this.runId = runId;
    }

    void started(RunEvent.RunStarted e) {
      planName = e.definition() == null ? null : e.definition().planName();
      planSource = e.definition() == null ? null : e.definition().planSource();
      jobTemplate = e.definition() == null ? null : e.definition().jobTemplate();
      requestedBy = e.requestedBy();
      startedAt = e.at();
      cancel = null;
      warnings.clear();
      deadlineAtRisk = null;
      total = e.partitionCount();
      CostBudget budget =
          e.definition() == null || e.definition().limits() == null
              ? null
              : e.definition().limits().budget();
      if (budget != null) {
        priced = true;
        currency = budget.currency();
        cap = budget.cap();
        point(e.at());
      }
      action("RunStarted", e.commandId(), e.requestedBy(), null, total + " partitions", e.at());
    }

    void transitioned(RunEvent.PartitionTransitioned e) {
      if (e.to() != PartitionState.FAILED) {
        retryPending.remove(e.partitionId());
      }
      if (evicted) {
        // Detail is gone; the counts follow the move exactly (a rerun of an old run).
        if (e.from() != null) {
          evictedCounts.computeIfPresent(e.from(), (k, n) -> n > 1 ? n - 1 : null);
        }
        evictedCounts.merge(e.to(), 1, Integer::sum);
        if (e.to() == PartitionState.ADMITTED) {
          attempts++;
        }
        cached = null;
        return;
      }
      PartitionView p = partitions.get(e.partitionId());
      if (p == null) {
        p =
            new PartitionView(
                e.partitionId(), null, 0, null, null, null, e.tags(), null, null, List.of());
      }
      if (e.to() == PartitionState.ADMITTED) {
        attempts++;
      }
      if (e.submission() != null
          && !submissions.getOrDefault(e.partitionId(), Map.of()).containsKey(e.attempt())) {
        // The first evidence of an attempt stands: its creator's, else the first adopter's.
        // Each inner map is replaced, never changed, so views already published stay immutable.
        Map<Integer, SubmittedJob> byAttempt =
            new HashMap<>(submissions.getOrDefault(e.partitionId(), Map.of()));
        byAttempt.put(e.attempt(), e.submission());
        submissions.put(e.partitionId(), Map.copyOf(byAttempt));
      }
      partitions.put(
          e.partitionId(),
          p.after(
              new PartitionView.Transition(
                  e.from(), e.to(), e.attempt(), e.failureClass(), e.reason(), e.jobName(), e.at()),
              e.tags(),
              e.logPath(),
              e.studioUrl(),
              e.sequence(),
              e.metrics()));
      cached = null;
    }

    /**
     * The run as its final snapshot holds it (see {@link RunsFold#apply(StateSnapshot.Run, Map)}).
     */
    void restore(StateSnapshot.Run s, Map<Integer, Long> coveredOffsets) {
      fromFinalSnapshot = true;
      covered = Map.copyOf(coveredOffsets);
      started(s.started());
      if (s.cancel() != null) {
        cancel = s.cancel();
        action(
            "CancelAccepted",
            s.cancel().commandId(),
            s.cancel().requestedBy(),
            s.cancel().reason(),
            "",
            s.cancel().at());
      }
      attempts = s.attempts();
      summary = s.summary();
      completedAt = s.complete() ? s.completedAt() : null;
      if (s.budget() != null) {
        priced = true;
        if (s.budget().budget() != null) {
          currency = s.budget().budget().currency();
          cap = s.budget().budget().cap();
        }
        spent = s.budget().spent() == null ? BigDecimal.ZERO : s.budget().spent();
        reserved = s.budget().reserved() == null ? BigDecimal.ZERO : s.budget().reserved();
        timeline.clear();
        point(s.at());
      }
      for (StateSnapshot.Partition p : s.partitions()) {
        partitions.put(
            p.id(),
            new PartitionView(
                p.id(),
                p.state(),
                p.attempt(),
                p.failureClass(),
                p.message(),
                p.jobName(),
                p.tags(),
                p.logPath(),
                p.metrics(),
                List.of(),
                null,
                p.sequence()));
      }
      total = Math.max(total, partitions.size());
      cached = null;
    }

    void completed(Instant at) {
      completedAt = at;
      cached = null;
    }

    void snapshot(RunEvent.RunSnapshot e) {
      summary = e.summary();
      // Only needed when retention dropped the transitions: counts from the snapshot then.
      snapshotCounts = e.summary().byState();
      if (total == 0) {
        total = e.summary().total();
      }
      if (e.summary().complete() && completedAt == null) {
        completedAt = e.summary().completedAt();
      }
      cached = null;
    }

    void reserved(RunEvent.CostReserved e) {
      priced = true;
      reserved = reserved.add(e.amount());
      point(e.at());
    }

    void charged(RunEvent.CostCharged e) {
      priced = true;
      if (e.reserved() != null) {
        reserved = reserved.subtract(e.reserved()).max(BigDecimal.ZERO);
      }
      if (e.cost() != null) {
        spent = spent.add(e.cost());
      }
      point(e.at());
    }

    void capChanged(RunEvent.CostCapChanged e) {
      priced = true;
      cap = e.to();
      point(e.at());
      action(
          "CostCapChanged",
          e.commandId(),
          e.requestedBy(),
          e.reason(),
          "cap " + e.from() + " → " + e.to(),
          e.at());
    }

    void ledger(FinOpsRecord.LedgerEntry e) {
      priced = true;
      if (currency == null) {
        currency = e.currency();
      }
      if (!evicted) {
        ledger.add(e);
      }
      cached = null;
    }

    /**
     * Drops the run's detail and keeps its summary: counts per state and failure class as of now
     * (the counts then follow later moves), attempts, cost totals and the people's decisions.
     */
    void evictDetail() {
      RunView v = view();
      evictedCounts = new EnumMap<>(PartitionState.class);
      evictedCounts.putAll(v.byState());
      evictedFailureClasses = new EnumMap<>(FailureClass.class);
      evictedFailureClasses.putAll(v.failureClasses());
      total = v.total();
      evicted = true;
      partitions.clear();
      submissions.clear();
      ledger.clear();
      timeline.clear();
      capEvents.clear();
      costEvents.clear();
      finopsRecords.clear();
      jobTemplate = null;
      cached = null;
    }

    void capEvent(
        String type,
        Instant at,
        String by,
        String reason,
        String summary,
        List<String> partitionIds) {
      if (evicted) {
        return;
      }
      capEvents.add(new CapEventView(type, at, by, reason, summary, partitionIds));
      cached = null;
    }

    void action(
        String type, String commandId, String by, String reason, String detail, Instant at) {
      actions.add(new ActionView(type, commandId, by, reason, detail, at));
      cached = null;
    }

    private void point(Instant at) {
      cached = null;
      if (evicted) {
        return;
      }
      timeline.add(new CostView.Point(at, spent, reserved, cap));
      cached = null;
    }

    RunView view() {
      if (cached != null) {
        return cached;
      }
      Map<PartitionState, Integer> byState = new EnumMap<>(PartitionState.class);
      Map<FailureClass, Integer> failureClasses = new EnumMap<>(FailureClass.class);
      for (PartitionView p : partitions.values()) {
        if (p.state() != null) {
          byState.merge(p.state(), 1, Integer::sum);
        }
        if (p.state() == PartitionState.FAILED && p.failureClass() != null) {
          failureClasses.merge(p.failureClass(), 1, Integer::sum);
        }
      }
      if (evicted) {
        byState.putAll(evictedCounts);
        failureClasses.putAll(evictedFailureClasses);
      } else if (partitions.isEmpty() && snapshotCounts != null) {
        byState.putAll(snapshotCounts);
      }
      RunOutcome outcome = RunOutcome.of(byState, completedAt != null, cancel != null);
      cached =
          new RunView(
              runId,
              planName,
              requestedBy,
              startedAt,
              // A completion read earlier (a rerun or a cap raise moved partitions since) is not
              // shown beside partitions that still move.
              outcome.isSettled() ? completedAt : null,
              outcome,
              Math.max(total, partitions.size()),
              byState,
              attempts,
              List.copyOf(partitions.values()),
              priced ? new CostView(currency, cap, spent, reserved, timeline) : null,
              capEvents,
              ledger,
              actions,
              planSource,
              jobTemplate,
              submissions,
              failureClasses,
              evicted,
              summary,
              cancel,
              costEvents,
              finopsRecords,
              warnings,
              deadlineAtRisk,
              fromFinalSnapshot,
              evicted || partitions.isEmpty()
                  ? (summary == null ? 0 : summary.retryPending())
                  : retryPending.size());
      return cached;
    }
  }
}
