package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.plan;
import static io.partitrain.deploy.RunScenario.runEvents;
import static io.partitrain.deploy.RunScenario.workItems;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.cli.CliCommands;
import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.StartCommandWriter;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 (a million partitions): a start command larger than one record travels as {@link
 * RunCommand.StartRunPart}s and a {@link RunCommand.StartRunInParts} head (the part size lowered
 * here so that 240 partitions need many parts), and the orchestrator starts it whole: read from the
 * topics, every partition was scheduled once and submitted once, and the run completes. A head
 * whose parts cannot all be read is refused naming the part, and starts nothing.
 */
@Timeout(240)
class StartInPartsIT {

  private static final int PARTITIONS = 240;

  /** About 20 partitions of this plan per part. */
  private static final int PART_BYTES = 1_000;

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  @Test
  void aStartInPartsSchedulesEveryPartitionExactlyOnceAndAnIncompleteOneStartsNothing()
      throws Exception {
    KafkaSettings kafka = kafka(BROKER);
    SimulatedBackend cloud = new SimulatedBackend(Clock.systemUTC(), SimulationProfile.fast(5));
    try (LocalStack stack = RunScenario.stack(kafka, 2, cloud);
        RunClient client = new RunClient(kafka, "it", PART_BYTES);
        KafkaProducer<String, byte[]> raw = new KafkaProducer<>(kafka.producer("raw", null))) {
      var plan = plan(dir, PARTITIONS, "echo ${{partition.id}}", 50, 2);
      RunCommand.StartRun start = CliCommands.startCommand(plan, "run-parts", "it", Instant.now());
      int expectedParts = StartCommandWriter.split(start, PART_BYTES).size();
      assertThat(expectedParts).as("the test's start needs many parts").isGreaterThan(5);

      RunEvent answer = client.send(start, Duration.ofSeconds(60));

      assertThat(answer).isInstanceOf(RunEvent.RunStarted.class);
      assertThat(((RunEvent.RunStarted) answer).partitionCount()).isEqualTo(PARTITIONS);
      RunSummary done = awaitComplete(client, "run-parts");
      assertThat(done.count(PartitionState.SUCCEEDED)).isEqualTo(PARTITIONS);

      // What travelled: the parts, then one head naming exactly their offsets.
      List<ConsumerRecord<String, byte[]>> commands =
          TopicRecords.readAll(kafka, kafka.topics().commands());
      List<ConsumerRecord<String, byte[]>> parts =
          commands.stream().filter(r -> decode(r) instanceof RunCommand.StartRunPart).toList();
      List<RunCommand.StartRunInParts> heads =
          commands.stream()
              .map(StartInPartsIT::decode)
              .filter(c -> c instanceof RunCommand.StartRunInParts)
              .map(c -> (RunCommand.StartRunInParts) c)
              .toList();
      assertThat(parts).hasSize(expectedParts);
      assertThat(heads).singleElement();
      assertThat(heads.get(0).partOffsets())
          .containsExactlyElementsOf(parts.stream().map(ConsumerRecord::offset).toList());
      assertThat(parts).allSatisfy(r -> assertThat(r.value().length).isLessThan(2 * PART_BYTES));

      // What the orchestrator decided, read back: each partition scheduled once, submitted once.
      List<RunEvent> events = runEvents(kafka);
      Map<String, Long> scheduled =
          events.stream()
              .filter(e -> e instanceof RunEvent.PartitionTransitioned t && t.from() == null)
              .map(e -> ((RunEvent.PartitionTransitioned) e).partitionId())
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(scheduled)
          .hasSize(PARTITIONS)
          .containsOnlyKeys(start.partitions().stream().map(p -> p.id()).toList());
      assertThat(scheduled.values()).containsOnly(1L);
      Map<String, Long> submitted =
          workItems(kafka).stream()
              .filter(w -> w.kind() == WorkItem.Kind.SUBMIT)
              .collect(Collectors.groupingBy(WorkItem::partitionId, Collectors.counting()));
      assertThat(submitted).hasSize(PARTITIONS);
      assertThat(submitted.values()).containsOnly(1L);
      assertThat(events.stream().filter(e -> e instanceof RunEvent.RunStarted)).hasSize(1);

      // A head naming a record that is not one of its parts: refused, nothing started.
      RecordMetadata notAPart =
          raw.send(
                  new ProducerRecord<>(
                      kafka.topics().commands(), "run-broken", Json.toBytes(start)))
              .get();
      RunCommand.StartRun other = CliCommands.startCommand(plan, "run-broken", "it", Instant.now());
      RunEvent refused =
          client.send(
              RunCommand.StartRunInParts.of(other, List.of(notAPart.offset())),
              Duration.ofSeconds(60));
      assertThat(refused).isInstanceOf(RunEvent.CommandRejected.class);
      assertThat(((RunEvent.CommandRejected) refused).reason())
          .isEqualTo(
              "part 0 (offset "
                  + notAPart.offset()
                  + " of "
                  + kafka.topics().commands()
                  + "-"
                  + notAPart.partition()
                  + "): type = StartRun, but a part is a StartRunPart");
      assertThat(runEvents(kafka))
          .filteredOn(e -> "run-broken".equals(e.runId()))
          .singleElement()
          .isInstanceOf(RunEvent.CommandRejected.class);
    }
  }

  private static RunCommand decode(ConsumerRecord<String, byte[]> r) {
    return Json.read(r.value(), RunCommand.class);
  }
}
