package io.partitrain.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.partitrain.orchestrator.Orchestrator;
import io.partitrain.orchestrator.OrchestratorConfig;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.auth.Authenticator;
import io.partitrain.orchestrator.metrics.LoopGauges;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.worker.Worker;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.Workers;
import io.partitrain.worker.backend.JobBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one process: an orchestrator and N workers against one Kafka (embedded or
 * external). It is what {@code partitrain demo} and {@code partitrain up} run, and what the
 * integration tests start. In production these are separate processes; here they share nothing but
 * the broker, exactly as they would there.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaSettings kafka;
  private final Clock clock;
  private final PrometheusMeterRegistry registry;
  private final OrchestratorConfig orchestratorConfig;
  private NodeCapConfig nodeCaps = NodeCapConfig.unlimited();
  private final List<Worker> workers = new ArrayList<>();
  private final List<JobBackend> backends = new ArrayList<>();
  private Orchestrator orchestrator;
  private Thread orchestratorThread;
  private Console console;
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();

  private LocalStack(
      KafkaSettings kafka,
      Clock clock,
      PrometheusMeterRegistry registry,
      OrchestratorConfig config) {
    this.kafka = kafka;
    this.clock = clock;
    this.registry = registry;
    this.orchestratorConfig = config;
  }

  /**
   * Creates the topics, starts the orchestrator and waits until it is ready, then starts {@code
   * workerCount} workers, each with the backend {@code backends} gives for its id. Workers take
   * their timings from {@code workerTemplate}; ids and group follow the topic prefix.
   */
  public static LocalStack start(
      KafkaSettings kafka,
      int workerCount,
      Function<String, JobBackend> backends,
      WorkerConfig workerTemplate,
      Clock clock) {
    return start(kafka, workerCount, backends, workerTemplate, clock, NodeCapConfig.unlimited());
  }

  /**
   * As {@link #start(KafkaSettings, int, Function, WorkerConfig, Clock)}, under these node caps.
   */
  public static LocalStack start(
      KafkaSettings kafka,
      int workerCount,
      Function<String, JobBackend> backends,
      WorkerConfig workerTemplate,
      Clock clock,
      NodeCapConfig nodeCaps) {
    return start(
        kafka,
        workerCount,
        backends,
        workerTemplate,
        clock,
        nodeCaps,
        OrchestratorConfig.forInstallation("orchestrator-1", kafka.topics().prefix()));
  }

  /**
   * As {@link #start(KafkaSettings, int, Function, WorkerConfig, Clock, NodeCapConfig)}, with this
   * orchestrator.
   */
  public static LocalStack start(
      KafkaSettings kafka,
      int workerCount,
      Function<String, JobBackend> backends,
      WorkerConfig workerTemplate,
      Clock clock,
      NodeCapConfig nodeCaps,
      OrchestratorConfig orchestrator) {
    TopicAdmin.ensureTopics(kafka, (short) 1);
    LocalStack stack =
        new LocalStack(
            kafka, clock, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), orchestrator);
    stack.nodeCaps = nodeCaps;
    try {
      stack.startOrchestrator();
      stack.startWorkers(workerCount, backends, workerTemplate);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /**
   * Workers only, for an orchestrator that runs elsewhere (its own process, as the bench's
   * million-partition run measures it under its own heap); {@link #startOrchestrator} is not
   * called.
   */
  public static LocalStack workersOnly(
      KafkaSettings kafka,
      int workerCount,
      Function<String, JobBackend> backends,
      WorkerConfig workerTemplate,
      Clock clock) {
    TopicAdmin.ensureTopics(kafka, (short) 1);
    LocalStack stack =
        new LocalStack(
            kafka,
            clock,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            OrchestratorConfig.forInstallation("orchestrator-1", kafka.topics().prefix()));
    try {
      stack.startWorkers(workerCount, backends, workerTemplate);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startWorkers(
      int workerCount, Function<String, JobBackend> backendOf, WorkerConfig workerTemplate) {
    for (int i = 1; i <= workerCount; i++) {
      String id = "worker-" + i;
      JobBackend backend = backendOf.apply(id);
      backends.add(backend);
      WorkerConfig config =
          new WorkerConfig(
              id,
              kafka.topics().prefix() + "-workers",
              workerTemplate.pollInterval(),
              workerTemplate.heartbeatInterval());
      workers.add(
          Workers.start(kafka, config, backend, clock, registry, Map.of(), failure::complete));
    }
  }

  public KafkaSettings kafka() {
    return kafka;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Starts the console (API, page, {@code /metrics}) of this stack's orchestrator; it stops with
   * the stack. The all-in-one installation shares the workers' disk, so it may show local job logs
   * under {@code jobsRoot}.
   */
  public synchronized Console startConsole(
      ConsoleConfig config, Authenticator authenticator, Optional<Path> jobsRoot) {
    if (console != null) {
      throw new IllegalStateException("the console is running already");
    }
    console =
        Console.start(
            kafka,
            orchestratorConfig.instanceId(),
            config,
            authenticator,
            new Console.Host(
                jobsRoot,
                () -> LoopGauges.scrape(registry::scrape),
                () -> orchestrator != null && !orchestrator.isStopped()),
            clock);
    return console;
  }

  /**
   * Completes with what ended a worker's loop when one ends on a failure (it is logged): such a
   * stack takes no more work on that worker, and whoever runs it should stop it.
   */
  public CompletableFuture<Throwable> failure() {
    return failure;
  }

  public List<Worker> workers() {
    return List.copyOf(workers);
  }

  /** The orchestrator running now; null while stopped. */
  public synchronized Orchestrator orchestrator() {
    return orchestrator;
  }

  /** Starts an orchestrator (again) and waits until it replayed its state. */
  public synchronized void startOrchestrator() {
    if (orchestrator != null) {
      throw new IllegalStateException("the orchestrator is running already");
    }
    orchestrator =
        Orchestrator.builder(orchestratorConfig, kafka)
            .clock(clock)
            .admission(Admission.concurrencyCap())
            .registry(registry)
            .nodeCaps(nodeCaps)
            .build();
    orchestratorThread = new Thread(orchestrator, "orchestrator");
    orchestratorThread.start();
    try {
      if (!orchestrator.awaitReady(Duration.ofSeconds(60))) {
        throw new PartitrainException("the orchestrator did not become ready within 60s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitrainException("interrupted while starting the orchestrator", e);
    }
  }

  /** Stops the orchestrator after its current transaction, as on SIGTERM. */
  public synchronized void stopOrchestrator() {
    if (orchestrator == null) {
      return;
    }
    orchestrator.close();
    try {
      orchestratorThread.join(STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    orchestrator = null;
    orchestratorThread = null;
  }

  @Override
  public void close() {
    for (Worker w : workers) {
      w.close();
    }
    for (Worker w : workers) {
      try {
        w.awaitStopped(STOP_TIMEOUT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stopOrchestrator();
    if (console != null) {
      console.close();
    }
    for (JobBackend b : backends) {
      try {
        b.close();
      } catch (RuntimeException e) {
        log.warn("closing backend {} failed: {}", b.name(), e.getMessage());
      }
    }
  }
}
