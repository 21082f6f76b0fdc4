package io.partitrain.orchestrator;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleAuthConfig;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.api.read.WorkerLogs;
import io.partitrain.orchestrator.leadership.LeaderElector;
import io.partitrain.orchestrator.leadership.LeadershipConfig;
import io.partitrain.orchestrator.metrics.LoopGauges;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.kafka.KafkaClientConfig;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.shared.kafka.TopicReplication;
import io.partitrain.shared.kafka.TransactionProbe;
import io.partitrain.shared.runtime.FatalErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator service: {@code java -jar partitrain-orchestrator-VERSION-service.jar},
 * configured by environment variables: {@link ServiceSettings} (the Kafka cluster, topic prefix,
 * replication), {@link KafkaClientConfig} ({@code PARTITRAIN_KAFKA_CONFIG}, a Kafka client
 * properties file for TLS and SASL, and {@code PARTITRAIN_KAFKA_*} overrides), {@link
 * OrchestratorConfig#settings()} and {@link LeadershipConfig#settings()}; the README lists them
 * all.
 *
 * <p>Run several: one leads, the others stand by ({@link LeaderElector}). On SIGTERM the instance
 * finishes its current transaction, leaves the leader group and exits; a standby takes over at
 * once.
 */
public final class OrchestratorMain {

  private static final Logger log = LoggerFactory.getLogger(OrchestratorMain.class);

  private OrchestratorMain() {}

  public static void main(String[] args) throws InterruptedException {
    FatalErrors.install("orchestrator");
    Env env = Env.system();
    var kafka = KafkaClientConfig.fromEnvironment(env);
    OrchestratorConfig config = OrchestratorConfig.fromEnvironment(env, kafka.topics().prefix());
    LeadershipConfig leadership = LeadershipConfig.fromEnvironment(env);
    NodeCapConfig nodeCaps = OrchestratorConfig.nodeCapsFrom(env);
    StateConfig state = StateConfig.fromEnvironment(env);
    TopicAdmin.ensureTopics(
        kafka,
        Optional.ofNullable(ServiceSettings.REPLICATION_FACTOR.from(env)).map(Integer::shortValue),
        ServiceSettings.RUNS_RETENTION.from(env));
    if (!ServiceSettings.SINGLE_BROKER.equals(ServiceSettings.KAFKA_MODE.from(env))) {
      // Refuse now, naming the topic, rather than stop every run at the first broker restart.
      TopicReplication.requireProduction(kafka);
    }
    // Refuse to start, saying why, on a cluster without transactions (an Event Hubs tier below
    // Premium): every round commits in one.
    TransactionProbe.requireTransactions(kafka, TransactionProbe.DEFAULT_TIMEOUT);
    String id = config.instanceId();
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // The current term's loop, for /readyz: leading while it runs.
    AtomicReference<Orchestrator> term = new AtomicReference<>();
    LeaderElector elector =
        new LeaderElector(
            kafka,
            id,
            leadership,
            lease -> {
              Orchestrator o =
                  Orchestrator.builder(config, kafka)
                      .clock(Clock.systemUTC())
                      .admission(Admission.concurrencyCap())
                      .registry(registry)
                      .nodeCaps(nodeCaps)
                      .lease(lease)
                      .state(state)
                      .build();
              term.set(o);
              return o;
            });
    Thread loop = new Thread(elector, "orchestrator-elector");
    loop.start();
    Console console =
        startConsole(
            env,
            kafka,
            id,
            registry,
            () -> {
              Orchestrator o = term.get();
              return o != null && !o.isStopped();
            });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  long start = System.nanoTime();
                  elector.close();
                  if (console != null) {
                    console.close();
                  }
                  try {
                    elector.awaitStopped(Duration.ofSeconds(30));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  log.info(
                      "orchestrator {} shut down in {} ms",
                      id,
                      (System.nanoTime() - start) / 1_000_000);
                },
                "orchestrator-shutdown"));
    loop.join();
    if (elector.hasFailed()) {
      // Its terms kept failing: exit non-zero so the supervisor restarts it and someone is told.
      System.exit(1);
    }
  }

  /**
   * The console (API, page, {@code /metrics}, probes) when {@code PARTITRAIN_CONSOLE_PORT} is set;
   * its bearer tokens as {@link ConsoleAuthConfig} reads them.
   */
  private static Console startConsole(
      Env env,
      KafkaSettings kafka,
      String id,
      PrometheusMeterRegistry registry,
      BooleanSupplier leading) {
    ConsoleConfig config = ConsoleConfig.from(env).orElse(null);
    if (config == null) {
      log.info("console off: set {} to serve the API, page and /metrics", ConsoleConfig.PORT.key());
      return null;
    }
    Console console =
        Console.start(
            kafka,
            id,
            config,
            ConsoleAuthConfig.from(env).authenticator(),
            new Console.Host(
                Optional.empty(),
                () -> LoopGauges.scrape(registry::scrape),
                leading,
                WorkerLogs.withToken(ServiceSettings.WORKER_LOG_TOKEN.from(env))),
            Clock.systemUTC());
    log.info("console of {} listening on {}:{}", id, config.host(), console.port());
    return console;
  }
}
