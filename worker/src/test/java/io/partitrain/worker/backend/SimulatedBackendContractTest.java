package io.partitrain.worker.backend;

import io.partitrain.shared.testing.MutableClock;
import io.partitrain.shared.testing.WorkItemBuilder;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

class SimulatedBackendContractTest extends JobBackendContract {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T05:00:00Z"));
  private SimulatedBackend simulated;

  @Override
  protected JobBackend createBackend() {
    simulated =
        new SimulatedBackend(
            clock,
            new SimulationProfile(
                Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(2), 0, 0, 1));
    return simulated;
  }

  private static JobRequest request(JobRef ref) {
    // Jobs of this profile run 1-2 minutes; a 10-minute limit lets them end on their own.
    return new JobRequest(
        ref, WorkItemBuilder.aWorkItem().timeout(Duration.ofMinutes(10)).spec(), Map.of());
  }

  @org.junit.jupiter.api.Test
  void aJobLongerThanItsTimeoutIsKilledAtItAsATimeoutAndBilledNoLonger() {
    createBackend();
    JobRef ref = new JobRef("r", "p-timeout", 1, "r-p-timeout-a1");
    simulated.submit(
        new JobRequest(
            ref, WorkItemBuilder.aWorkItem().timeout(Duration.ofSeconds(20)).spec(), Map.of()));
    clock.advance(Duration.ofMinutes(3));
    var end = simulated.observe(ref).orElseThrow();
    org.assertj.core.api.Assertions.assertThat(end.phase())
        .isEqualTo(io.partitrain.shared.contracts.JobPhase.FAILED);
    org.assertj.core.api.Assertions.assertThat(end.failureClass())
        .isEqualTo(io.partitrain.shared.contracts.FailureClass.TIMEOUT);
    org.assertj.core.api.Assertions.assertThat(Duration.between(end.startedAt(), end.finishedAt()))
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Override
  protected JobRequest succeeding(JobRef ref) {
    return request(ref);
  }

  @Override
  protected JobRequest failing(JobRef ref) {
    simulated.breakPartitions(Set.of(ref.partitionId()));
    return request(ref);
  }

  @Override
  protected JobRequest longRunning(JobRef ref) {
    return request(ref);
  }

  @Override
  protected void letTimePass() {
    clock.advance(Duration.ofSeconds(30));
  }
}
