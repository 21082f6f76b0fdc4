package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.FinOpsRecord;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Cost-cap and node-cap events across runs and compute targets for {@code finops events}: the
 * latest {@link #MAX_EVENTS}, oldest first, and whether older ones were dropped.
 */
final class CapEventHistory {

  static final int MAX_EVENTS = 10_000;

  private final ArrayDeque<FinOpsRecord.CapEvent> events = new ArrayDeque<>();
  private boolean dropped;

  void add(FinOpsRecord.CapEvent e) {
    events.addLast(e);
    if (events.size() > MAX_EVENTS) {
      events.removeFirst();
      dropped = true;
    }
  }

  List<FinOpsRecord.CapEvent> events() {
    return List.copyOf(events);
  }

  boolean olderDropped() {
    return dropped;
  }
}
