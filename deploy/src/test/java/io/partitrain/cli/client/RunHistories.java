package io.partitrain.cli.client;

import io.partitrain.shared.contracts.RunEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Test access to {@link RunHistory}: the reference fold, and comparable views of its answers. */
public final class RunHistories {

  private RunHistories() {}

  /** Every run folded from every event, the way the CLI read the runs topic before issue 14. */
  public static Map<String, RunHistory> foldAll(Iterable<RunEvent> events, boolean withPartitions) {
    Map<String, RunHistory> out = new TreeMap<>();
    for (RunEvent e : events) {
      out.computeIfAbsent(e.runId(), id -> new RunHistory(id, withPartitions)).apply(e);
    }
    out.values().removeIf(h -> !h.hasState());
    return out;
  }

  /** What {@code run show} and {@code run list} print of a run, as one comparable string. */
  public static String line(RunHistory h) {
    return String.join(
        " | ",
        h.runId(),
        h.planName(),
        h.outcome().name(),
        String.valueOf(h.startedAt()),
        String.valueOf(h.endedAt()),
        String.valueOf(h.cancel()),
        String.valueOf(h.summary()));
  }

  /** Each partition's line, comparable. */
  public static List<String> partitions(RunHistory h) {
    return h.partitions().stream()
        .map(
            p ->
                String.join(
                    " | ",
                    p.partitionId(),
                    String.valueOf(p.state()),
                    String.valueOf(p.attempt()),
                    String.valueOf(p.failureClass()),
                    String.valueOf(p.reason()),
                    String.valueOf(p.jobName()),
                    String.valueOf(p.logPath()),
                    String.valueOf(p.tags())))
        .toList();
  }
}
