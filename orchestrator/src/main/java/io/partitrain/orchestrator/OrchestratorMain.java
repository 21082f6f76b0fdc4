package io.partitrain.orchestrator;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.leadership.LeaderElector;
import io.partitrain.orchestrator.leadership.LeadershipConfig;
import io.partitrain.orchestrator.tracking.Tracker;
import io.partitrain.shared.config.Env;
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
 * configured by environment variables: {@code KAFKA_BOOTSTRAP_SERVERS} (required), {@code
 * PARTITRAIN_TOPIC_PREFIX}, {@code PARTITRAIN_INSTANCE_ID}, {@code PARTITRAIN_REPLICATION_FACTOR},
 * {@code PARTITRAIN_NODE_CAP_DEFAULT} and {@code PARTITRAIN_NODE_CAPS} ({@code
 * cpu-cluster=8,gpu-cluster=2}; see {@link NodeCapConfig}), {@value #SESSION_TIMEOUT} (leader
 * election, default 10 s), {@value #SILENCE_TIMEOUT} (liveness, default 30 s), {@value
 * #TICK_INTERVAL} (default 100 ms).
 *
 * <p>Run several: one leads, the others stand by ({@link LeaderElector}). On SIGTERM the instance
 * finishes its current transaction, leaves the leader group and exits; a standby takes over at
 * once.
 */
public final class OrchestratorMain {

  public static final String SESSION_TIMEOUT = "PARTITRAIN_LEADER_SESSION_TIMEOUT";
  public static final String SILENCE_TIMEOUT = "PARTITRAIN_SILENCE_TIMEOUT";
  public static final String TICK_INTERVAL = "PARTITRAIN_TICK_INTERVAL";

  private static final Logger log = LoggerFactory.getLogger(OrchestratorMain.class);

  private OrchestratorMain() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    var kafka =
        new KafkaSettings(
            env.required(KafkaSettings.BOOTSTRAP_ENV, "the Kafka cluster (host:port,...)"),
            new Topics(env.string("PARTITRAIN_TOPIC_PREFIX", Topics.DEFAULT_PREFIX)),
            Map.of());
    TopicAdmin.ensureTopics(kafka, (short) env.integer("PARTITRAIN_REPLICATION_FACTOR", 1, 1, 5));
    String id =
        env.string("PARTITRAIN_INSTANCE_ID", "orchestrator-" + ProcessHandle.current().pid());
    OrchestratorConfig base = OrchestratorConfig.forInstallation(id, kafka.topics().prefix());
    var config =
        new OrchestratorConfig(
            id,
            base.transactionalId(),
            base.groupId(),
            env.duration(TICK_INTERVAL, OrchestratorConfig.DEFAULT_TICK_INTERVAL),
            base.snapshotInterval(),
            base.seed(),
            env.duration(SILENCE_TIMEOUT, Tracker.DEFAULT_SILENCE_TIMEOUT));
    var leadership =
        new LeadershipConfig(
            env.duration(SESSION_TIMEOUT, LeadershipConfig.DEFAULT_SESSION_TIMEOUT),
            LeadershipConfig.DEFAULT_POLL_INTERVAL);
    NodeCapConfig nodeCaps =
        NodeCapConfig.parse(
            env.string(NodeCapConfig.DEFAULT_ENV, ""),
            env.string(NodeCapConfig.PER_TARGET_ENV, ""));
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
  }
}
