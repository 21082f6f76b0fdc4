package io.partitrain.orchestrator;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.leadership.LeaderElector;
import io.partitrain.orchestrator.leadership.LeadershipConfig;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator service: {@code java -jar partitrain-orchestrator-VERSION-service.jar},
 * configured by environment variables: {@link ServiceSettings} (the Kafka cluster, topic prefix,
 * replication), {@link OrchestratorConfig#settings()} and {@link LeadershipConfig#settings()}; the
 * README lists them all.
 *
 * <p>Run several: one leads, the others stand by ({@link LeaderElector}). On SIGTERM the instance
 * finishes its current transaction, leaves the leader group and exits; a standby takes over at
 * once.
 */
public final class OrchestratorMain {

  private static final Logger log = LoggerFactory.getLogger(OrchestratorMain.class);

  private OrchestratorMain() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    var kafka =
        new KafkaSettings(
            ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.from(env),
            new Topics(ServiceSettings.TOPIC_PREFIX.from(env)),
            Map.of());
    OrchestratorConfig config = OrchestratorConfig.fromEnvironment(env, kafka.topics().prefix());
    LeadershipConfig leadership = LeadershipConfig.fromEnvironment(env);
    NodeCapConfig nodeCaps = OrchestratorConfig.nodeCapsFrom(env);
    TopicAdmin.ensureTopics(kafka, ServiceSettings.REPLICATION_FACTOR.from(env).shortValue());
    String id = config.instanceId();
    var registry = new SimpleMeterRegistry();
    LeaderElector elector =
        new LeaderElector(
            kafka,
            id,
            leadership,
            lease ->
                Orchestrator.builder(config, kafka)
                    .clock(Clock.systemUTC())
                    .admission(Admission.concurrencyCap())
                    .registry(registry)
                    .nodeCaps(nodeCaps)
                    .lease(lease)
                    .build());
    Thread loop = new Thread(elector, "orchestrator-elector");
    loop.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  long start = System.nanoTime();
                  elector.close();
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
}
