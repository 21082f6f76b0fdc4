package io.partitrain.cli.demo;

import io.partitrain.orchestrator.finops.FinOpsReport;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the demo reports about caps, read from the run's events and its FinOps records.
 *
 * @param report the FinOps report (cap, spent = sum of the ledger)
 * @param maxInFlightNodes the most nodes the tracker held in flight at once
 * @param everDeferred partitions that were deferred by cost at some point
 * @param stillDeferred partitions DEFERRED_BY_COST at the end, sorted
 */
record DemoCaps(
    FinOpsReport report,
    int maxInFlightNodes,
    Set<String> everDeferred,
    List<String> stillDeferred) {

  static DemoCaps of(String runId, List<RunEvent> events, List<FinOpsRecord> finops) {
    Map<String, Integer> nodes = new HashMap<>();
    int inFlight = 0;
    int max = 0;
    Set<String> ever = new HashSet<>();
    Map<String, PartitionState> last = new HashMap<>();
    for (RunEvent e : events) {
      if (e instanceof RunEvent.CostReserved r) {
        nodes.put(r.partitionId(), r.nodes());
      }
      if (e instanceof RunEvent.PartitionTransitioned t) {
        boolean was = t.from() != null && t.from().isInFlight();
        if (t.to().isInFlight() != was) {
          inFlight += (t.to().isInFlight() ? 1 : -1) * nodes.getOrDefault(t.partitionId(), 1);
        }
        max = Math.max(max, inFlight);
        if (t.to() == PartitionState.DEFERRED_BY_COST) {
          ever.add(t.partitionId());
        }
        last.put(t.partitionId(), t.to());
      }
    }
    TreeSet<String> still = new TreeSet<>();
    last.forEach(
        (p, s) -> {
          if (s == PartitionState.DEFERRED_BY_COST) {
            still.add(p);
          }
        });
    return new DemoCaps(FinOpsReport.of(runId, events, finops), max, ever, List.copyOf(still));
  }
}
