package io.partitrain.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.partitrain.shared.contracts.JobStatusEvent;

/** The worker's meters, named in the Prometheus style. */
final class WorkerMetrics {

  private final MeterRegistry registry;
  private final String backend;

  WorkerMetrics(MeterRegistry registry, String backend) {
    this.registry = registry;
    this.backend = backend;
  }

  void submitted(String outcome) {
    registry
        .counter("partitrain_worker_submissions_total", "backend", backend, "outcome", outcome)
        .increment();
  }

  void deadLettered() {
    registry.counter("partitrain_worker_dead_letters_total").increment();
  }

  void commitRefused() {
    registry.counter("partitrain_worker_commits_refused_total").increment();
  }

  void paused(boolean paused) {
    registry
        .counter(
            "partitrain_worker_consumption_pauses_total", "action", paused ? "pause" : "resume")
        .increment();
  }

  /** One record on the status topic carrying {@code events} statuses and heartbeats. */
  void statusRecordSent(int events) {
    registry.counter("partitrain_worker_status_records_total").increment();
    registry.summary("partitrain_worker_statuses_per_record").record(events);
  }

  /**
   * One batch of work items handled: how many, and how long from its first item to its commit
   * (submits, the status record's acknowledgement, the offset commit): the worker's pipeline.
   */
  void batchHandled(int items, long nanos) {
    registry.summary("partitrain_worker_batch_items").record(items);
    registry
        .timer("partitrain_worker_batch_seconds")
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** A batch of work items cut after its time budget; the rest was read again. */
  void batchCut() {
    registry.counter("partitrain_worker_batches_cut_total").increment();
  }

  void statusSent(JobStatusEvent e) {
    registry
        .counter(
            "partitrain_worker_status_events_total",
            "kind",
            e.kind().name(),
            "phase",
            e.phase() == null ? "none" : e.phase().name())
        .increment();
  }
}
