package io.partitrain.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RerunEvidenceTest {

  private static final Instant AT = Instant.parse("2026-11-23T05:00:00Z");

  private static RunEvent move(String p, PartitionState from, PartitionState to, int attempt) {
    return RunEvent.PartitionTransitioned.move("r", p, to, AT)
        .from(from)
        .attempt(attempt)
        .failureClass(to == PartitionState.FAILED ? FailureClass.USER : null)
        .build();
  }

  private static RunEvent rerun(String commandId) {
    return new RunEvent.RerunAccepted(Schema.VERSION, "r", commandId, "op", null, List.of("b"), AT);
  }

  @Test
  void onlyPartitionsThatHadFailedCountAsRanAgain() {
    var events =
        List.of(
            move("a", PartitionState.RUNNING, PartitionState.SUCCEEDED, 1),
            move("b", PartitionState.RUNNING, PartitionState.FAILED, 1),
            move("c", PartitionState.SCHEDULED, PartitionState.DEFERRED_BY_COST, 0),
            rerun("c1"),
            move("b", PartitionState.FAILED, PartitionState.ADMITTED, 2),
            move("c", PartitionState.DEFERRED_BY_COST, PartitionState.ADMITTED, 1));
    RerunEvidence e = RerunEvidence.of(events, "c1");
    assertThat(e.ranAgain()).containsExactly("b");
    assertThat(e.onlyFailedRanAgain()).isTrue();
  }

  @Test
  void aSucceededPartitionTouchedAfterTheRerunIsReported() {
    var events =
        List.of(
            move("a", PartitionState.RUNNING, PartitionState.SUCCEEDED, 1),
            rerun("other"),
            rerun("c1"),
            move("a", PartitionState.SUCCEEDED, PartitionState.ADMITTED, 2));
    RerunEvidence e = RerunEvidence.of(events, "c1");
    assertThat(e.touchedAfterSuccess()).containsExactly("a");
    assertThat(e.onlyFailedRanAgain()).isFalse();
  }
}
