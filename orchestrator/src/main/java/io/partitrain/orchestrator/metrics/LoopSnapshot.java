package io.partitrain.orchestrator.metrics;

import io.partitrain.orchestrator.state.RunBudget;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.orchestrator.tracking.Tracker;
import io.partitrain.shared.contracts.PartitionState;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What the gauges show, copied from the tracker on the loop's own thread after a committed round:
 * immutable, so a scrape never reads the tracker's maps while the loop changes them.
 *
 * @param partitions partitions of all known runs per state
 * @param nodesInFlight nodes held per compute target, over all runs
 * @param nodeCaps the node cap in force per target ({@code +Inf}: none)
 * @param money spent, reserved and cap of each active run that has a budget
 * @param submitWindow how many SUBMITs may wait for a worker now (back-pressure; {@code +Inf}: off)
 */
public record LoopSnapshot(
    Map<PartitionState, Long> partitions,
    long runsActive,
    Map<String, Integer> nodesInFlight,
    Map<String, Double> nodeCaps,
    Map<String, RunMoney> money,
    double submitWindow) {

  public static final LoopSnapshot EMPTY =
      new LoopSnapshot(Map.of(), 0, Map.of(), Map.of(), Map.of(), 0);

  public LoopSnapshot {
    partitions = Map.copyOf(partitions);
    nodesInFlight = Map.copyOf(nodesInFlight);
    nodeCaps = Map.copyOf(nodeCaps);
    money = Map.copyOf(money);
  }

  /** A run's money, in its currency. */
  public record RunMoney(double spent, double reserved, double cap) {}

  /**
   * Copies what the gauges need, from the counts the fold keeps: O(runs), not O(partitions). Call
   * on the thread that owns {@code tracker}.
   */
  public static LoopSnapshot of(Tracker tracker) {
    Map<PartitionState, Long> partitions = new EnumMap<>(PartitionState.class);
    Map<String, Integer> nodes = new HashMap<>();
    Map<String, RunMoney> money = new HashMap<>();
    long active = 0;
    // Finished runs leave memory; their partitions still count ("all known runs").
    partitions.putAll(tracker.finishedPartitions());
    for (RunState run : tracker.runs()) {
      run.countsByState().forEach((state, n) -> partitions.merge(state, (long) n, Long::sum));
      run.inFlightNodesByTarget().forEach((t, n) -> nodes.merge(t, n, Integer::sum));
      if (!run.isComplete()) {
        active++;
        RunBudget b = run.budget();
        if (b != null) {
          money.put(
              run.runId(),
              new RunMoney(
                  b.spent().doubleValue(),
                  b.reserved().doubleValue(),
                  b.cap() == null ? Double.POSITIVE_INFINITY : b.cap().doubleValue()));
        }
      }
    }
    Map<String, Double> caps = new HashMap<>();
    for (String target : nodes.keySet()) {
      int cap = tracker.nodeCaps().capOf(target);
      caps.put(target, cap == Integer.MAX_VALUE ? Double.POSITIVE_INFINITY : cap);
    }
    int window = tracker.submitWindow();
    return new LoopSnapshot(
        partitions,
        active,
        nodes,
        caps,
        money,
        window == Integer.MAX_VALUE ? Double.POSITIVE_INFINITY : window);
  }
}
