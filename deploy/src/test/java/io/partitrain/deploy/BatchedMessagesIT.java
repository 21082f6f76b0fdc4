package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partitrain.cli.CliCommands;
import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusBatch;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.kafka.DeadLetters;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.StatusTopicValues;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, counted from the topics' side on a real broker: a run's partition moves and job
 * statuses reach the runs and status topics batched ({@link RunEvent.PartitionMoves}, {@link
 * JobStatusBatch}), every move and status is carried exactly as a reader needs it, and a status
 * batch that cannot be read goes whole to the dead-letter topic while the run completes.
 */
@Timeout(180)
class BatchedMessagesIT {

  private static final int PARTITIONS = 60;

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  @Test
  void aRunsMovesAndStatusesArriveBatchedCompleteAndAPoisonBatchIsDeadLettered() {
    KafkaSettings kafka = kafka(BROKER);
    SimulatedBackend cloud = new SimulatedBackend(Clock.systemUTC(), SimulationProfile.fast(5));
    try (LocalStack stack = RunScenario.stack(kafka, 2, cloud);
        RunClient client = new RunClient(kafka, "it");
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(kafka.producer("poisoner", null))) {
      producer.send(
          new ProducerRecord<>(
              kafka.topics().status(),
              "w-poison",
              ("{\"type\":\"JobStatusBatch\",\"schemaVersion\":1,\"workerId\":\"w-poison\","
                      + "\"events\":[{\"schemaVersion\":1,\"kind\":\"STATUS\",\"attempt\":\"one\"}]}")
                  .getBytes(StandardCharsets.UTF_8)));
      producer.flush();

      var plan = plan(dir, PARTITIONS, "echo ${{partition.id}}", 20, 2);
      assertThat(
              client.send(
                  CliCommands.startCommand(plan, "run-batched", "it", Instant.now()),
                  Duration.ofSeconds(60)))
          .isInstanceOf(RunEvent.RunStarted.class);
      RunSummary done = awaitComplete(client, "run-batched");
      assertThat(done.count(PartitionState.SUCCEEDED)).isEqualTo(PARTITIONS);

      // The runs topic: far fewer records than moves, and every partition's moves all there.
      List<ConsumerRecord<String, byte[]>> runsRecords =
          TopicRecords.readAll(kafka, kafka.topics().runs());
      List<RunEvent.PartitionTransitioned> moves =
          runsRecords.stream()
              .flatMap(r -> RunEvent.unbatched(Json.read(r.value(), RunEvent.class)).stream())
              .filter(e -> e instanceof RunEvent.PartitionTransitioned)
              .map(e -> (RunEvent.PartitionTransitioned) e)
              .toList();
      assertThat(runsRecords)
          .as("batched: one record carries many moves")
          .anySatisfy(
              r ->
                  assertThat(Json.read(r.value(), RunEvent.class))
                      .isInstanceOf(RunEvent.PartitionMoves.class));
      assertThat(runsRecords.size()).isLessThan(moves.size() / 2);
      Map<String, Set<PartitionState>> statesByPartition =
          moves.stream()
              .collect(
                  Collectors.groupingBy(
                      RunEvent.PartitionTransitioned::partitionId,
                      Collectors.mapping(RunEvent.PartitionTransitioned::to, Collectors.toSet())));
      assertThat(statesByPartition).hasSize(PARTITIONS);
      assertThat(statesByPartition.values())
          .allSatisfy(
              states ->
                  assertThat(states)
                      .contains(
                          PartitionState.SCHEDULED,
                          PartitionState.ADMITTED,
                          PartitionState.SUBMITTED,
                          PartitionState.SUCCEEDED));
      assertThat(
              moves.stream()
                  .filter(m -> m.to() == PartitionState.SUCCEEDED)
                  .collect(Collectors.groupingBy(m -> m.partitionId(), Collectors.counting())))
          .as("one final move per partition")
          .allSatisfy((p, n) -> assertThat(n).isEqualTo(1L));

      // The status topic: worker-keyed batches carrying each job's SUBMITTED and final status.
      List<ConsumerRecord<String, byte[]>> statusRecords =
          TopicRecords.readAll(kafka, kafka.topics().status()).stream()
              .filter(r -> !"w-poison".equals(r.key()))
              .toList();
      List<JobStatusEvent> statuses =
          statusRecords.stream().flatMap(r -> StatusTopicValues.read(r.value()).stream()).toList();
      assertThat(statusRecords)
          .allSatisfy(r -> assertThat(JobStatusBatch.isBatch(r.value())).isTrue())
          .allSatisfy(r -> assertThat(r.key()).startsWith("w"));
      assertThat(statusRecords.size()).isLessThan(statuses.size() / 2);
      Map<String, List<JobPhase>> phases =
          statuses.stream()
              .filter(s -> s.kind() == JobStatusEvent.Kind.STATUS)
              .collect(
                  Collectors.groupingBy(
                      JobStatusEvent::partitionId,
                      Collectors.mapping(JobStatusEvent::phase, Collectors.toList())));
      assertThat(phases).hasSize(PARTITIONS);
      assertThat(phases.values())
          .allSatisfy(p -> assertThat(p).contains(JobPhase.SUBMITTED, JobPhase.SUCCEEDED));

      // The poison batch: dead-lettered whole, with the type it should have been.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(TopicRecords.readAll(kafka, kafka.topics().deadLetters()))
                      .singleElement()
                      .satisfies(
                          r ->
                              assertThat(
                                      new String(
                                          r.headers().lastHeader(DeadLetters.HEADER_REASON).value(),
                                          StandardCharsets.UTF_8))
                                  .contains("JobStatusBatch")));
    }
  }
}
