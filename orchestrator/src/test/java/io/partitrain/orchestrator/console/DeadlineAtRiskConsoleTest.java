package io.partitrain.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.console.view.CapEventView;
import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The console's cap-event timeline (and so the run evidence) shows a {@code DeadlineAtRisk}. */
class DeadlineAtRiskConsoleTest {

  @Test
  void theWarningJoinsTheRunsCapEvents() {
    RunsFold fold = new RunsFold();
    fold.apply(ConsoleEvents.runStarted("wd-1", 3, new BigDecimal("10")));
    // From the FinOps topic: the fold's cap-event timeline, not the run's deadline warning.
    FinOpsRecord fromFinOps =
        new RunEvent.DeadlineAtRisk(
            Schema.VERSION,
            "wd-1",
            ConsoleEvents.T0.plusSeconds(3600),
            ConsoleEvents.T0.plusSeconds(7200),
            3,
            "cpu",
            1,
            3,
            "3 partitions not finished are expected to end 1h 0m after the deadline",
            ConsoleEvents.T0);
    fold.apply(fromFinOps);
    assertThat(fold.snapshot(Instant.now()).run("wd-1").orElseThrow().capEvents())
        .extracting(CapEventView::type, CapEventView::summary)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "DeadlineAtRisk",
                "3 partitions not finished are expected to end 1h 0m after the deadline"));
  }
}
