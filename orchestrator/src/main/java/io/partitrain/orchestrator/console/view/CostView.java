package io.partitrain.orchestrator.console.view;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A run's money: what its finished attempts cost, what its attempts in flight hold, and its cap
 * (null when the run has prices but no cap), with every change as a point in time for the chart.
 */
public record CostView(
    String currency, BigDecimal cap, BigDecimal spent, BigDecimal reserved, List<Point> timeline) {

  public CostView {
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
  }

  /** Spent, reserved and cap right after a change. */
  public record Point(Instant at, BigDecimal spent, BigDecimal reserved, BigDecimal cap) {}
}
