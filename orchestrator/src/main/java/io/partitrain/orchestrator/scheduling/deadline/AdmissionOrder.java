package io.partitrain.orchestrator.scheduling.deadline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * The order partitions are admitted in: longest expected first (LPT), so that the longest jobs do
 * not start last and stretch the run's end past its lower bound. Ties keep the bigger job (more
 * nodes) first, then plan order, so equal expectations (no history at all) give plan order: FIFO.
 */
public final class AdmissionOrder {

  private AdmissionOrder() {}

  /** Orders any items by their expected seconds, descending; stable. */
  public static <T> List<T> longestExpectedFirst(
      List<T> planOrder, ToDoubleFunction<T> expectedSeconds, ToIntFunction<T> nodes) {
    List<T> out = new ArrayList<>(planOrder);
    out.sort(
        Comparator.comparingDouble(expectedSeconds)
            .reversed()
            .thenComparing(Comparator.comparingInt(nodes).reversed()));
    return out;
  }

  /** Orders simulated jobs by {@link MakespanSimulator.Job#expectedSeconds()}. */
  public static List<MakespanSimulator.Job> longestExpectedFirst(
      List<MakespanSimulator.Job> planOrder) {
    return longestExpectedFirst(
        planOrder, MakespanSimulator.Job::expectedSeconds, MakespanSimulator.Job::nodes);
  }
}
