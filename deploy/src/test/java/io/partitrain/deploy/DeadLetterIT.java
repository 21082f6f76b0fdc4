package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.partitrain.cli.CliCommands;
import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.kafka.DeadLetters;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.testing.WorkItemBuilder;
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
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Poison messages land on the dead-letter topic with their reason, and the run still completes. */
@Timeout(180)
class DeadLetterIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  @Test
  void poisonMessagesAreDeadLetteredWithTheirReasonAndTheRunStillCompletes() {
    KafkaSettings kafka = kafka(BROKER);
    SimulatedBackend cloud = new SimulatedBackend(Clock.systemUTC(), SimulationProfile.fast(5));
    try (LocalStack stack = RunScenario.stack(kafka, 2, cloud);
        RunClient client = new RunClient(kafka, "it");
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(kafka.producer("poisoner", null))) {
      Map<String, String> poison =
          Map.of(
              kafka.topics().work(), "this is not JSON",
              kafka.topics().status(),
                  "{\"schemaVersion\":1,\"kind\":\"STATUS\",\"attempt\":\"one\"}",
              kafka.topics().commands(), "{\"schemaVersion\":1,\"type\":\"Reboot\"}");
      poison.forEach(
          (topic, value) ->
              producer.send(
                  new ProducerRecord<>(topic, "poison", value.getBytes(StandardCharsets.UTF_8))));
      // A work item whose partition id would be unsafe on a command line.
      String valid = Json.toString(WorkItemBuilder.aWorkItem().build());
      String evil =
          valid.replace("\"partitionId\":\"store-001\"", "\"partitionId\":\"x; rm -rf ~\"");
      assertThat(evil).isNotEqualTo(valid);
      producer.send(
          new ProducerRecord<>(
              kafka.topics().work(), "evil", evil.getBytes(StandardCharsets.UTF_8)));
      producer.flush();

      // Start commands the CLI would never send, straight to the commands topic (issue 8): each
      // is refused with the field, the value and the rule, and the next run is unaffected.
      Plan plan = plan(dir, 10, "echo ${{partition.id}}", 5, 2);
      RunCommand.StartRun good = CliCommands.startCommand(plan, "run-poison", "it", Instant.now());
      RunDefinition d = good.definition();
      ObjectNode zeroNodes = (ObjectNode) d.jobTemplate().deepCopy();
      zeroNodes.putObject("resources").put("instance_count", 0);
      Map<RunDefinition, String> bad =
          Map.of(
              new RunDefinition(d.planName(), d.planSource(), d.jobTemplate(), d.retry(), null),
              "definition.limits",
              new RunDefinition(d.planName(), d.planSource(), d.jobTemplate(), null, d.limits()),
              "definition.retry",
              new RunDefinition(
                  d.planName(), d.planSource(), TextNode.valueOf("x"), d.retry(), d.limits()),
              "job template = '\"x\"': must be a YAML mapping",
              new RunDefinition(d.planName(), d.planSource(), zeroNodes, d.retry(), d.limits()),
              "resources.instance_count = '0': must be an integer of at least 1");
      bad.forEach(
          (definition, reason) -> {
            RunCommand.StartRun poisoned =
                new RunCommand.StartRun(
                    Schema.VERSION,
                    UUID.randomUUID().toString(),
                    "run-poisoned",
                    definition,
                    good.partitions(),
                    "it",
                    Instant.now());
            assertThat(client.send(poisoned, Duration.ofSeconds(60)))
                .isInstanceOfSatisfying(
                    RunEvent.CommandRejected.class, r -> assertThat(r.reason()).contains(reason));
          });
      assertThat(client.send(good, Duration.ofSeconds(60))).isInstanceOf(RunEvent.RunStarted.class);
      RunSummary done = awaitComplete(client, "run-poison");
      assertThat(done.count(PartitionState.SUCCEEDED)).isEqualTo(10);

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(TopicRecords.readAll(kafka, kafka.topics().deadLetters())).hasSize(4));
      List<ConsumerRecord<String, byte[]>> dead =
          TopicRecords.readAll(kafka, kafka.topics().deadLetters());
      Map<String, String> reasonBySource =
          dead.stream()
              .collect(
                  Collectors.toMap(
                      r ->
                          header(r, DeadLetters.HEADER_SOURCE)
                              + "|"
                              + new String(r.value(), StandardCharsets.UTF_8).length(),
                      r -> header(r, DeadLetters.HEADER_REASON)));
      assertThat(reasonBySource.values())
          .anySatisfy(r -> assertThat(r).contains("unreadable work item"))
          .anySatisfy(r -> assertThat(r).contains("partition id 'x; rm -rf ~' does not match"))
          .anySatisfy(r -> assertThat(r).contains("JobStatusEvent"))
          .anySatisfy(r -> assertThat(r).contains("RunCommand"));
      assertThat(dead)
          .allSatisfy(r -> assertThat(header(r, DeadLetters.HEADER_COMPONENT)).isNotBlank());
      assertThat(dead)
          .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
          .as("the original bytes are kept")
          .contains("this is not JSON");
    }
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
