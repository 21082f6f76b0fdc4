package io.partitrain.orchestrator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.partitrain.shared.contracts.PartitionState;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /**
   * A scrape sees one snapshot: while the loop publishes snapshots in which 12 partitions move
   * between two states, every scrape counts 12 (before the lock, a publish in the middle of a
   * scrape counted a moved partition in both states).
   */
  @Test
  void aScrapeNeverMixesTwoSnapshots() throws Exception {
    var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LoopGauges gauges = new LoopGauges(prometheus);
    LoopSnapshot running = snapshot(12, Map.of());
    LoopSnapshot done =
        new LoopSnapshot(Map.of(PartitionState.SUCCEEDED, 17L), 0, Map.of(), Map.of(), Map.of(), 0);
    gauges.publish(running); // the first scrape must not come before the first publish
    AtomicBoolean stop = new AtomicBoolean();
    Thread loop =
        new Thread(
            () -> {
              for (int i = 0; !stop.get(); i++) {
                gauges.publish(i % 2 == 0 ? running : done);
              }
            });
    loop.start();
    try {
      for (int i = 0; i < 2_000; i++) {
        double sum = 0;
        for (String line : LoopGauges.scrape(prometheus::scrape).split("\n")) {
          if (line.startsWith(LoopGauges.PARTITIONS + "{")) {
            sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
        assertThat(sum).as("partitions over all states at scrape %d", i).isEqualTo(17);
      }
    } finally {
      stop.set(true);
      loop.join();
    }
  }
}
