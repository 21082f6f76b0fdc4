package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.KeyedReads;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, items 1 and 2: Partitrain on a replicated cluster, as production runs it. Three KRaft
 * brokers in processes of their own ({@link KafkaCluster}: replication factor 3, min ISR 2); the
 * orchestrator and two workers are the service jars in production mode, so they create their topics
 * with the cluster's replication and check it. A run of {@value #PARTITIONS} local jobs; the broker
 * that leads the run's partition of the runs topic is SIGKILLed a third of the way in and started
 * again later. Counted where it cannot be fooled: every partition succeeds, each job wrote its
 * start marker once (no job ran twice), and the topics have three replicas.
 */
@Timeout(600)
class ReplicatedClusterIT {

  static final int PARTITIONS = 300;

  @TempDir Path dir;

  @Test
  void aRunCompletesWhileTheLeaderOfItsDecisionsIsKilledAndRestarted() throws Exception {
    Path marks = Files.createDirectories(dir.resolve("marks"));
    List<ServiceProcess> services = new ArrayList<>();
    try (KafkaCluster cluster = KafkaCluster.start(dir, 3)) {
      KafkaSettings kafka =
          new KafkaSettings(cluster.bootstrapServers(), new Topics("repl"), Map.of());
      Map<String, String> env = new HashMap<>();
      env.put("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
      env.put("PARTITRAIN_TOPIC_PREFIX", "repl");
      env.put(ServiceSettings.KAFKA_MODE.key(), "production");
      env.put("PARTITRAIN_HEARTBEAT_INTERVAL", "PT0.5S");
      Map<String, String> orch = new HashMap<>(env);
      orch.put("PARTITRAIN_INSTANCE_ID", "orch-a");
      ServiceProcess orchestrator = ServiceProcess.start("orchestrator", "orch-a", dir, orch);
      services.add(orchestrator);
      orchestrator.awaitLog("orchestrator orch-a ready", KafkaCluster.STARTUP);
      for (String id : List.of("w1", "w2")) {
        Map<String, String> w = new HashMap<>(env);
        w.put("PARTITRAIN_WORKER_ID", id);
        w.put("PARTITRAIN_BACKEND", "local");
        w.put("PARTITRAIN_LOCAL_JOBS_DIR", dir.resolve("jobs").toString());
        w.put("PARTITRAIN_LOCAL_SLOTS", "4");
        w.put("PARTITRAIN_POLL_INTERVAL", "PT0.1S");
        services.add(ServiceProcess.start("worker", id, dir, w));
      }

      // The services created the topics with the cluster's replication, and checked it.
      try (Admin admin = cluster.admin()) {
        List<String> names = TopicAdmin.topicNames(kafka.topics());
        Map<String, TopicDescription> topics =
            admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(topics).containsOnlyKeys(names);
        topics.forEach(
            (name, d) ->
                assertThat(d.partitions())
                    .as(name)
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(3)));
        ConfigResource runs = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topics().runs());
        Config config =
            admin.describeConfigs(List.of(runs)).all().get(30, TimeUnit.SECONDS).get(runs);
        assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
      }

      String runId = "replicated-1";
      String killed;
      Duration onTwo;
      Instant healed;
      RunSummary done;
      try (RunClient client = new RunClient(kafka, "it")) {
        assertThat(RunScenario.start(client, plan(marks), runId))
            .isInstanceOf(RunEvent.RunStarted.class);
        awaitSucceeded(client, runId, PARTITIONS / 3);
        int home = KeyedReads.partitionOf(runId, 3);
        int leader = cluster.leaderOf(kafka.topics().runs(), home);
        cluster.kill(leader);
        Instant down = Instant.now();
        killed = "broker " + leader + " (leader of " + kafka.topics().runs() + "-" + home + ")";
        awaitSucceeded(client, runId, 2 * PARTITIONS / 3);
        onTwo = Duration.between(down, Instant.now());
        cluster.restart(leader);
        healed = Instant.now();
        done = awaitSucceeded(client, runId, PARTITIONS);
      }
      Duration afterHeal = Duration.between(healed, Instant.now());
      System.out.printf(
          "ReplicatedClusterIT: %s SIGKILLed at %d succeeded; the next %d succeeded on two brokers"
              + " in %d s; restarted; the run completed %d s after it was back; %s%n",
          killed,
          PARTITIONS / 3,
          PARTITIONS / 3,
          onTwo.toSeconds(),
          afterHeal.toSeconds(),
          done.byState());
      // The bound after the fault heals: the whole run takes well under it on this machine.
      assertThat(afterHeal).isLessThan(Duration.ofMinutes(2));
      assertThat(done.count(PartitionState.SUCCEEDED)).isEqualTo(PARTITIONS);

      // What really ran: each job wrote its start marker once, every partition ran.
      Map<String, Integer> starts = new HashMap<>();
      try (Stream<Path> files = Files.list(marks)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          for (String line : Files.readAllLines(f)) {
            if (line.startsWith("S ")) {
              starts.merge(line.split(" ")[1], 1, Integer::sum);
            }
          }
        }
      }
      assertThat(starts.values()).as("jobs that started more than once").allMatch(n -> n == 1);
      try (Stream<Path> files = Files.list(marks)) {
        assertThat(files.count()).as("partitions whose job ran").isEqualTo(PARTITIONS);
      }
    } finally {
      services.forEach(ServiceProcess::close);
    }
  }

  private static RunSummary awaitSucceeded(RunClient client, String runId, int atLeast) {
    return await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(300))
        .ignoreExceptions()
        .until(
            () -> client.latest(runId).orElse(null),
            s -> s != null && s.count(PartitionState.SUCCEEDED) >= atLeast);
  }

  private Plan plan(Path marks) throws Exception {
    Files.writeString(
        dir.resolve("job.yml"),
        """
        command: echo "S $PARTITRAIN_JOB_NAME" >> %s/${{partition.id}}; sleep 0.02
        resources:
          instance_count: 1
        limits:
          timeout: 30
        """
            .formatted(marks));
    StringBuilder csv = new StringBuilder("id\n");
    for (int i = 1; i <= PARTITIONS; i++) {
      csv.append(String.format("r%04d%n", i));
    }
    Files.writeString(dir.resolve("parts.csv"), csv);
    Files.writeString(
        dir.resolve("plan.yml"),
        """
        name: replicated
        job: job.yml
        partitions:
          file: parts.csv
        retry:
          maxAttempts: 3
          backoff: {initial: PT0.2S, multiplier: 2.0, max: PT2S, jitter: 0.2}
        concurrency:
          maxInFlight: 8
        """);
    return PlanLoader.load(dir.resolve("plan.yml"));
  }
}
