package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.start;
import static io.partitrain.deploy.RunScenario.workItems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.cli.client.FinOpsClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.orchestrator.Orchestrator;
import io.partitrain.orchestrator.OrchestratorConfig;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.kafka.KafkaAcls;
import io.partitrain.shared.kafka.KafkaAcls.Role;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TransactionProbe;
import io.partitrain.shared.plan.Plan;
import io.partitrain.testkit.SecureKafka;
import io.partitrain.testkit.TestKafka;
import io.partitrain.worker.Worker;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.Workers;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole flow on a broker that speaks only SASL_SSL and denies whatever {@link KafkaAcls} does
 * not grant, with one principal per role, each configured from its own client properties file.
 */
@Timeout(300)
class LeastPrivilegeIT {

  private static SecureKafka kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    kafka = SecureKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static Topics freshInstallation() {
    Topics topics = new Topics(TestKafka.uniqueName("sec"));
    kafka.prepare(topics);
    return topics;
  }

  @Test
  void theFiftyPartitionRunPassesWithExactlyTheGrantsOfEachRole() throws Exception {
    Topics topics = freshInstallation();
    KafkaSettings orchestrator = kafka.settings(Role.ORCHESTRATOR, topics);
    KafkaSettings worker = kafka.settings(Role.WORKER, topics);
    SimulatedBackend cloud =
        new SimulatedBackend(
            Clock.systemUTC(),
            new SimulationProfile(
                Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(100), 0.1, 0.1, 5));
    // With a budget, so that the run writes a FinOps ledger for the finops principal to read.
    Plan plan = CapsIT.plan(dir, "it-sec", 50, 10, "100000", "60");
    OrchestratorConfig config =
        OrchestratorConfig.forInstallation("orchestrator-sec", topics.prefix());
    assertThat(config.groupId()).isEqualTo(KafkaAcls.orchestratorGroup(topics));
    assertThat(config.transactionalId()).isEqualTo(KafkaAcls.orchestratorGroup(topics));
    Orchestrator o =
        Orchestrator.builder(config, orchestrator)
            .clock(Clock.systemUTC())
            .admission(Admission.concurrencyCap())
            .registry(new SimpleMeterRegistry())
            .nodeCaps(NodeCapConfig.unlimited())
            .build();
    // The start-up check passes with the orchestrator's own grants, without fencing anyone.
    TransactionProbe.requireTransactions(orchestrator, Duration.ofSeconds(30));
    Thread loop = new Thread(o, "orchestrator-sec");
    loop.start();
    List<Worker> workers = new ArrayList<>();
    try (RunClient operator = new RunClient(kafka.settings(Role.OPERATOR, topics), "operator")) {
      assertThat(o.awaitReady(Duration.ofSeconds(60))).as("orchestrator ready").isTrue();
      for (int i = 1; i <= 3; i++) {
        WorkerConfig wc =
            WorkerConfig.forInstallation("worker-sec-" + i, topics.prefix())
                .withPollInterval(Duration.ofMillis(50));
        assertThat(wc.groupId()).isEqualTo(KafkaAcls.workerGroup(topics));
        workers.add(Workers.start(worker, wc, cloud, Clock.systemUTC(), new SimpleMeterRegistry()));
      }

      start(operator, plan, "run-sec");
      RunSummary done = awaitComplete(operator, "run-sec");

      assertThat(done.total()).isEqualTo(50);
      assertThat(done.count(PartitionState.SUCCEEDED) + done.count(PartitionState.FAILED))
          .isEqualTo(50);
      KafkaSettings admin = kafka.settings(SecureKafka.ADMIN, topics);
      List<String> submitted =
          workItems(admin).stream()
              .filter(w -> w.kind() == WorkItem.Kind.SUBMIT)
              .map(WorkItem::jobName)
              .toList();
      assertThat(submitted).hasSize(cloud.creations().size()).doesNotHaveDuplicates();
      assertThat(cloud.creations()).hasSizeGreaterThanOrEqualTo(50);
      // FinOps reads its ledger with its own principal.
      assertThat(FinOpsClient.readAll(kafka.settings(Role.FINOPS, topics), "finops")).isNotEmpty();
    } finally {
      workers.forEach(Worker::close);
      for (Worker w : workers) {
        w.awaitStopped(Duration.ofSeconds(30));
      }
      o.close();
      loop.join(30_000);
    }
  }

  @Test
  void aWorkerPrincipalCanWriteNeitherCommandsNorWorkItems() {
    Topics topics = freshInstallation();
    KafkaSettings worker = kafka.settings(Role.WORKER, topics);
    Map<String, Object> props = new HashMap<>(worker.producer("rogue-worker", null));
    props.put("max.block.ms", 10_000);
    props.put("delivery.timeout.ms", 15_000);
    props.put("request.timeout.ms", 10_000);
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(props)) {
      for (String topic : List.of(topics.commands(), topics.work())) {
        assertThatThrownBy(
                () ->
                    p.send(
                            new ProducerRecord<>(
                                topic, "k", "rm -rf /".getBytes(StandardCharsets.UTF_8)))
                        .get(20, TimeUnit.SECONDS))
            .as("worker writing to " + topic)
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(TopicAuthorizationException.class);
      }
    }
    // and the records are not there: the operator (who may read runs) cannot even see them,
    // the administrator reads both topics empty
    KafkaSettings admin = kafka.settings(SecureKafka.ADMIN, topics);
    assertThat(workItems(admin)).isEmpty();
  }

  @Test
  void aClientWithAWrongPasswordIsRefusedAndAValidUserWithoutGrantsSeesNoTopic() throws Exception {
    Topics topics = freshInstallation();
    Path wrong = kafka.propertiesFile(Role.OPERATOR.defaultUser(), "not-the-password");
    KafkaSettings impostor =
        io.partitrain.shared.kafka.KafkaClientConfig.build(
            wrong, Map.of(), kafka.bootstrapServers(), topics, "");
    try (Admin a = Admin.create(impostor.common("impostor"))) {
      assertThatThrownBy(() -> a.listTopics().names().get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
    try (Admin a = Admin.create(kafka.settings(SecureKafka.INTRUDER, topics).common("intruder"))) {
      assertThat(a.listTopics().names().get(30, TimeUnit.SECONDS)).isEmpty();
    }
  }

  @Test
  void aPlaintextClientGetsNoAnswer() {
    Map<String, Object> props =
        Map.of(
            "bootstrap.servers", kafka.bootstrapServers(),
            "request.timeout.ms", 3_000,
            "default.api.timeout.ms", 5_000);
    try (Admin a = Admin.create(props)) {
      assertThatThrownBy(() -> a.listTopics().names().get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
  }
}
