package io.partitrain.orchestrator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.partitrain.orchestrator.tracking.Outbox;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters of the caps, in the Prometheus style (see docs/metrics.md): cap events, submissions,
 * retries and admission latency, fed from what a committed round wrote, so they count decisions,
 * not polls. The caps' gauges (nodes, money) are {@link
 * io.partitrain.orchestrator.metrics.LoopGauges}.
 */
final class CapMetrics {

  private final MeterRegistry registry;
  private final Counter submissions;
  private final Counter retries;
  private final Timer admissionLatency;

  /** When each partition's next attempt became eligible (scheduled, or its retry due). */
  private final Map<String, Instant> eligibleSince = new HashMap<>();

  CapMetrics(MeterRegistry registry) {
    this.registry = registry;
    submissions =
        Counter.builder("partitrain_submissions_total")
            .description("attempts released to workers (work items of kind SUBMIT)")
            .register(registry);
    retries =
        Counter.builder("partitrain_retries_total")
            .description("automatic retries and operator reruns scheduled")
            .register(registry);
    admissionLatency =
        Timer.builder("partitrain_admission_latency_seconds")
            .description(
                "from a partition becoming eligible (scheduled, retry due) to its admission; deferral and "
                    + "cap waits included")
            .publishPercentileHistogram()
            .register(registry);
  }

  /** Counts what one committed transaction wrote, from the objects decided (never re-parsed). */
  void committed(List<Outbox.Entry> written) {
    for (Outbox.Entry e : written) {
      if (e.value() instanceof FinOpsRecord.CapEvent f) {
        registry
            .counter("partitrain_cap_events_total", "type", f.getClass().getSimpleName())
            .increment();
      } else if (e.value() instanceof RunEvent r) {
        RunEvent.unbatched(r).forEach(this::onRunEvent);
      }
    }
  }

  private void onRunEvent(RunEvent e) {
    if (e instanceof RunEvent.PartitionTransitioned p) {
      String key = p.runId() + "/" + p.partitionId();
      if (p.from() == null) {
        eligibleSince.put(key, p.at());
      } else if (p.to() == PartitionState.ADMITTED) {
        submissions.increment();
        Instant since = eligibleSince.remove(key);
        if (since != null) {
          admissionLatency.record(
              Duration.between(since, p.at()).isNegative()
                  ? Duration.ZERO
                  : Duration.between(since, p.at()));
        }
      }
    } else if (e instanceof RunEvent.RetryScheduled r) {
      retries.increment();
      eligibleSince.put(r.runId() + "/" + r.partitionId(), r.notBefore());
    }
  }
}
