package io.partitrain.orchestrator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.partitrain.orchestrator.metrics.LoopGauges;
import io.partitrain.orchestrator.metrics.LoopSnapshot;
import io.partitrain.orchestrator.tracking.Tracker;
import java.util.function.Supplier;

/**
 * The orchestrator's meters, named in the Prometheus style. Counters count committed rounds; the
 * gauges ({@link LoopGauges}) read a snapshot this class publishes from the loop's thread after
 * each commit, never the tracker itself.
 */
final class OrchestratorMetrics {

  private final Counter rounds;
  private final Counter recordsIn;
  private final Counter recordsOut;
  private final Counter deadLetters;
  private final Timer commits;
  private final Supplier<Tracker> tracker;
  private final LoopGauges gauges;

  OrchestratorMetrics(MeterRegistry registry, Supplier<Tracker> tracker) {
    this.tracker = tracker;
    rounds = registry.counter("partitrain_orchestrator_transactions_total");
    recordsIn = registry.counter("partitrain_orchestrator_records_consumed_total");
    recordsOut = registry.counter("partitrain_orchestrator_records_produced_total");
    deadLetters = registry.counter("partitrain_orchestrator_dead_letters_total");
    commits =
        Timer.builder("partitrain_orchestrator_transaction_seconds")
            .description("from beginTransaction to the end of commitTransaction, per transaction")
            .register(registry);
    gauges = new LoopGauges(registry);
  }

  /** How long one transaction took to write and commit (on the committer's thread). */
  void committedIn(long nanos) {
    commits.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** After a committed round, on the loop's thread. */
  void round(int in, int out) {
    rounds.increment();
    recordsIn.increment(in);
    recordsOut.increment(out);
    publish();
  }

  /** Copies the tracker's state for the gauges; on the loop's thread only. */
  void publish() {
    Tracker t = tracker.get();
    gauges.publish(t == null ? LoopSnapshot.EMPTY : LoopSnapshot.of(t));
  }

  /** This term's loop stopped: its gauges fall to zero (a standby reports no partitions). */
  void ended() {
    gauges.publish(LoopSnapshot.EMPTY);
  }

  void deadLettered() {
    deadLetters.increment();
  }
}
