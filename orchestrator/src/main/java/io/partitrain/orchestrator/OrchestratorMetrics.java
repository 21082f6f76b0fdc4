package io.partitrain.orchestrator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.partitrain.orchestrator.tracking.Tracker;
import io.partitrain.shared.contracts.PartitionState;
import java.util.function.Supplier;

/** The orchestrator's meters, named in the Prometheus style. */
final class OrchestratorMetrics {

  private final Counter rounds;
  private final Counter recordsIn;
  private final Counter recordsOut;
  private final Counter deadLetters;

  OrchestratorMetrics(MeterRegistry registry, Supplier<Tracker> tracker) {
    rounds = registry.counter("partitrain_orchestrator_transactions_total");
    recordsIn = registry.counter("partitrain_orchestrator_records_consumed_total");
    recordsOut = registry.counter("partitrain_orchestrator_records_produced_total");
    deadLetters = registry.counter("partitrain_orchestrator_dead_letters_total");
    for (PartitionState state : PartitionState.values()) {
      Gauge.builder("partitrain_partitions", () -> count(tracker.get(), state))
          .tag("state", state.name())
          .description("partitions of all known runs per state")
          .register(registry);
    }
    Gauge.builder(
            "partitrain_runs_active",
            () -> {
              Tracker t = tracker.get();
              return t == null ? 0 : t.runs().stream().filter(r -> !r.isComplete()).count();
            })
        .register(registry);
  }

  private static double count(Tracker t, PartitionState state) {
    if (t == null) {
      return 0;
    }
    return t.runs().stream()
        .mapToLong(r -> r.partitions().stream().filter(p -> p.state() == state).count())
        .sum();
  }

  void round(int in, int out) {
    rounds.increment();
    recordsIn.increment(in);
    recordsOut.increment(out);
  }

  void deadLettered() {
    deadLetters.increment();
  }
}
