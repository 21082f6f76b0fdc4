package io.partitrain.orchestrator.console.view;

import java.time.Instant;
import java.util.List;

/**
 * One cost-cap event of a run for the timeline: what happened, who decided it (people's decisions
 * only) and why, and the partitions it names.
 *
 * @param type the FinOps record type ({@code CostCapReached}, {@code CostCapChanged}, …)
 */
public record CapEventView(
    String type,
    Instant at,
    String requestedBy,
    String reason,
    String summary,
    List<String> partitions) {

  public CapEventView {
    partitions = partitions == null ? List.of() : List.copyOf(partitions);
  }
}
