package io.partitrain.worker;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
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
import java.util.Properties;

/**
 * The worker service: {@code java -jar partitrain-worker-VERSION-service.jar}. Configured by
 * environment variables (the constants below); many replicas share the work.
 */
public final class WorkerMain {

  public static final String BACKEND = "PARTITRAIN_BACKEND";
  public static final String WORKER_ID = "PARTITRAIN_WORKER_ID";
  public static final String TOPIC_PREFIX = "PARTITRAIN_TOPIC_PREFIX";
  public static final String LOCAL_JOBS_DIR = "PARTITRAIN_LOCAL_JOBS_DIR";
  public static final String LOCAL_SLOTS = "PARTITRAIN_LOCAL_SLOTS";
  public static final String INJECTED_INFRA_FAILURE_RATE = "PARTITRAIN_INJECTED_INFRA_FAILURE_RATE";
  public static final String REPLICATION_FACTOR = "PARTITRAIN_REPLICATION_FACTOR";

  /** How often each unfinished job's heartbeat is sent (ISO-8601, default PT10S). */
  public static final String HEARTBEAT_INTERVAL = "PARTITRAIN_HEARTBEAT_INTERVAL";

  /** How often the watcher asks the backend for status (ISO-8601, default PT0.5S). */
  public static final String POLL_INTERVAL = "PARTITRAIN_POLL_INTERVAL";

  /**
   * The work consumer's session timeout (ISO-8601, default Kafka's 45 s): how long the partitions
   * of a killed worker wait before another worker gets them.
   */
  public static final String SESSION_TIMEOUT = "PARTITRAIN_WORKER_SESSION_TIMEOUT";

  /** For the simulated backend: how long each job runs (ISO-8601, default a few milliseconds). */
  public static final String SIMULATED_DURATION = "PARTITRAIN_SIMULATED_DURATION";

  /** A properties file with the {@code azureml.*} keys ({@link AzureMlConfig}). */
  public static final String AZUREML_CONFIG_FILE = "PARTITRAIN_AZUREML_CONFIG";

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    var kafka =
        new KafkaSettings(
            env.required(KafkaSettings.BOOTSTRAP_ENV, "the Kafka cluster (host:port,...)"),
            new Topics(env.string(TOPIC_PREFIX, Topics.DEFAULT_PREFIX)),
            Map.of());
    TopicAdmin.ensureTopics(kafka, (short) env.integer(REPLICATION_FACTOR, 1, 1, 5));
    String id = env.string(WORKER_ID, "worker-" + ProcessHandle.current().pid());
    JobBackend backend = backend(env);
    WorkerConfig config =
        WorkerConfig.forInstallation(id, kafka.topics().prefix())
            .withHeartbeatInterval(
                env.duration(HEARTBEAT_INTERVAL, WorkerConfig.DEFAULT_HEARTBEAT_INTERVAL))
            .withPollInterval(env.duration(POLL_INTERVAL, WorkerConfig.DEFAULT_POLL_INTERVAL));
    Map<String, Object> overrides = new HashMap<>();
    Duration session = env.duration(SESSION_TIMEOUT, null);
    if (session != null) {
      overrides.put("session.timeout.ms", (int) session.toMillis());
      overrides.put("heartbeat.interval.ms", (int) Math.max(100, session.toMillis() / 5));
    }
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Worker worker = Workers.start(kafka, config, backend, Clock.systemUTC(), registry, overrides);
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
   * {@code /metrics}, {@code /healthz}, {@code /readyz} when {@value WorkerHttpServer#PORT_ENV} is
   * set.
   */
  private static WorkerHttpServer startHttp(
      Env env, PrometheusMeterRegistry registry, Worker worker) {
    if (env.string(WorkerHttpServer.PORT_ENV, "").isBlank()) {
      return null;
    }
    return WorkerHttpServer.start(
        env.string(WorkerHttpServer.HOST_ENV, WorkerHttpServer.DEFAULT_HOST),
        env.integer(WorkerHttpServer.PORT_ENV, 0, 0, 65535),
        registry::scrape,
        () -> {
          try {
            return !worker.awaitStopped(Duration.ZERO);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
  }

  static JobBackend backend(Env env) {
    String name = env.string(BACKEND, "local");
    return switch (name) {
      case "local" ->
          new LocalProcessBackend(
              new LocalBackendConfig(
                  Path.of(
                      env.string(
                          LOCAL_JOBS_DIR, System.getProperty("user.home") + "/.partitrain/jobs")),
                  env.integer(LOCAL_SLOTS, LocalBackendConfig.DEFAULT_SLOTS, 1, 1024),
                  env.decimal(INJECTED_INFRA_FAILURE_RATE, 0, 0, 1),
                  0),
              Clock.systemUTC());
      case "simulated" -> {
        Duration d = env.duration(SIMULATED_DURATION, null);
        yield new SimulatedBackend(
            Clock.systemUTC(),
            d == null
                ? SimulationProfile.fast(0)
                : new SimulationProfile(Duration.ofMillis(10), d, d, 0, 0, 0));
      }
      case "azureml" -> AzureMlBackend.builder(azureMlConfig(env)).build();
      default ->
          throw new IllegalArgumentException(
              BACKEND + "='" + name + "' must be one of: local, simulated, azureml");
    };
  }

  private static AzureMlConfig azureMlConfig(Env env) {
    Path file =
        Path.of(env.required(AZUREML_CONFIG_FILE, "a properties file with the azureml.* keys"));
    Properties props = new Properties();
    try (var in = Files.newBufferedReader(file)) {
      props.load(in);
    } catch (IOException e) {
      throw new PartitrainException(
          AZUREML_CONFIG_FILE
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
