package io.partitrain.orchestrator.console.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.contracts.SubmittedJob;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The mutable state of one run; only the fold thread touches it. */
final class RunAcc {
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
   * Drops the run's detail and keeps its summary: counts per state and failure class as of now (the
   * counts then follow later moves), attempts, cost totals and the people's decisions.
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

  void action(String type, String commandId, String by, String reason, String detail, Instant at) {
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
