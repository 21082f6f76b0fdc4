package io.partitrain.orchestrator.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 23, item 8: the refusal of a canceled run's rerun says how to run its partitions again. */
class RerunOfCanceledRunTest {

  @Test
  void aRerunOfACanceledRunIsRefusedNamingWhoCanceledAndTheWayOn() {
    TrackerHarness h = new TrackerHarness();
    h.start("r", TrackerCapsTest.definition("gpu", 1, 10, null, TrackerHarness.retry(1)), 3);
    h.tick();
    h.command(
        new RunCommand.CancelRun(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            "r",
            "olga",
            "wrong week",
            h.clock.instant()));
    h.command(
        new RunCommand.RerunFailed(
            Schema.VERSION, UUID.randomUUID().toString(), "r", "olga", "again", h.clock.instant()));
    assertThat(h.answers.get(h.answers.size() - 1))
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class,
            r ->
                assertThat(r.reason())
                    .contains("run r was canceled by olga and stays canceled")
                    .contains("start a new run of plan plan with another run id")
                    .contains("partitrain run start --plan PLAN --run-id NEW_ID"));
  }
}
