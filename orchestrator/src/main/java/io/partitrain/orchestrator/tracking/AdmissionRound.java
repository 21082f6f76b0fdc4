package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.AdmissionDecision;
import io.partitrain.orchestrator.admission.CostCap;
import io.partitrain.orchestrator.finops.FinOpsTrail;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.WorkItem;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's admission in one tracker round: due retries first, then deferred partitions the budget
 * can take again, then waiting ones, each in order, until the composed {@link Admission} (the
 * concurrency cap, the node cap, the cost cap) says wait. A partition the budget cannot take now is
 * deferred, and one {@code CostCapReached} names every partition deferred in the round.
 */
final class AdmissionRound {

  private static final Logger log = LoggerFactory.getLogger(AdmissionRound.class);

  private final Admission admission;
  private final DecisionLog decisions;
  private final Liveness liveness;

  AdmissionRound(Admission admission, DecisionLog decisions, Liveness liveness) {
    this.admission = admission;
    this.decisions = decisions;
    this.liveness = liveness;
  }

  void admit(RunState run, Instant now, Outbox out) {
    List<String> deferredNow = new ArrayList<>();
    List<String> readmitted = new ArrayList<>();
    if (admitQueue(run, now, out, true, deferredNow) && admitDeferred(run, now, out, readmitted)) {
      admitQueue(run, now, out, false, deferredNow);
    }
    if (!deferredNow.isEmpty()) {
      decisions.finops(FinOpsTrail.capReached(run, deferredNow, now), out);
      log.info(
          "[run={}] cost cap {} {} reached: {} partitions deferred",
          run.runId(),
          run.budget().cap(),
          run.budget().currency(),
          deferredNow.size());
    }
    if (!readmitted.isEmpty()) {
      decisions.finops(FinOpsTrail.deferredAdmitted(run, readmitted, now), out);
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
      AdmissionDecision decision = admission.decide(run, next);
      switch (decision.verdict()) {
        case WAIT -> {
          return false;
        }
        case DEFER -> {
          decisions.emit(
              RunEvents.moved(run, next, PartitionState.DEFERRED_BY_COST, decision.reason(), now),
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
          run.budget() == null ? BigDecimal.ZERO : run.budget().reservationOf(p.job()).amount();
      if (refused != null && need.compareTo(refused) >= 0) {
        continue;
      }
      AdmissionDecision decision = admission.decide(run, p);
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
   * SCHEDULED to wait for their turn there: one decision, named in the round's one
   * DeferredAdmitted, instead of one per round and a state that blames the budget for a concurrency
   * wait.
   */
  private void releaseToQueue(
      RunState run, PartitionRecord from, Instant now, Outbox out, List<String> released) {
    if (run.budget() == null || run.isCanceling()) {
      return;
    }
    BigDecimal room = run.budget().remaining();
    for (PartitionRecord p : List.copyOf(run.deferred().tailSet(from, true))) {
      BigDecimal need = run.budget().reservationOf(p.job()).amount();
      if (need.compareTo(room) > 0) {
        return;
      }
      room = room.subtract(need);
      decisions.emit(
          RunEvents.moved(
              run,
              p,
              PartitionState.SCHEDULED,
              "the budget has room again; waiting for its turn (maxInFlight, node cap or the workers)",
              now),
          out);
      released.add(p.partitionId());
    }
  }

  private void admitOne(RunState run, PartitionRecord next, Instant now, Outbox out) {
    int attempt = next.nextAttempt();
    String reason =
        next.state() == PartitionState.DEFERRED_BY_COST
            ? "admitted again: the budget has room"
            : next.hasRetryPending() ? "new attempt admitted" : "admitted";
    RunEvent.CostReserved reservation = CostCap.reservation(run, next, attempt, now);
    if (reservation != null) {
      decisions.emit(reservation, out);
    }
    decisions.emit(RunEvents.admitted(run, next, attempt, reason, now), out);
    decisions.work(run, next, WorkItem.Kind.SUBMIT, attempt, now, out);
    liveness.seen(run, next, now);
  }

  private static PartitionRecord dueRetry(RunState run, Instant now) {
    if (!run.retries().isEmpty() && !run.retries().first().retryNotBefore().isAfter(now)) {
      return run.retries().first();
    }
    return null;
  }
}
