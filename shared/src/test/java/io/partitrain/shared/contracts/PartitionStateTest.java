package io.partitrain.shared.contracts;

import static io.partitrain.shared.contracts.PartitionState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartitionStateTest {

  @ParameterizedTest(name = "{0} -> {1} is legal")
  @CsvSource({
    "SCHEDULED,ADMITTED",
    "SCHEDULED,DEFERRED_BY_COST",
    "SCHEDULED,CANCELED",
    "DEFERRED_BY_COST,ADMITTED",
    "DEFERRED_BY_COST,SCHEDULED",
    "ADMITTED,SUBMITTED",
    "ADMITTED,FAILED",
    "SUBMITTED,QUEUED",
    "SUBMITTED,SUCCEEDED",
    "QUEUED,RUNNING",
    "RUNNING,SUCCEEDED",
    "RUNNING,FAILED",
    "RUNNING,CANCELED",
    "FAILED,ADMITTED",
    "FAILED,DEFERRED_BY_COST"
  })
  void legalMoves(PartitionState from, PartitionState to) {
    assertThat(from.canMoveTo(to)).isTrue();
    assertThat(from.moveTo(to)).isEqualTo(to);
  }

  @ParameterizedTest(name = "{0} -> {1} is illegal")
  @CsvSource({
    "SUCCEEDED,ADMITTED", "SUCCEEDED,FAILED", "CANCELED,ADMITTED", "RUNNING,QUEUED",
        "QUEUED,SUBMITTED",
    "SCHEDULED,RUNNING", "SCHEDULED,SUCCEEDED", "FAILED,RUNNING", "DEFERRED_BY_COST,RUNNING",
        "RUNNING,RUNNING"
  })
  void illegalMovesThrowNamingBothStates(PartitionState from, PartitionState to) {
    assertThat(from.canMoveTo(to)).isFalse();
    assertThatThrownBy(() -> from.moveTo(to))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining(from.name())
        .hasMessageContaining(to.name());
  }

  @Test
  void succeededIsFinalSoRetriesAndRerunsCanNeverTouchIt() {
    for (PartitionState to : PartitionState.values()) {
      assertThat(SUCCEEDED.canMoveTo(to)).as("SUCCEEDED -> %s", to).isFalse();
    }
  }

  @Test
  void onlyAdmittedThroughRunningAreInFlight() {
    Set<PartitionState> inFlight = EnumSet.noneOf(PartitionState.class);
    for (PartitionState s : PartitionState.values()) {
      if (s.isInFlight()) {
        inFlight.add(s);
      }
    }
    assertThat(inFlight).containsExactlyInAnyOrder(ADMITTED, SUBMITTED, QUEUED, RUNNING);
  }
}
