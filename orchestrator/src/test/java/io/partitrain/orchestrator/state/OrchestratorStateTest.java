package io.partitrain.orchestrator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OrchestratorStateTest {

  private static final Instant NOW = Instant.parse("2026-11-23T05:00:00Z");

  /** An event type the fold was never taught: {@code Answer} is open, so one can be made here. */
  private record Unknown(int schemaVersion, String runId, String commandId, Instant at)
      implements RunEvent.Answer {}

  @Test
  void anEventTypeWithoutARuleIsAnErrorNamingTheType() {
    OrchestratorState state = new OrchestratorState();
    assertThatThrownBy(() -> state.apply(new Unknown(Schema.VERSION, "r1", "c1", NOW)))
        .isInstanceOf(PartitrainException.class)
        .hasMessageContaining("Unknown")
        .hasMessageContaining("run r1");
  }

  @Test
  void eventsOfARunItDoesNotKnowChangeNothing() {
    OrchestratorState state = new OrchestratorState();
    state.apply(new RunEvent.CancelAccepted(Schema.VERSION, "gone", "c1", "ops", "why", NOW));
    assertThat(state.runs()).isEmpty();
  }
}
