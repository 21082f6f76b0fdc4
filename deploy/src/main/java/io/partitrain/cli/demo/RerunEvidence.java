package io.partitrain.cli.demo;

import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a rerun really did, read from the run's recorded decisions rather than from counters: the
 * runs topic is ordered per run, so "before" and "after" are positions relative to the {@link
 * RunEvent.RerunAccepted} event, not clock readings.
 *
 * @param ranAgain partitions that were FAILED when the rerun was accepted and were admitted again
 * @param touchedAfterSuccess partitions that had SUCCEEDED by then and still saw a transition after
 *     it; must be empty (DESIGN.md, invariant 5)
 */
public record RerunEvidence(List<String> ranAgain, List<String> touchedAfterSuccess) {

  /**
   * @param events the run's decisions in topic order
   * @param rerunCommandId the command id the {@link RunEvent.RerunAccepted} answered
   */
  public static RerunEvidence of(List<RunEvent> events, String rerunCommandId) {
    Map<String, PartitionState> atRerun = new HashMap<>();
    Set<String> ranAgain = new TreeSet<>();
    Set<String> touched = new TreeSet<>();
    boolean after = false;
    for (RunEvent e : events) {
      if (e instanceof RunEvent.RerunAccepted r && r.commandId().equals(rerunCommandId)) {
        after = true;
      } else if (e instanceof RunEvent.PartitionTransitioned t) {
        if (!after) {
          atRerun.put(t.partitionId(), t.to());
          continue;
        }
        PartitionState then = atRerun.get(t.partitionId());
        if (then == PartitionState.SUCCEEDED) {
          touched.add(t.partitionId());
        }
        if (then == PartitionState.FAILED && t.to() == PartitionState.ADMITTED) {
          ranAgain.add(t.partitionId());
        }
      }
    }
    return new RerunEvidence(List.copyOf(ranAgain), List.copyOf(touched));
  }

  /** Whether only partitions that had failed ran again. */
  public boolean onlyFailedRanAgain() {
    return touchedAfterSuccess.isEmpty();
  }
}
