package io.partitrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.cli.client.RunHistory;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 23, item 8: a run held by its budget says what waits and the command that moves it. */
class RunViewNextStepTest {

  private static String shown(boolean complete, Map<PartitionState, Integer> byState) {
    int total = byState.values().stream().mapToInt(Integer::intValue).sum();
    RunSummary s =
        new RunSummary(
            "wd-1",
            "weekly-demand",
            complete,
            total,
            byState,
            2,
            2,
            0,
            0,
            0,
            List.of(),
            Map.of(),
            Instant.EPOCH,
            null);
    StringWriter out = new StringWriter();
    RunView.print(
        RunHistory.of(s, Instant.EPOCH, null, List.of(), null),
        Instant.EPOCH,
        new PrintWriter(out, true));
    return out.toString();
  }

  @Test
  void waitingOnBudgetNamesTheDeferredCountAndTheCapRaiseCommand() {
    String text =
        shown(false, Map.of(PartitionState.SUCCEEDED, 2, PartitionState.DEFERRED_BY_COST, 10));
    assertThat(text)
        .contains("WAITING_ON_BUDGET")
        .contains("NEXT: 10 partitions wait for budget")
        .contains("partitrain cap raise wd-1 --to AMOUNT --reason TEXT");
  }

  @Test
  void aRunThatIsNotWaitingHasNoSuchLine() {
    assertThat(shown(false, Map.of(PartitionState.RUNNING, 1, PartitionState.DEFERRED_BY_COST, 3)))
        .contains("ACTIVE")
        .doesNotContain("NEXT:");
  }
}
