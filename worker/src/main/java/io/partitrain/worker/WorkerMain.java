package io.partitrain.worker;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.kafka.KafkaClientConfig;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.shared.kafka.TopicReplication;
import io.partitrain.shared.runtime.FatalErrors;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.azureml.AzureMlBackend;
import io.partitrain.worker.backend.azureml.AzureMlConfig;
import io.partitrain.worker.backend.local.LocalBackendConfig;
import io.partitrain.worker.backend.local.LocalProcessBackend;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import io.partitrain.worker.http.WorkerHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The worker service: {@code java -jar partitrain-worker-VERSION-service.jar}. Configured by
 * environment variables: {@link ServiceSettings}, {@link WorkerConfig#settings()} and, for the
 * local backend, {@link LocalBackendConfig#settings()}; the README lists them all. Many replicas
 * share the work.
 */
public final class WorkerMain {

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    FatalErrors.install("worker");
    Env env = Env.system();
    var kafka = KafkaClientConfig.fromEnvironment(env);
    WorkerConfig config = WorkerConfig.fromEnvironment(env, kafka.topics().prefix());
    Duration session = WorkerConfig.SESSION_TIMEOUT.from(env);
    JobBackend backend = backend(env);
    TopicAdmin.ensureTopics(
        kafka,
        Optional.ofNullable(ServiceSettings.REPLICATION_FACTOR.from(env)).map(Integer::shortValue),
        ServiceSettings.RUNS_RETENTION.from(env));
    if (!ServiceSettings.SINGLE_BROKER.equals(ServiceSettings.KAFKA_MODE.from(env))) {
      // Refuse now, naming the topic, rather than stop every run at the first broker restart.
      TopicReplication.requireProduction(kafka);
    }
    String id = config.workerId();
    Map<String, Object> overrides = new HashMap<>();
    if (session != null) {
      overrides.put("session.timeout.ms", (int) session.toMillis());
      overrides.put("heartbeat.interval.ms", (int) Math.max(100, session.toMillis() / 5));
    }
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Worker worker =
        Workers.start(
            kafka,
            config,
            backend,
            Clock.systemUTC(),
            registry,
            overrides,
            failure -> {
              // Its loop died (the cause is logged): exit non-zero so the supervisor starts a
              // fresh worker; the shutdown hook still closes the backend and the HTTP server.
              System.err.println(
                  "worker " + config.workerId() + " stopped on a failure: " + failure);
              System.exit(1);
            });
    WorkerHttpServer http = startHttp(env, registry, worker);
    // SIGTERM: stop taking work, finish the submission in progress, commit, and leave running jobs
    // to the backend; the tracker offers them for adoption once their heartbeats stop.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  long start = System.nanoTime();
                  worker.close();
                  try {
                    worker.awaitStopped(Duration.ofSeconds(30));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  backend.close();
                  if (http != null) {
                    http.close();
                  }
                  System.err.println(
                      "worker "
                          + id
                          + " shut down in "
                          + (System.nanoTime() - start) / 1_000_000
                          + " ms");
                },
                "worker-shutdown"));
    worker.awaitStopped(Duration.ofDays(3650));
  }

  /**
   * {@code /metrics}, {@code /healthz}, {@code /readyz} when {@code PARTITRAIN_WORKER_HTTP_PORT} is
   * set.
   */
  private static WorkerHttpServer startHttp(
      Env env, PrometheusMeterRegistry registry, Worker worker) {
    Integer port = WorkerHttpServer.PORT.from(env);
    if (port == null) {
      return null;
    }
    // Local jobs' logs are served when the workers share a log token with the console.
    String logToken = ServiceSettings.WORKER_LOG_TOKEN.from(env);
    boolean local = "local".equals(WorkerConfig.BACKEND.from(env));
    String url = WorkerHttpServer.URL.from(env);
    if (local && logToken != null && url != null) {
      worker.advertiseLogs(url);
    }
    return WorkerHttpServer.start(
        WorkerHttpServer.HOST.from(env),
        port,
        registry::scrape,
        () -> {
          try {
            return !worker.awaitStopped(Duration.ZERO);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        },
        local ? LocalBackendConfig.fromEnvironment(env).jobsRoot() : null,
        local ? logToken : null);
  }

  static JobBackend backend(Env env) {
    String name = WorkerConfig.BACKEND.from(env);
    return switch (name) {
      case "local" ->
          new LocalProcessBackend(LocalBackendConfig.fromEnvironment(env), Clock.systemUTC());
      case "simulated" -> {
        Duration d = WorkerConfig.SIMULATED_DURATION.from(env);
        yield new SimulatedBackend(
            Clock.systemUTC(),
            d == null
                ? SimulationProfile.fast(0)
                : new SimulationProfile(Duration.ofMillis(10), d, d, 0, 0, 0));
      }
      case "azureml" -> AzureMlBackend.builder(azureMlConfig(env)).build();
      default -> throw new IllegalStateException("unreachable: " + name);
    };
  }

  private static AzureMlConfig azureMlConfig(Env env) {
    String configured = WorkerConfig.AZUREML_CONFIG.from(env);
    if (configured == null) {
      throw new PartitrainException(
          WorkerConfig.AZUREML_CONFIG.key()
              + " is not set; the azureml backend needs a properties file with the azureml.* keys");
    }
    Path file = Path.of(configured);
    Properties props = new Properties();
    try (var in = Files.newBufferedReader(file)) {
      props.load(in);
    } catch (IOException e) {
      throw new PartitrainException(
          WorkerConfig.AZUREML_CONFIG.key()
              + "='"
              + file
              + "' must be a readable properties file: "
              + e.getMessage());
    }
    Map<String, String> map = new HashMap<>();
    props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
    return AzureMlConfig.fromProperties(map);
  }
}
