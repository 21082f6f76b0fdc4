package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.StateSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  private final DetailRetention retention;

  /** Cap events across runs and compute targets kept for {@code finops events}: the latest. */
  public static final int MAX_CAP_EVENTS = CapEventHistory.MAX_EVENTS;

  private final CapEventHistory capEventsAll = new CapEventHistory();

  /** A fold that keeps the detail of every run. */
  public RunsFold() {
    this(UNBOUNDED);
  }

  /**
   * @param retainedRuns how many finished runs keep their detail; active runs always do
   */
  public RunsFold(int retainedRuns) {
    this.retention = new DetailRetention(retainedRuns);
  }

  /** How many partitions the fold holds in detail now, over all runs (bounded; see above). */
  public int partitionsInDetail() {
    int n = 0;
    for (RunAcc a : runs.values()) {
      n += a.partitions.size();
    }
    return n;
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
      retention.noteFinished(a);
    } else if (event instanceof RunEvent.RunSnapshot e) {
      RunAcc a = acc(e.runId());
      a.snapshot(e);
      retention.noteFinished(a);
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
    retention.noteFinished(a);
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
      retention.remove(a);
    }
  }

  /**
   * A fresh accumulator in place of {@code old}, keeping what the FinOps topic told about the run
   * (it is read alongside and does not come again).
   */
  private RunAcc replace(RunAcc old) {
    retention.remove(old);
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
      capEventsAll.add(e);
    }
    RunFinOpsFold.apply(acc(record.runId()), record);
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
        views, byId, schedules.views(), capEventsAll.events(), capEventsAll.olderDropped(), asOf);
  }

  private RunAcc acc(String runId) {
    return runs.computeIfAbsent(runId, RunAcc::new);
  }
}
