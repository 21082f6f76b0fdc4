package io.partitrain.orchestrator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.partitrain.shared.contracts.PartitionState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The orchestrator's gauges, reading only the last {@link LoopSnapshot} the loop published.
 *
 * <p>One instance per leadership term: creating it removes the gauges of an earlier term from the
 * registry (Micrometer would otherwise keep the first registration, bound to a dead loop) and
 * registers its own. Gauges of a run are removed once the run has ended, so a long-lived
 * installation does not export every run it ever saw.
 */
public final class LoopGauges {

  public static final String PARTITIONS = "partitrain_partitions";
  public static final String RUNS_ACTIVE = "partitrain_runs_active";
  public static final String NODES_IN_FLIGHT = "partitrain_compute_nodes_in_flight";
  public static final String NODE_CAP = "partitrain_compute_node_cap";
  public static final String RUN_SPENT = "partitrain_run_cost_spent";
  public static final String RUN_RESERVED = "partitrain_run_cost_reserved";
  public static final String RUN_CAP = "partitrain_run_cost_cap";
  public static final String SUBMIT_WINDOW = "partitrain_submit_window";

  private static final List<String> ALL =
      List.of(
          PARTITIONS,
          RUNS_ACTIVE,
          NODES_IN_FLIGHT,
          NODE_CAP,
          RUN_SPENT,
          RUN_RESERVED,
          RUN_CAP,
          SUBMIT_WINDOW);

  /**
   * Publishing and scraping exclude each other. Each gauge reads the snapshot when it is scraped,
   * so a publish in the middle of a scrape mixed two snapshots: a partition that moved between them
   * was counted in both states (ConsoleIT saw 13 of 12 partitions once).
   */
  private static final ReadWriteLock SCRAPES = new ReentrantReadWriteLock();

  private final MeterRegistry registry;
  private volatile LoopSnapshot snapshot = LoopSnapshot.EMPTY;
  private final Set<String> targets = new HashSet<>();
  private final Map<String, List<Meter>> runMeters = new HashMap<>();

  /** Binds the gauges to this term: earlier terms' gauges are removed first. */
  public LoopGauges(MeterRegistry registry) {
    this.registry = registry;
    for (String name : ALL) {
      List.copyOf(registry.find(name).meters()).forEach(registry::remove);
    }
    for (PartitionState state : PartitionState.values()) {
      Gauge.builder(PARTITIONS, () -> snapshot.partitions().getOrDefault(state, 0L))
          .tag("state", state.name())
          .description("partitions of all known runs per state")
          .register(registry);
    }
    Gauge.builder(RUNS_ACTIVE, () -> snapshot.runsActive())
        .description("runs not complete")
        .register(registry);
    Gauge.builder(SUBMIT_WINDOW, () -> snapshot.submitWindow())
        .description(
            "how many SUBMITs may wait for a worker now (back-pressure); the ADMITTED partitions"
                + " are those waiting")
        .register(registry);
  }

  /** The last published snapshot. */
  public LoopSnapshot current() {
    return snapshot;
  }

  /**
   * A scrape of the registry (for example {@code registry::scrape}) that sees one published
   * snapshot in all of the loop's gauges: no publish happens while it runs.
   */
  public static String scrape(Supplier<String> scraper) {
    SCRAPES.readLock().lock();
    try {
      return scraper.get();
    } finally {
      SCRAPES.readLock().unlock();
    }
  }

  /** Publishes a new snapshot; registers gauges of new targets and runs, removes ended runs'. */
  public void publish(LoopSnapshot next) {
    SCRAPES.writeLock().lock();
    try {
      publishUnderLock(next);
    } finally {
      SCRAPES.writeLock().unlock();
    }
  }

  private void publishUnderLock(LoopSnapshot next) {
    snapshot = next;
    for (String target : next.nodesInFlight().keySet()) {
      if (targets.add(target)) {
        Gauge.builder(NODES_IN_FLIGHT, () -> snapshot.nodesInFlight().getOrDefault(target, 0))
            .tag("target", target)
            .description("nodes held by jobs in flight on a compute target, all runs")
            .register(registry);
        Gauge.builder(
                NODE_CAP, () -> snapshot.nodeCaps().getOrDefault(target, Double.POSITIVE_INFINITY))
            .tag("target", target)
            .description("node cap of a compute target (+Inf: none)")
            .register(registry);
      }
    }
    for (String runId : next.money().keySet()) {
      runMeters.computeIfAbsent(
          runId,
          id ->
              List.of(
                  money(
                      RUN_SPENT, id, "actual cost of the run's finished attempts", m -> m.spent()),
                  money(
                      RUN_RESERVED,
                      id,
                      "worst case held for the run's attempts in flight",
                      m -> m.reserved()),
                  money(RUN_CAP, id, "the run's cost cap", m -> m.cap())));
    }
    runMeters
        .entrySet()
        .removeIf(
            e -> {
              if (next.money().containsKey(e.getKey())) {
                return false;
              }
              e.getValue().forEach(registry::remove);
              return true;
            });
  }

  private Meter money(
      String name, String runId, String description, ToDoubleFunction<LoopSnapshot.RunMoney> f) {
    return Gauge.builder(
            name,
            () -> {
              LoopSnapshot.RunMoney m = snapshot.money().get(runId);
              return m == null ? Double.NaN : f.applyAsDouble(m);
            })
        .tag("run", runId)
        .description(description + ", in the run's currency")
        .register(registry);
  }
}
