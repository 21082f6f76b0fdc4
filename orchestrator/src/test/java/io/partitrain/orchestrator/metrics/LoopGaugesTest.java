package io.partitrain.orchestrator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.shared.contracts.PartitionState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopGaugesTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static LoopSnapshot snapshot(long running, Map<String, LoopSnapshot.RunMoney> money) {
    return new LoopSnapshot(
        Map.of(PartitionState.RUNNING, running, PartitionState.SUCCEEDED, 5L),
        money.size(),
        Map.of("cpu-cluster", (int) running),
        Map.of("cpu-cluster", 8.0),
        money,
        1_500);
  }

  private double gauge(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).gauge().value();
  }

  @Test
  void gaugesShowThePublishedSnapshotNotWhatTheLoopDoesMeanwhile() {
    LoopGauges gauges = new LoopGauges(registry);
    gauges.publish(snapshot(3, Map.of("r1", new LoopSnapshot.RunMoney(1.5, 0.5, 10))));

    assertThat(gauge(LoopGauges.PARTITIONS, "state", "RUNNING")).isEqualTo(3);
    assertThat(gauge(LoopGauges.PARTITIONS, "state", "FAILED")).isZero();
    assertThat(gauge(LoopGauges.NODES_IN_FLIGHT, "target", "cpu-cluster")).isEqualTo(3);
    assertThat(gauge(LoopGauges.NODE_CAP, "target", "cpu-cluster")).isEqualTo(8);
    assertThat(gauge(LoopGauges.RUN_SPENT, "run", "r1")).isEqualTo(1.5);
    assertThat(registry.get(LoopGauges.RUNS_ACTIVE).gauge().value()).isEqualTo(1);
    assertThat(registry.get(LoopGauges.SUBMIT_WINDOW).gauge().value()).isEqualTo(1_500);
  }

  @Test
  void aRunsGaugesGoWhenTheRunEnds() {
    LoopGauges gauges = new LoopGauges(registry);
    gauges.publish(snapshot(3, Map.of("r1", new LoopSnapshot.RunMoney(1.5, 0.5, 10))));
    gauges.publish(snapshot(0, Map.of()));

    assertThat(registry.find(LoopGauges.RUN_SPENT).gauges()).isEmpty();
    assertThat(registry.find(LoopGauges.RUN_CAP).gauges()).isEmpty();
    assertThat(gauge(LoopGauges.PARTITIONS, "state", "RUNNING")).isZero();
  }

  @Test
  void aNewTermRebindsTheGaugesInsteadOfKeepingTheFirstTermsLoop() {
    LoopGauges first = new LoopGauges(registry);
    first.publish(snapshot(7, Map.of()));
    LoopGauges second = new LoopGauges(registry);
    second.publish(snapshot(2, Map.of()));

    assertThat(registry.find(LoopGauges.PARTITIONS).tag("state", "RUNNING").gauges()).hasSize(1);
    assertThat(gauge(LoopGauges.PARTITIONS, "state", "RUNNING")).isEqualTo(2);
    // the old term publishing late changes nothing anyone can see
    first.publish(snapshot(99, Map.of()));
    assertThat(gauge(LoopGauges.PARTITIONS, "state", "RUNNING")).isEqualTo(2);
  }
}
