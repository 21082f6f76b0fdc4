package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.kafka;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.cli.CliCommands;
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
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 (a million partitions): a run whose snapshot is larger than a state-topic part (here
 * 3,000 partitions with 3,000 characters of tags each, about 9 MB of JSON; a run of a million
 * partitions is a few hundred MB) is snapshotted as a head and {@link StateSnapshot.RunPart}s, and
 * its start travels in parts too. Before, a run whose snapshot did not fit one record (100,000
 * simulated partitions in {@code partitrain bench}) failed the transaction that carried it, and
 * every rebuilt term failed again: the run never completed. A new leader restores the run from the
 * parts (finished, when a rerun asks for it; active, after the rerun reopened it), and the rerun
 * completes.
 */
@Timeout(400)
class LargeRunSnapshotIT {

  private static final int PARTITIONS = 3_000;
  private static final int TAG_CHARS = 3_000;
  private static final int TAG_VALUES = 20;
  private static final Set<String> BROKEN = Set.of("s00007", "s01500", "s02999");

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  @Test
  void aRunLargerThanAStateRecordCompletesAndIsRestoredFromItsParts() throws Exception {
    KafkaSettings kafka = kafka(BROKER);
    SimulatedBackend cloud = new SimulatedBackend(Clock.systemUTC(), SimulationProfile.fast(5));
    cloud.breakPartitions(BROKEN);
    Plan plan = plan();
    try (LocalStack stack = RunScenario.stack(kafka, 2, cloud);
        RunClient client = new RunClient(kafka, "it")) {
      assertThat(
              client.send(
                  CliCommands.startCommand(plan, "big", "it", Instant.now()),
                  Duration.ofSeconds(120)))
          .isInstanceOf(RunEvent.RunStarted.class);
      RunSummary done = client.follow("big", RunSummary::complete, s -> {}, Duration.ofMinutes(4));
      assertThat(done.count(PartitionState.SUCCEEDED)).isEqualTo(PARTITIONS - BROKEN.size());
      assertThat(done.count(PartitionState.FAILED)).isEqualTo(BROKEN.size());

      // On the state topic: the final snapshot as a head without partitions, and its parts.
      StateSnapshot.Run head = latestHead(kafka);
      assertThat(head.complete()).isTrue();
      assertThat(head.partitions()).isEmpty();
      assertThat(head.partitionParts()).isGreaterThan(1);
      StateSnapshot.Run whole = client.finalSnapshot("big").orElseThrow();
      assertThat(whole.partitions()).hasSize(PARTITIONS);
      assertThat(whole.partitions().stream().filter(p -> p.state() == PartitionState.FAILED))
          .extracting(StateSnapshot.Partition::id)
          .containsExactlyInAnyOrderElementsOf(BROKEN);

      // A new leader knows the finished run; a rerun reads it back from its parts.
      stack.stopOrchestrator();
      stack.startOrchestrator();
      assertThat(stack.orchestrator().lastTakeover().finishedRuns()).isEqualTo(1);
      BROKEN.forEach(cloud::repair);
      RunEvent rerun =
          client.send(
              new RunCommand.RerunFailed(
                  Schema.VERSION,
                  UUID.randomUUID().toString(),
                  "big",
                  "it",
                  "fixed",
                  Instant.now()),
              Duration.ofSeconds(60));
      assertThat(rerun)
          .isInstanceOfSatisfying(
              RunEvent.RerunAccepted.class,
              r -> assertThat(r.partitionIds()).containsExactlyInAnyOrderElementsOf(BROKEN));

      // The reopened run's snapshot is written at once, in parts; the next leader restores it.
      stack.stopOrchestrator();
      stack.startOrchestrator();
      Orchestrator.Takeover takeover = stack.orchestrator().lastTakeover();
      RunSummary after =
          client.follow(
              "big",
              s -> s.complete() && s.count(PartitionState.FAILED) == 0,
              s -> {},
              Duration.ofMinutes(2));
      assertThat(after.count(PartitionState.SUCCEEDED)).isEqualTo(PARTITIONS);
      assertThat(takeover.restoredRuns() + takeover.finishedRuns())
          .as("the run restored from its parts, or finished already when the leader started")
          .isEqualTo(1);
    }
  }

  private StateSnapshot.Run latestHead(KafkaSettings kafka) {
    StateSnapshot.Run head = null;
    List<ConsumerRecord<String, byte[]>> state =
        TopicRecords.readAll(kafka, kafka.topics().state());
    for (ConsumerRecord<String, byte[]> r : state) {
      if (StateSnapshot.runKey("big").equals(r.key()) && r.value() != null) {
        head = (StateSnapshot.Run) Json.read(r.value(), StateSnapshot.class);
      }
    }
    assertThat(head).as("the run's record on the state topic").isNotNull();
    return head;
  }

  private Plan plan() throws Exception {
    Files.writeString(
        dir.resolve("job.yml"),
        """
        command: echo ${{partition.id}}
        resources:
          instance_count: 1
        limits:
          timeout: 60
        """);
    SplittableRandom random = new SplittableRandom(3);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // Few distinct values: the summary's metric groups (one per tag value) stay small.
    String[] notes = new String[TAG_VALUES];
    for (int v = 0; v < TAG_VALUES; v++) {
      StringBuilder note = new StringBuilder();
      for (int k = 0; k < TAG_CHARS; k++) {
        note.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      notes[v] = note.toString();
    }
    StringBuilder csv = new StringBuilder("id,note\n");
    for (int i = 0; i < PARTITIONS; i++) {
      csv.append(String.format("s%05d,", i)).append(notes[i % TAG_VALUES]).append('\n');
    }
    Files.writeString(dir.resolve("parts.csv"), csv);
    Files.writeString(
        dir.resolve("plan.yml"),
        """
        name: big-plan
        job: job.yml
        partitions:
          file: parts.csv
        retry:
          maxAttempts: 1
          backoff: {initial: PT0.1S, multiplier: 2.0, max: PT0.5S, jitter: 0.2}
        concurrency:
          maxInFlight: 500
        """);
    return PlanLoader.load(dir.resolve("plan.yml"));
  }
}
