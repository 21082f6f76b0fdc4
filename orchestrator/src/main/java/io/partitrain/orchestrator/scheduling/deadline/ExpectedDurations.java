package io.partitrain.orchestrator.scheduling.deadline;

import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long each partition's job is expected to take, from the billable time of its earlier
 * successful attempts (the FinOps ledger: {@link FinOpsRecord.LedgerEntry}, or the {@code
 * CostCharged} decisions it is written from). A partition without history gets a prior: the median
 * of the plan's partitions with the same tags, else the median of all the plan's known partitions,
 * else the caller's default. Only runs with a budget are charged, so only they leave history.
 *
 * <p>Memory is one small record per (plan, partition) ever seen, not per attempt.
 */
public final class ExpectedDurations {

  /** Where an estimate comes from, best first. */
  public enum Source {
    /** The mean of this partition's own successful attempts. */
    HISTORY,
    /** The median of the plan's partitions with exactly the same tags. */
    TAGS,
    /** The median of every partition of the plan with history. */
    PLAN_MEDIAN,
    /** No history in the plan: the caller's default. */
    DEFAULT
  }

  /**
   * @param seconds expected billable seconds of one attempt
   * @param source where the figure comes from
   */
  public record Estimate(double seconds, Source source) {

    /** The default of a caller that has none: {@link Source#DEFAULT} with NaN seconds. */
    public static final double UNKNOWN = Double.NaN;
  }

  private final Map<String, Map<String, Stat>> byPlan = new HashMap<>();
  private java.util.Set<String> changed = new java.util.TreeSet<>();

  /** A history read from the FinOps ledger: every successful attempt's billable time. */
  public static ExpectedDurations fromLedger(Iterable<FinOpsRecord.LedgerEntry> ledger) {
    ExpectedDurations d = new ExpectedDurations();
    for (FinOpsRecord.LedgerEntry l : ledger) {
      if (l.outcome() == PartitionState.SUCCEEDED) {
        d.record(l.planName(), l.partitionId(), l.tags(), l.billableSeconds());
      }
    }
    return d;
  }

  /** Records one successful attempt; an unnamed plan or a time of 0 or less teaches nothing. */
  public void record(
      String planName, String partitionId, Map<String, String> tags, double seconds) {
    if (planName == null || partitionId == null || !(seconds > 0)) {
      return;
    }
    Stat s = byPlan.computeIfAbsent(planName, k -> new HashMap<>()).get(partitionId);
    if (s == null) {
      s = new Stat(tagKey(tags));
      byPlan.get(planName).put(partitionId, s);
    }
    s.count++;
    s.sum += seconds;
    changed.add(planName);
  }

  /** The plans whose history changed since the last call (and forgets them). */
  public java.util.Set<String> drainChanged() {
    java.util.Set<String> out = changed;
    changed = new java.util.TreeSet<>();
    return out;
  }

  /** One plan's history as a {@link StateSnapshot.Durations}. */
  public StateSnapshot.Durations snapshot(String planName, java.time.Instant now) {
    List<StateSnapshot.PartitionDurations> out = new ArrayList<>();
    new TreeMap<>(byPlan.getOrDefault(planName, Map.of()))
        .forEach(
            (id, s) -> out.add(new StateSnapshot.PartitionDurations(id, s.tagKey, s.count, s.sum)));
    return new StateSnapshot.Durations(Schema.VERSION, planName, out, now);
  }

  /** One plan's history as a {@link #snapshot} recorded it (replacing what was known). */
  public void restore(StateSnapshot.Durations d) {
    Map<String, Stat> plan = new HashMap<>();
    for (StateSnapshot.PartitionDurations p : d.partitions()) {
      Stat s = new Stat(p.tagKey());
      s.count = p.count();
      s.sum = p.sum();
      plan.put(p.id(), s);
    }
    byPlan.put(d.planName(), plan);
  }

  /** The plans with history, in name order. */
  public List<String> plans() {
    return byPlan.keySet().stream().sorted().toList();
  }

  /** How many of the plan's partitions have history. */
  public int partitionsKnown(String planName) {
    return byPlan.getOrDefault(planName, Map.of()).size();
  }

  /**
   * The estimates for one plan, with the medians computed once.
   *
   * @param defaultSeconds the estimate when the plan has no history at all
   */
  public Estimator forPlan(String planName, double defaultSeconds) {
    return new Estimator(byPlan.getOrDefault(planName, Map.of()), defaultSeconds);
  }

  /** Estimates for the partitions of one plan. */
  public static final class Estimator {
    private final Map<String, Stat> known;
    private final Map<String, Double> medianByTags = new HashMap<>();
    private final double planMedian;
    private final double defaultSeconds;

    private Estimator(Map<String, Stat> known, double defaultSeconds) {
      this.known = known;
      this.defaultSeconds = defaultSeconds;
      Map<String, List<Double>> byTags = new HashMap<>();
      double[] all = new double[known.size()];
      int i = 0;
      for (Stat s : known.values()) {
        all[i++] = s.mean();
        byTags.computeIfAbsent(s.tagKey, k -> new ArrayList<>()).add(s.mean());
      }
      this.planMedian = all.length == 0 ? Double.NaN : median(all);
      byTags.forEach(
          (k, xs) -> medianByTags.put(k, median(xs.stream().mapToDouble(x -> x).toArray())));
    }

    public Estimate estimate(PartitionSpec partition) {
      Stat s = known.get(partition.id());
      if (s != null) {
        return new Estimate(s.mean(), Source.HISTORY);
      }
      if (partition.tags() != null && !partition.tags().isEmpty()) {
        Double byTags = medianByTags.get(tagKey(partition.tags()));
        if (byTags != null) {
          return new Estimate(byTags, Source.TAGS);
        }
      }
      if (!Double.isNaN(planMedian)) {
        return new Estimate(planMedian, Source.PLAN_MEDIAN);
      }
      return new Estimate(defaultSeconds, Source.DEFAULT);
    }
  }

  private static String tagKey(Map<String, String> tags) {
    return tags == null || tags.isEmpty() ? "" : new TreeMap<>(tags).toString();
  }

  private static double median(double[] xs) {
    double[] sorted = xs.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static final class Stat {
    private final String tagKey;
    private int count;
    private double sum;

    private Stat(String tagKey) {
      this.tagKey = tagKey;
    }

    private double mean() {
      return sum / count;
    }
  }
}
