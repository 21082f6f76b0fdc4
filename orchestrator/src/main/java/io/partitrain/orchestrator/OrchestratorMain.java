package io.partitrain.orchestrator;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import java.time.Clock;
import java.util.Map;

/**
 * The orchestrator service: {@code java -jar partitrain-orchestrator-VERSION-service.jar},
 * configured by environment variables: {@code KAFKA_BOOTSTRAP_SERVERS} (required),
 * {@code PARTITRAIN_TOPIC_PREFIX}, {@code PARTITRAIN_INSTANCE_ID}, {@code
 * PARTITRAIN_REPLICATION_FACTOR}, {@code PARTITRAIN_NODE_CAP_DEFAULT} and {@code PARTITRAIN_NODE_CAPS}
 * ({@code cpu-cluster=8,gpu-cluster=2}; see {@link NodeCapConfig}).
 */
public final class OrchestratorMain {

  private OrchestratorMain() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    var kafka = new KafkaSettings(env.required(KafkaSettings.BOOTSTRAP_ENV, "the Kafka cluster (host:port,...)"),
        new Topics(env.string("PARTITRAIN_TOPIC_PREFIX", Topics.DEFAULT_PREFIX)), Map.of());
    TopicAdmin.ensureTopics(kafka, (short) env.integer("PARTITRAIN_REPLICATION_FACTOR", 1, 1, 5));
    var config = OrchestratorConfig.forInstallation(
        env.string("PARTITRAIN_INSTANCE_ID", "orchestrator-" + ProcessHandle.current().pid()), kafka.topics().prefix());
    NodeCapConfig nodeCaps = NodeCapConfig.parse(env.string(NodeCapConfig.DEFAULT_ENV, ""),
        env.string(NodeCapConfig.PER_TARGET_ENV, ""));
    Orchestrator orchestrator = new Orchestrator(config, kafka, Clock.systemUTC(), Admission.concurrencyCap(),
        new SimpleMeterRegistry(), nodeCaps);
    Thread loop = new Thread(orchestrator, "orchestrator");
    loop.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      orchestrator.close();
      try {
        loop.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    loop.join();
  }
}
