package io.partitrain.orchestrator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.orchestrator.tracking.Tracker;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.serde.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Meters of the caps, in the Prometheus style (see docs/metrics.md): nodes in flight and node cap
 * per compute target, spent/reserved/cap per run, cap events, submissions, retries and admission
 * latency. Counters are fed from what a committed round wrote, so they count decisions, not polls.
 */
final class CapMetrics {

  private final MeterRegistry registry;
  private final Supplier<Tracker> tracker;
  private final Topics topics;
  private final Set<String> targets = new HashSet<>();
  private final Set<String> runs = new HashSet<>();
  private final Counter submissions;
  private final Counter retries;
  private final Timer admissionLatency;

  /** When each partition's next attempt became eligible (scheduled, or its retry due). */
  private final Map<String, Instant> eligibleSince = new HashMap<>();

  CapMetrics(MeterRegistry registry, Supplier<Tracker> tracker, Topics topics) {
    this.registry = registry;
    this.tracker = tracker;
    this.topics = topics;
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

  /** Counts what one committed round wrote and registers gauges for new targets and runs. */
  void committed(List<ProducerRecord<String, byte[]>> records) {
    for (ProducerRecord<String, byte[]> r : records) {
      if (r.topic().equals(topics.finops())) {
        FinOpsRecord f = Json.read(r.value(), FinOpsRecord.class);
        if (f instanceof FinOpsRecord.CapEvent) {
          registry
              .counter("partitrain_cap_events_total", "type", f.getClass().getSimpleName())
              .increment();
        }
      } else if (r.topic().equals(topics.runs())) {
        onRunEvent(Json.read(r.value(), RunEvent.class));
      }
    }
    Tracker t = tracker.get();
    if (t != null) {
      for (RunState run : t.runs()) {
        run.inFlightNodesByTarget().keySet().forEach(this::registerTarget);
        if (run.budget() != null && runs.add(run.runId())) {
          registerRun(run.runId());
        }
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
    } else if (e instanceof RunEvent.NodeCapChanged c) {
      registerTarget(c.computeTarget());
    }
  }

  private void registerTarget(String target) {
    if (!targets.add(target)) {
      return;
    }
    Gauge.builder(
            "partitrain_compute_nodes_in_flight",
            () -> {
              Tracker t = tracker.get();
              return t == null ? 0 : t.inFlightNodes(target);
            })
        .tag("target", target)
        .description("nodes held by jobs in flight on a compute target, all runs")
        .register(registry);
    Gauge.builder(
            "partitrain_compute_node_cap",
            () -> {
              Tracker t = tracker.get();
              int cap = t == null ? 0 : t.nodeCaps().capOf(target);
              return cap == Integer.MAX_VALUE ? Double.POSITIVE_INFINITY : cap;
            })
        .tag("target", target)
        .description("node cap of a compute target (+Inf: none)")
        .register(registry);
  }

  private void registerRun(String runId) {
    money(
        "partitrain_run_cost_spent",
        runId,
        "actual cost of the run's finished attempts",
        b -> b.spent());
    money(
        "partitrain_run_cost_reserved",
        runId,
        "worst case held for the run's attempts in flight",
        b -> b.reserved());
    money("partitrain_run_cost_cap", runId, "the run's cost cap", b -> b.cap());
  }

  private void money(
      String name,
      String runId,
      String description,
      java.util.function.Function<io.partitrain.orchestrator.state.RunBudget, java.math.BigDecimal>
          f) {
    Gauge.builder(
            name,
            () -> {
              Tracker t = tracker.get();
              var run = t == null ? null : t.run(runId).orElse(null);
              return run == null || run.budget() == null
                  ? Double.NaN
                  : f.apply(run.budget()).doubleValue();
            })
        .tag("run", runId)
        .description(description + ", in the run's currency")
        .register(registry);
  }
}
