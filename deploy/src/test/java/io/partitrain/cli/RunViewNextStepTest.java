package io.partitrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.cli.client.RunHistory;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 23, item 8: a run held by its budget says what waits and the command that moves it. */
class RunViewNextStepTest {

  private static String shown(boolean complete, Map<PartitionState, Integer> byState) {
    return shown(complete, byState, 2, 2, 0, null);
  }

  private static String shown(
      boolean complete,
      Map<PartitionState, Integer> byState,
      int attempts,
      int jobsSubmitted,
      int retryPending,
      RunSummary.Budget budget) {
    int total = byState.values().stream().mapToInt(Integer::intValue).sum();
    RunSummary s =
        new RunSummary(
            "wd-1",
            "weekly-demand",
            complete,
            total,
            byState,
            attempts,
            jobsSubmitted,
            0,
            0,
            0,
            List.of(),
            Map.of(),
            Instant.EPOCH,
            null,
            retryPending,
            budget);
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
  void waitingOnBudgetSaysHowMuchTheDeferredPartitionsNeedAndTheCapThatRunsThemAll() {
    // cap 0.80 with 0.24 spent and 0.30 reserved leaves 0.26; the 10 deferred need 3.00 together:
    // a cap of 0.80 + (3.00 - 0.26) = 3.54 lets them all be reserved at their worst case.
    RunSummary.Budget budget =
        new RunSummary.Budget(
            new BigDecimal("0.80"),
            "EUR",
            new BigDecimal("0.24"),
            new BigDecimal("0.30"),
            new BigDecimal("3.000000"));
    String text =
        shown(
            false,
            Map.of(PartitionState.SUCCEEDED, 2, PartitionState.DEFERRED_BY_COST, 10),
            2,
            2,
            0,
            budget);
    assertThat(text)
        .contains(
            "NEXT: 10 partitions wait for budget: their next attempts reserve 3.00 EUR together,"
                + " the cap of 0.80 EUR leaves 0.26 (spent 0.24, reserved 0.30)")
        .contains("partitrain cap raise wd-1 --to 3.54 --reason TEXT")
        .doesNotContain("3.000000");
  }

  @Test
  void failuresWaitingForTheirRetryAndAttemptsNotYetSubmittedAreShownApart() {
    String text =
        shown(
            false,
            Map.of(
                PartitionState.SUCCEEDED, 6, PartitionState.FAILED, 4, PartitionState.RUNNING, 1),
            12,
            11,
            2,
            null);
    assertThat(text)
        .containsPattern("(?m)^  FAILED +2$")
        .containsPattern("(?m)^  RETRY_PENDING +2$")
        .contains(
            "attempts 12, jobs submitted 11 (1 not submitted yet or refused before submission)");
  }

  @Test
  void aDeferredPartitionsReasonIsTheBudgetNowAndTheRecordedOneStaysInTheJson() throws Exception {
    RunSummary.Budget budget =
        new RunSummary.Budget(
            new BigDecimal("0.80"),
            "EUR",
            new BigDecimal("0.24"),
            new BigDecimal("0.30"),
            new BigDecimal("0.30"));
    String recorded =
        "cost cap 0.50 EUR reached: spent 0.00, reserved 0.30, next attempt needs 0.30";
    RunHistory.PartitionLine deferred =
        RunHistory.PartitionLine.fromConsole(
            "wd-1",
            Json.mapper()
                .readTree(
                    "{\"partitionId\": \"store-7\", \"history\": ["
                        + "{\"to\": \"SCHEDULED\", \"attempt\": 0, \"at\": \"2026-12-07T10:00:00Z\"},"
                        + "{\"from\": \"SCHEDULED\", \"to\": \"DEFERRED_BY_COST\", \"attempt\": 0,"
                        + " \"reason\": \""
                        + recorded
                        + "\", \"at\": \"2026-12-07T10:00:01Z\"}]}"));
    StringWriter table = new StringWriter();
    RunView.printPartitions(
        List.of(deferred), budget, true, Instant.EPOCH, new PrintWriter(table, true));
    assertThat(table.toString())
        .contains("waits for budget: cap 0.80 EUR leaves 0.26 (spent 0.24, reserved 0.30)")
        .doesNotContain("cost cap 0.50");
    var json = RunView.partitionsJson(List.of(deferred), budget, Instant.EPOCH).get(0);
    assertThat(json.get("reason").asText()).startsWith("waits for budget: cap 0.80 EUR");
    assertThat(json.get("deferredBecause").asText()).startsWith("cost cap 0.50 EUR reached");
  }

  @Test
  void aRunThatIsNotWaitingHasNoSuchLine() {
    assertThat(shown(false, Map.of(PartitionState.RUNNING, 1, PartitionState.DEFERRED_BY_COST, 3)))
        .contains("ACTIVE")
        .doesNotContain("NEXT:");
  }
}
