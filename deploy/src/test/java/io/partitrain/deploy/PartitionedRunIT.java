package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.plan;
import static io.partitrain.deploy.RunScenario.runEvents;
import static io.partitrain.deploy.RunScenario.start;
import static io.partitrain.deploy.RunScenario.workItems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.PartitionTransitioned;
import io.partitrain.shared.contracts.RunEvent.RetryScheduled;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.testkit.TestKafka;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50-partition run on the real broker with the simulated backend and mixed failures, end to end
 * through the orchestrator and three workers.
 */
@Timeout(300)
class PartitionedRunIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  private static final int PARTITIONS = 50;

  private static SimulationProfile mixedFailures(long seed) {
    return new SimulationProfile(
        Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(150), 0.1, 0.2, seed);
  }

  private LocalStack stack(KafkaSettings kafka, SimulatedBackend cloud) {
    return RunScenario.stack(kafka, 3, cloud);
  }

  @Test
  void everyPartitionEndsTerminalWithNoDuplicateJobAndRetriesOnlyOfRetryableFailures() {
    KafkaSettings kafka = kafka(BROKER);
    SimulatedBackend cloud = new SimulatedBackend(Clock.systemUTC(), mixedFailures(11));
    Plan plan = plan(dir, PARTITIONS, "echo ${{partition.id}}", 10, 3);
    try (LocalStack stack = stack(kafka, cloud);
        RunClient client = new RunClient(kafka, "it")) {
      assertThat(start(client, plan, "run-50")).isInstanceOf(RunEvent.RunStarted.class);
      RunSummary done = awaitComplete(client, "run-50");
      assertEveryPartitionSettled(done);
      assertNoDuplicateJobs(kafka, cloud);
      assertRetriesOnlyAfterRetryableFailures(kafka);
      assertThat(done.count(PartitionState.FAILED))
          .as("the seed gives some USER failures")
          .isPositive();

      rerunAndCheckOnlyFailedRanAgain(client, kafka, done, cloud);
    }
  }

  @Test
  void anOrchestratorStoppedAndRestartedMidRunNeitherLosesNorDuplicatesAPartition() {
    KafkaSettings kafka = kafka(BROKER);
    SimulatedBackend cloud = new SimulatedBackend(Clock.systemUTC(), mixedFailures(23));
    Plan plan = plan(dir, PARTITIONS, "echo ${{partition.id}}", 5, 3);
    try (LocalStack stack = stack(kafka, cloud);
        RunClient client = new RunClient(kafka, "it")) {
      start(client, plan, "run-restart");
      client.follow("run-restart", s -> settled(s) >= 10, s -> {}, RunScenario.RUN_TIMEOUT);
      stack.stopOrchestrator();
      int createdWhileDown = cloud.creations().size();
      stack.startOrchestrator();
      RunSummary done = awaitComplete(client, "run-restart");

      assertThat(createdWhileDown).isLessThan(done.jobsSubmitted());
      assertEveryPartitionSettled(done);
      assertNoDuplicateJobs(kafka, cloud);
      List<RunEvent> events = runEvents(kafka);
      assertThat(events)
          .filteredOn(e -> e instanceof PartitionTransitioned t && t.from() == null)
          .extracting(e -> ((PartitionTransitioned) e).partitionId())
          .as("each partition scheduled exactly once")
          .hasSize(PARTITIONS)
          .doesNotHaveDuplicates();
      assertThat(events).filteredOn(e -> e instanceof RunEvent.RunStarted).hasSize(1);
    }
  }

  @Test
  void aRedeliveredWorkItemDoesNotStartASecondJob() {
    KafkaSettings kafka = kafka(BROKER);
    SimulatedBackend cloud = new SimulatedBackend(Clock.systemUTC(), SimulationProfile.fast(3));
    Plan plan = plan(dir, 3, "echo ${{partition.id}}", 3, 1);
    try (LocalStack stack = stack(kafka, cloud);
        RunClient client = new RunClient(kafka, "it")) {
      start(client, plan, "run-redeliver");
      awaitComplete(client, "run-redeliver");
      List<WorkItem> items = workItems(kafka);
      assertThat(items).hasSize(3);
      int created = cloud.creations().size();
      // Redeliver every work item, as Kafka does after a worker crash before its commit.
      try (var producer =
          new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
              kafka.producer("redeliver", null))) {
        for (WorkItem w : items) {
          producer.send(
              new org.apache.kafka.clients.producer.ProducerRecord<>(
                  kafka.topics().work(), w.key(), io.partitrain.shared.serde.Json.toBytes(w)));
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> cloud.submitCalls() >= created + 3);
      assertThat(cloud.creations()).hasSize(created).doesNotHaveDuplicates();
      assertThat(client.latest("run-redeliver").orElseThrow().jobsSubmitted()).isEqualTo(3);
    }
  }

  private void rerunAndCheckOnlyFailedRanAgain(
      RunClient client, KafkaSettings kafka, RunSummary done, SimulatedBackend cloud) {
    Set<String> failed =
        done.failed().stream()
            .map(RunSummary.FailedPartition::partitionId)
            .collect(Collectors.toSet());
    Instant before = Instant.now();
    RunEvent answer =
        client.send(
            new RunCommand.RerunFailed(
                Schema.VERSION, UUID.randomUUID().toString(), done.runId(), "it", "fixed", before),
            Duration.ofSeconds(30));
    assertThat(answer)
        .isInstanceOfSatisfying(
            RunEvent.RerunAccepted.class,
            a -> assertThat(new HashSet<>(a.partitionIds())).isEqualTo(failed));
    RunSummary after =
        client.follow(
            done.runId(),
            s -> s.complete() && s.rerunRequested() == failed.size(),
            s -> {},
            RunScenario.RUN_TIMEOUT);
    assertThat(after.rerunResubmitted()).isEqualTo(failed.size());
    var evidence =
        io.partitrain.cli.demo.RerunEvidence.of(
            client.events(done.runId()), ((RunEvent.RerunAccepted) answer).commandId());
    assertThat(new HashSet<>(evidence.ranAgain())).isEqualTo(failed);
    assertThat(evidence.touchedAfterSuccess()).isEmpty();
    assertThat(after.count(PartitionState.SUCCEEDED))
        .isGreaterThanOrEqualTo(done.count(PartitionState.SUCCEEDED));
    assertNoDuplicateJobs(kafka, cloud);
  }

  private static int settled(RunSummary s) {
    return s.count(PartitionState.SUCCEEDED) + s.count(PartitionState.FAILED);
  }

  private static void assertEveryPartitionSettled(RunSummary done) {
    assertThat(done.complete()).isTrue();
    assertThat(done.total()).isEqualTo(PARTITIONS);
    assertThat(done.byState().keySet()).isSubsetOf(PartitionState.SUCCEEDED, PartitionState.FAILED);
    assertThat(settled(done)).isEqualTo(PARTITIONS);
  }

  private static void assertNoDuplicateJobs(KafkaSettings kafka, SimulatedBackend cloud) {
    List<String> submitted =
        workItems(kafka).stream()
            .filter(w -> w.kind() == WorkItem.Kind.SUBMIT)
            .map(WorkItem::jobName)
            .toList();
    assertThat(submitted).as("one work item per (run, partition, attempt)").doesNotHaveDuplicates();
    List<String> createdTriples =
        cloud.createdJobs().stream()
            .map(r -> r.runId() + "/" + r.partitionId() + "/a" + r.attempt())
            .toList();
    assertThat(createdTriples)
        .as("one backend job per (run, partition, attempt), counted at the backend")
        .doesNotHaveDuplicates();
    assertThat(new HashSet<>(createdTriples))
        .as("the backend created exactly the attempts the work topic asked for")
        .isEqualTo(
            workItems(kafka).stream()
                .filter(w -> w.kind() == WorkItem.Kind.SUBMIT)
                .map(w -> w.runId() + "/" + w.partitionId() + "/a" + w.attempt())
                .collect(Collectors.toSet()));
    assertThat(cloud.violations()).as("never two unfinished jobs of one partition").isEmpty();
  }

  private static void assertRetriesOnlyAfterRetryableFailures(KafkaSettings kafka) {
    Map<String, FailureClass> lastFailure = new HashMap<>();
    int retries = 0;
    for (RunEvent e : runEvents(kafka)) {
      if (e instanceof PartitionTransitioned t && t.to() == PartitionState.FAILED) {
        lastFailure.put(t.runId() + "/" + t.partitionId(), t.failureClass());
      } else if (e instanceof RetryScheduled r && r.cause() == RetryScheduled.Cause.RETRY) {
        retries++;
        assertThat(lastFailure.get(r.runId() + "/" + r.partitionId()))
            .as("failure before retry of " + r.partitionId())
            .isIn(FailureClass.INFRA, FailureClass.THROTTLED);
      }
    }
    assertThat(retries).as("the seed gives some INFRA failures").isPositive();
  }
}
