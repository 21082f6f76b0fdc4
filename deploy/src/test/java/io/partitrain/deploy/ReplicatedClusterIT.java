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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 28, items 1 and 2: Partitrain on a replicated cluster, as production runs it, through the
 * broker faults production sees. Three KRaft brokers in processes of their own ({@link
 * KafkaCluster}: replication factor 3, min ISR 2); the orchestrator and two workers are the service
 * jars in production mode, so they create their topics with the cluster's replication and check it.
 * Each trial is a run of {@value #PARTITIONS} local jobs with one fault a third of the way in,
 * healed at two thirds: the broker leading the run's decisions SIGKILLed and restarted; a broker
 * SIGSTOPped for longer than the brokers' session timeout; the leadership of the run's decisions
 * moved; the whole cluster restarted. Counted where it cannot be fooled, from the markers the jobs
 * write: every partition ran and succeeded, no job started twice, never more jobs at once than the
 * node cap; and the run completes within {@link #AFTER_HEAL} of the heal.
 *
 * <p>{@value #DEFAULT_TRIALS} trials per fault in every {@code mvn verify}; {@code
 * -Dpartitrain.cluster.trials=20} for the long profile. Each trial's line (seed, fault, times) is
 * printed; a failing trial prints its seed.
 */
@Timeout(1800)
class ReplicatedClusterIT {

  static final int PARTITIONS = 90;
  static final int NODE_CAP = 6;
  static final int DEFAULT_TRIALS = 3;
  static final int TRIALS = Integer.getInteger("partitrain.cluster.trials", DEFAULT_TRIALS);
  static final Duration AFTER_HEAL = Duration.ofMinutes(2);

  /** Longer than the brokers' session timeout (broker.session.timeout.ms, 9 s): it is fenced. */
  static final Duration STOPPED = Duration.ofSeconds(15);

  enum Fault {
    KILL_LEADER,
    STOP_BROKER,
    MOVE_LEADER,
    RESTART_CLUSTER
  }

  @TempDir static Path dir;

  private static KafkaCluster cluster;
  private static KafkaSettings kafka;
  private static final List<ServiceProcess> services = new ArrayList<>();
  private static final List<String> lines = new ArrayList<>();

  @BeforeAll
  static void startClusterAndServices() {
    cluster = KafkaCluster.start(dir, 3);
    kafka = new KafkaSettings(cluster.bootstrapServers(), new Topics("repl"), Map.of());
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
    env.put("PARTITRAIN_TOPIC_PREFIX", "repl");
    env.put(ServiceSettings.KAFKA_MODE.key(), "production");
    env.put("PARTITRAIN_HEARTBEAT_INTERVAL", "PT0.5S");
    Map<String, String> orch = new HashMap<>(env);
    orch.put("PARTITRAIN_INSTANCE_ID", "orch-a");
    orch.put("PARTITRAIN_NODE_CAP_DEFAULT", String.valueOf(NODE_CAP));
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
  }

  @AfterAll
  static void stop() {
    System.out.println("ReplicatedClusterIT (" + TRIALS + " trials per fault)");
    lines.forEach(l -> System.out.println("  " + l));
    services.forEach(ServiceProcess::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theServicesCreateTheirTopicsWithTheClustersReplication() throws Exception {
    try (Admin admin = cluster.admin()) {
      List<String> names = TopicAdmin.topicNames(kafka.topics());
      Map<String, TopicDescription> topics =
          await()
              .atMost(KafkaCluster.STARTUP)
              .ignoreExceptions()
              .until(
                  () -> admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS),
                  t -> t.keySet().containsAll(names));
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
  }

  static Stream<Arguments> trials() {
    return Stream.of(Fault.values())
        .flatMap(f -> IntStream.range(0, TRIALS).mapToObj(t -> Arguments.of(f, 20261208L + t)));
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("trials")
  void aRunCompletesThroughTheFault(Fault fault, long seed) throws Exception {
    Random random = new Random(seed * 31 + fault.ordinal());
    String runId = "repl-" + fault.name().toLowerCase().replace('_', '-') + "-" + seed;
    Path marks = Files.createDirectories(dir.resolve("marks").resolve(runId));
    int home = KeyedReads.partitionOf(runId, 3);
    String what;
    Instant healed;
    RunSummary done;
    Instant begin = Instant.now();
    try (RunClient client = new RunClient(kafka, "it")) {
      assertThat(RunScenario.start(client, plan(runId, marks), runId))
          .isInstanceOf(RunEvent.RunStarted.class);
      awaitSucceeded(client, runId, PARTITIONS / 3 + random.nextInt(PARTITIONS / 10));
      switch (fault) {
        case KILL_LEADER -> {
          int leader = cluster.leaderOf(kafka.topics().runs(), home);
          cluster.kill(leader);
          awaitSucceeded(client, runId, 2 * PARTITIONS / 3);
          cluster.restart(leader);
          what = "SIGKILL broker " + leader + " (leader of runs-" + home + "), restarted";
        }
        case STOP_BROKER -> {
          int broker = 1 + random.nextInt(cluster.size());
          cluster.node(broker).signal("STOP");
          Instant stopped = Instant.now();
          try {
            await()
                .atMost(STOPPED.plusSeconds(5))
                .until(() -> Duration.between(stopped, Instant.now()).compareTo(STOPPED) >= 0);
          } finally {
            cluster.node(broker).signal("CONT");
          }
          what = "SIGSTOP broker " + broker + " " + STOPPED.toSeconds() + " s";
        }
        case MOVE_LEADER -> {
          int from = cluster.leaderOf(kafka.topics().runs(), home);
          int to = cluster.moveLeader(kafka.topics().runs(), home);
          int workFrom = cluster.leaderOf(kafka.topics().work(), 0);
          int workTo = cluster.moveLeader(kafka.topics().work(), 0);
          what =
              "leader of runs-"
                  + home
                  + " "
                  + from
                  + "->"
                  + to
                  + ", of work-0 "
                  + workFrom
                  + "->"
                  + workTo;
        }
        case RESTART_CLUSTER -> {
          cluster.restartAll();
          what = "all 3 brokers restarted";
        }
        default -> throw new IllegalStateException(fault.name());
      }
      healed = Instant.now();
      done = awaitSucceeded(client, runId, PARTITIONS);
    }
    Duration afterHeal = Duration.between(healed, Instant.now());
    lines.add(
        String.format(
            "%s seed %d: %s; run %d s, completed %d s after the heal",
            fault,
            seed,
            what,
            Duration.between(begin, Instant.now()).toSeconds(),
            afterHeal.toSeconds()));
    assertThat(done.count(PartitionState.SUCCEEDED)).as(what).isEqualTo(PARTITIONS);
    assertThat(afterHeal).as(what).isLessThan(AFTER_HEAL);

    JobMarks ran = JobMarks.read(marks);
    assertThat(ran.twice()).as("jobs that started twice (" + what + ")").isEmpty();
    assertThat(ran.partitions()).as("partitions whose job ran").hasSize(PARTITIONS);
    assertThat(JobMarks.maxConcurrent(ran.spans().values()))
        .as("jobs at once, node cap " + NODE_CAP)
        .isLessThanOrEqualTo(NODE_CAP);
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

  private static Plan plan(String runId, Path marks) throws Exception {
    Path planDir = Files.createDirectories(dir.resolve("plans").resolve(runId));
    Files.writeString(
        planDir.resolve("job.yml"),
        """
        command: echo "S $PARTITRAIN_JOB_NAME $(date +%%s%%3N)" >> %s/${{partition.id}}; sleep 0.02; echo "E $PARTITRAIN_JOB_NAME $(date +%%s%%3N)" >> %s/${{partition.id}}
        resources:
          instance_count: 1
        limits:
          timeout: 30
        """
            .formatted(marks, marks));
    StringBuilder csv = new StringBuilder("id\n");
    for (int i = 1; i <= PARTITIONS; i++) {
      csv.append(String.format("r%04d%n", i));
    }
    Files.writeString(planDir.resolve("parts.csv"), csv);
    Files.writeString(
        planDir.resolve("plan.yml"),
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
    return PlanLoader.load(planDir.resolve("plan.yml"));
  }
}
