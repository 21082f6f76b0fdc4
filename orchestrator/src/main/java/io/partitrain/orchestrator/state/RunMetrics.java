package io.partitrain.orchestrator.state;

import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.StateSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's model metrics by tag value (tag → value → metric → count, sum, min, max), kept as the
 * fold goes: a SUCCEEDED partition's metrics join its tags' groups once (a success is final), so a
 * summary costs O(metric groups), not O(partitions).
 */
final class RunMetrics {

  private final Map<String, Map<String, Map<String, Sum>>> sums = new TreeMap<>();

  /** A succeeded partition's metrics join the groups of each of its tags. */
  void add(Map<String, String> tags, Map<String, Double> metrics) {
    for (var tag : tags.entrySet()) {
      for (var m : metrics.entrySet()) {
        sum(tag.getKey(), tag.getValue(), m.getKey()).add(m.getValue());
      }
    }
  }

  /** The groups as a snapshot records them. */
  List<StateSnapshot.MetricSum> snapshot() {
    List<StateSnapshot.MetricSum> out = new ArrayList<>();
    forEach(
        (tag, value, metric, m) ->
            out.add(new StateSnapshot.MetricSum(tag, value, metric, m.count, m.sum, m.min, m.max)));
    return out;
  }

  /** The groups a {@link #snapshot} recorded. */
  void restore(List<StateSnapshot.MetricSum> recorded) {
    for (StateSnapshot.MetricSum m : recorded) {
      Sum sum = sum(m.tag(), m.value(), m.metric());
      sum.count = m.count();
      sum.sum = m.sum();
      sum.min = m.min();
      sum.max = m.max();
    }
  }

  /** Mean, min and max per group, as the run's summary shows them. */
  Map<String, Map<String, Map<String, RunSummary.MetricStats>>> stats() {
    Map<String, Map<String, Map<String, RunSummary.MetricStats>>> stats = new TreeMap<>();
    forEach(
        (tag, value, metric, m) ->
            stats
                .computeIfAbsent(tag, k -> new TreeMap<>())
                .computeIfAbsent(value, k -> new TreeMap<>())
                .put(metric, new RunSummary.MetricStats(m.count, m.sum / m.count, m.min, m.max)));
    return stats;
  }

  private Sum sum(String tag, String value, String metric) {
    return sums.computeIfAbsent(tag, k -> new TreeMap<>())
        .computeIfAbsent(value, k -> new TreeMap<>())
        .computeIfAbsent(metric, k -> new Sum());
  }

  private void forEach(GroupVisitor visitor) {
    sums.forEach(
        (tag, byValue) ->
            byValue.forEach(
                (value, byMetric) ->
                    byMetric.forEach((metric, m) -> visitor.visit(tag, value, metric, m))));
  }

  private interface GroupVisitor {
    void visit(String tag, String value, String metric, Sum sum);
  }

  /** Count, sum, min and max of one metric in one tag group. */
  private static final class Sum {
    int count;
    double sum;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;

    void add(double x) {
      count++;
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
  }
}
