package io.partitrain.orchestrator.finops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code partitrain finops report RUN}: a run's money, built from its run events (cap,
 * reservations, deferrals) and its FinOps records (ledger, cap events). Totals are sums of the
 * ledger, so the report and the ledger can never disagree.
 *
 * @param runId the run
 * @param planName its plan
 * @param currency the budget's currency
 * @param cap the cap now
 * @param spent sum of the ledger's costs
 * @param reserved worst case held for attempts in flight now
 * @param remaining cap - spent - reserved
 * @param attempts ledger entries (finished attempts)
 * @param byTag spend per tag name, per tag value
 * @param byFailureClass spend per outcome: SUCCEEDED, or the failure class (what retries cost)
 * @param deferred every partition deferred by cost, when, and whether and when it ran again
 * @param timeline the cap events, in order
 * @param ledger every finished attempt
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FinOpsReport(
    String runId,
    String planName,
    String currency,
    BigDecimal cap,
    BigDecimal spent,
    BigDecimal reserved,
    BigDecimal remaining,
    int attempts,
    Map<String, Map<String, BigDecimal>> byTag,
    Map<String, BigDecimal> byFailureClass,
    List<Deferral> deferred,
    List<FinOpsRecord.CapEvent> timeline,
    List<FinOpsRecord.LedgerEntry> ledger) {

  /**
   * @param partitionId the partition
   * @param deferredAt when the budget held it back (the last time, if more than once)
   * @param readmittedAt when it was admitted again; null while it is still deferred
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Deferral(String partitionId, Instant deferredAt, Instant readmittedAt) {}

  /** Builds the report of {@code runId} from everything read off the runs and finops topics. */
  public static FinOpsReport of(String runId, List<RunEvent> runEvents, List<FinOpsRecord> finops) {
    String plan = null;
    String currency = null;
    BigDecimal cap = null;
    Map<String, BigDecimal> open = new HashMap<>();
    Map<String, Deferral> deferrals = new LinkedHashMap<>();
    for (RunEvent e : runEvents) {
      if (!runId.equals(e.runId())) {
        continue;
      }
      if (e instanceof RunEvent.RunStarted s
          && s.definition().limits() != null
          && s.definition().limits().budget() != null) {
        plan = s.definition().planName();
        cap = s.definition().limits().budget().cap();
        currency = s.definition().limits().budget().currency();
      } else if (e instanceof RunEvent.CostCapChanged c) {
        cap = c.to();
      } else if (e instanceof RunEvent.CostReserved r) {
        open.put(r.partitionId() + "#" + r.attempt(), r.amount());
      } else if (e instanceof RunEvent.CostCharged c) {
        open.remove(c.partitionId() + "#" + c.attempt());
      } else if (e instanceof RunEvent.PartitionTransitioned t) {
        if (t.to() == PartitionState.DEFERRED_BY_COST) {
          deferrals.put(t.partitionId(), new Deferral(t.partitionId(), t.at(), null));
        } else if (t.from() == PartitionState.DEFERRED_BY_COST
            && (t.to() == PartitionState.ADMITTED || t.to() == PartitionState.SCHEDULED)
            && deferrals.containsKey(t.partitionId())) {
          // An admission, or a release to wait for maxInFlight, ends a deferral; a canceled
          // deferred partition never ran again.
          Deferral d = deferrals.get(t.partitionId());
          deferrals.put(t.partitionId(), new Deferral(t.partitionId(), d.deferredAt(), t.at()));
        }
      }
    }
    List<FinOpsRecord.LedgerEntry> ledger = new ArrayList<>();
    List<FinOpsRecord.CapEvent> timeline = new ArrayList<>();
    for (FinOpsRecord f : finops) {
      if (!runId.equals(f.runId())) {
        continue;
      }
      if (f instanceof FinOpsRecord.LedgerEntry l) {
        ledger.add(l);
      } else if (f instanceof FinOpsRecord.CapEvent c) {
        timeline.add(c);
      }
    }
    BigDecimal spent = BigDecimal.ZERO;
    Map<String, Map<String, BigDecimal>> byTag = new TreeMap<>();
    Map<String, BigDecimal> byClass = new TreeMap<>();
    for (FinOpsRecord.LedgerEntry l : ledger) {
      spent = spent.add(l.cost());
      l.tags()
          .forEach(
              (k, v) ->
                  byTag
                      .computeIfAbsent(k, x -> new TreeMap<>())
                      .merge(v, l.cost(), BigDecimal::add));
      String cls = l.failureClass() != null ? l.failureClass().name() : l.outcome().name();
      byClass.merge(cls, l.cost(), BigDecimal::add);
    }
    BigDecimal reserved = open.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal remaining = cap == null ? null : cap.subtract(spent).subtract(reserved);
    return new FinOpsReport(
        runId,
        plan,
        currency,
        cap,
        spent,
        reserved,
        remaining,
        ledger.size(),
        byTag,
        byClass,
        List.copyOf(deferrals.values()),
        timeline,
        ledger);
  }
}
