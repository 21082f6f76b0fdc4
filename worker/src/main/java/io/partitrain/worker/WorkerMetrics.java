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
