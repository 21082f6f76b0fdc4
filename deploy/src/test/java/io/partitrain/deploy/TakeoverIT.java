package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.cli.client.RunClient;
import io.partitrain.orchestrator.Orchestrator;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 5: a new leader reads the state topic's snapshots, then only the runs-topic events
 * after them; finished runs are known by their final snapshot and not replayed. Counted from the
 * consumer side (the records the takeover's consumers returned) and checked against the topics read
 * independently.
 */
@Timeout(300)
class TakeoverIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  private static final int RUNS = 12;
  private static final int PARTITIONS = 20;

  @Test
  void aNewLeaderReadsTheSnapshotsAndOnlyTheEventsAfterThem() {
    KafkaSettings kafka = kafka(BROKER);
    SimulatedBackend cloud = new SimulatedBackend(Clock.systemUTC(), SimulationProfile.fast(5));
    Plan plan = plan(dir, PARTITIONS, "echo ${{partition.id}}", 10, 2);
    try (LocalStack stack = RunScenario.stack(kafka, 2, cloud);
        RunClient client = new RunClient(kafka, "it")) {
      for (int r = 0; r < RUNS; r++) {
        assertThat(RunScenario.start(client, plan, "old-" + r))
            .isInstanceOf(RunEvent.RunStarted.class);
      }
      for (int r = 0; r < RUNS; r++) {
        assertThat(awaitComplete(client, "old-" + r).count(PartitionState.SUCCEEDED))
            .isEqualTo(PARTITIONS);
      }
      stack.stopOrchestrator();

      List<ConsumerRecord<String, byte[]>> runs =
          TopicRecords.readAll(kafka, kafka.topics().runs());
      List<ConsumerRecord<String, byte[]>> state =
          TopicRecords.readAll(kafka, kafka.topics().state());
      StateSnapshot.Checkpoint checkpoint = latestCheckpoint(state);
      assertThat(checkpoint.finishedRuns()).hasSize(RUNS);
      long tail =
          runs.stream()
              .filter(r -> r.offset() >= checkpoint.replayFrom().getOrDefault(r.partition(), 0L))
              .count();

      stack.startOrchestrator();
      Orchestrator.Takeover takeover = stack.orchestrator().lastTakeover();
      System.out.printf(
          "takeover after %d finished runs of %d partitions (%d runs-topic records): %s%n",
          RUNS, PARTITIONS, runs.size(), takeover);
      assertThat(takeover.stateRecords()).as("the state topic, read once").isEqualTo(state.size());
      assertThat(takeover.runsRecords())
          .as("only the runs-topic records after the checkpoint's offsets")
          .isEqualTo(tail)
          .isLessThan(runs.size() / RUNS);
      assertThat(takeover.finishedRuns()).isEqualTo(RUNS);
      assertThat(takeover.restoredRuns()).as("no run is active").isZero();

      // The finished runs are not in memory, yet known: a run id still starts one run only, and a
      // rerun reads the run back from its final snapshot (nothing failed, so nothing to rerun).
      RunEvent again = RunScenario.start(client, plan, "old-3");
      assertThat(again)
          .isInstanceOfSatisfying(
              RunEvent.CommandRejected.class,
              r -> assertThat(r.reason()).contains("exists already"));
      RunEvent rerun =
          client.send(
              new RunCommand.RerunFailed(
                  Schema.VERSION,
                  UUID.randomUUID().toString(),
                  "old-5",
                  "it",
                  "check",
                  java.time.Instant.now()),
              Duration.ofSeconds(60));
      assertThat(rerun)
          .isInstanceOfSatisfying(
              RunEvent.RerunAccepted.class, r -> assertThat(r.partitionIds()).isEmpty());

      // And the new leader goes on deciding.
      assertThat(RunScenario.start(client, plan, "new-1")).isInstanceOf(RunEvent.RunStarted.class);
      RunSummary done = awaitComplete(client, "new-1");
      assertThat(done.count(PartitionState.SUCCEEDED)).isEqualTo(PARTITIONS);
    }
  }

  private static StateSnapshot.Checkpoint latestCheckpoint(
      List<ConsumerRecord<String, byte[]>> state) {
    StateSnapshot.Checkpoint latest = null;
    for (ConsumerRecord<String, byte[]> r : state) {
      if (StateSnapshot.CHECKPOINT_KEY.equals(r.key()) && r.value() != null) {
        latest = (StateSnapshot.Checkpoint) Json.read(r.value(), StateSnapshot.class);
      }
    }
    assertThat(latest).as("a checkpoint on the state topic").isNotNull();
    return latest;
  }
}
