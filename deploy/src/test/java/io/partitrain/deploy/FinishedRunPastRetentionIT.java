package io.partitrain.deploy;

import static io.partitrain.deploy.ConsoleServerVerbsIT.cli;
import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.client.RunClient;
import io.partitrain.deploy.ConsoleServerVerbsIT.Result;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
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
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 5: a finished run stays readable after its decisions aged out of the runs topic. A
 * real run finishes (its final snapshot written by the leader), then every record of the runs topic
 * is deleted as retention would delete it ({@code Admin.deleteRecords}); a console started
 * afterwards, and the CLI's {@code run evidence} and {@code job show} with and without {@code
 * --server}, answer from the final snapshot, and say so. A run id that never ran gets a message
 * that names the retention settings, never an empty answer.
 */
@Timeout(300)
class FinishedRunPastRetentionIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  private static final int PARTITIONS = 6;
  private static final String BROKEN = "p003";

  @Test
  void theConsoleAndTheCliReadAFinishedRunFromItsFinalSnapshotAfterRetention() throws Exception {
    KafkaSettings kafka = kafka(BROKER);
    LocalTokenAuthenticator token = LocalTokenAuthenticator.generate();
    // p003 fails (USER, not retried), the others succeed.
    Plan plan = RunScenario.plan(dir, PARTITIONS, "echo ${{partition.id}}", 3, 2);
    try (LocalStack stack = ConsoleIT.stack(kafka, ConsoleIT.backend());
        RunClient client = new RunClient(kafka, "it")) {
      assertThat(RunScenario.start(client, plan, "aged")).isInstanceOf(RunEvent.RunStarted.class);
      assertThat(awaitComplete(client, "aged").count(PartitionState.FAILED)).isEqualTo(1);
      // An operator reruns the failed partition: it fails again, in a second attempt.
      RunEvent rerun =
          client.send(
              new RunCommand.RerunFailed(
                  Schema.VERSION, "rerun-1", "aged", "it", "once more", Instant.now()),
              Duration.ofSeconds(60));
      assertThat(rerun).isInstanceOf(RunEvent.RerunAccepted.class);
      StateSnapshot.Run snapshot =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> client.finalSnapshot("aged"),
                  s ->
                      s.isPresent()
                          && s.get().partitions().stream()
                              .anyMatch(p -> p.id().equals(BROKEN) && p.attempt() == 2))
              .orElseThrow();
      RunSummary aged = snapshot.summary();
      assertThat(aged.count(PartitionState.FAILED)).isEqualTo(1);
      Result before = cli(kafka, List.of(), "run", "evidence", "aged");
      assertThat(before.code()).as(before.err()).isZero();
      JsonNode full = Json.mapper().readTree(before.out());

      // Retention passes on the runs topic: every record so far is deleted.
      long deleted = deleteRunsTopic(kafka);
      assertThat(deleted).isPositive();
      assertThat(TopicRecords.readAll(kafka, kafka.topics().runs()))
          .noneMatch(r -> "aged".equals(r.key()));

      // A run started afterwards is still on the runs topic, with its history.
      assertThat(RunScenario.start(client, plan, "fresh")).isInstanceOf(RunEvent.RunStarted.class);
      awaitComplete(client, "fresh");
      await().atMost(Duration.ofSeconds(60)).until(() -> client.finalSnapshot("fresh").isPresent());

      // A console started now has read the runs topic and the state topic to their end.
      Console console = stack.startConsole(ConsoleConfig.ephemeral(), token, Optional.empty());
      assertThat(console.view().awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
      HttpClient http = HttpClient.newHttpClient();

      JsonNode runs = ConsoleIT.api(http, console, token, "/api/v1/runs");
      Map<String, JsonNode> byId = new HashMap<>();
      runs.get("items").forEach(r -> byId.put(r.get("runId").asText(), r));
      assertThat(byId).containsKeys("aged", "fresh");
      assertThat(byId.get("aged").path("fromFinalSnapshot").asBoolean()).isTrue();
      assertThat(byId.get("fresh").has("fromFinalSnapshot"))
          .as("a run still on the runs topic is read from its decisions")
          .isFalse();

      JsonNode run = ConsoleIT.api(http, console, token, "/api/v1/runs/aged?include=summary");
      assertThat(run.get("fromFinalSnapshot").asBoolean()).isTrue();
      assertThat(run.get("outcome").asText()).isEqualTo("FAILED");
      assertThat(run.get("total").asInt()).isEqualTo(PARTITIONS);
      assertThat(run.get("byState").get("SUCCEEDED").asInt()).isEqualTo(PARTITIONS - 1);
      assertThat(run.get("byState").get("FAILED").asInt()).isEqualTo(1);
      assertThat(run.get("attempts").asInt()).isEqualTo(snapshot.attempts());
      assertThat(run.get("planName").asText()).isEqualTo("it-plan");
      assertThat(run.get("summary").get("byState"))
          .isEqualTo(Json.mapper().valueToTree(aged).get("byState"));

      JsonNode failed =
          ConsoleIT.api(http, console, token, "/api/v1/runs/aged/partitions?state=FAILED");
      assertThat(failed.get("fromFinalSnapshot").asBoolean()).isTrue();
      assertThat(failed.get("items").findValuesAsText("partitionId")).containsExactly(BROKEN);
      assertThat(failed.get("items").get(0).get("failureClass").asText()).isEqualTo("USER");
      assertThat(failed.get("items").get(0).get("attempt").asInt()).isEqualTo(2);

      JsonNode job = ConsoleIT.api(http, console, token, "/api/v1/runs/aged/jobs/" + BROKEN);
      assertThat(job.get("fromFinalSnapshot").asBoolean()).isTrue();
      assertThat(job.get("state").asText()).isEqualTo("FAILED");
      assertThat(job.get("failureClass").asText()).isEqualTo("USER");
      assertThat(job.get("statusHistory")).isEmpty();
      var earlier =
          ConsoleIT.get(
              http, console, "/api/v1/runs/aged/jobs/" + BROKEN + "?attempt=1", token.token());
      assertThat(earlier.statusCode()).isEqualTo(410);
      assertThat(earlier.body()).contains("PARTITRAIN_RUNS_RETENTION", "aged");

      // The fresh run keeps its history in the console.
      JsonNode freshJob = ConsoleIT.api(http, console, token, "/api/v1/runs/fresh/jobs/p001");
      assertThat(freshJob.has("fromFinalSnapshot")).isFalse();
      assertThat(freshJob.get("statusHistory")).isNotEmpty();

      // run evidence: through Kafka and through the console, the same bundle from the snapshot;
      // each partition's last attempt as the full bundle had it before retention.
      List<String> server = ConsoleIT.serverOptions(dir, console, token);
      Result evidenceK = cli(kafka, List.of(), "run", "evidence", "aged");
      Result evidenceS = cli(null, server, "run", "evidence", "aged");
      assertThat(evidenceK.code()).as(evidenceK.err()).isZero();
      assertThat(evidenceS.code()).as(evidenceS.err()).isZero();
      JsonNode bundleK = Json.mapper().readTree(evidenceK.out());
      JsonNode bundleS = Json.mapper().readTree(evidenceS.out());
      for (JsonNode bundle : List.of(bundleK, bundleS)) {
        assertThat(bundle.get("fromFinalSnapshot").asBoolean()).isTrue();
        assertThat(bundle.get("note").asText()).contains("PARTITRAIN_RUNS_RETENTION");
        assertThat(bundle.get("jobTemplateSha256")).isEqualTo(full.get("jobTemplateSha256"));
        assertThat(bundle.get("byState")).isEqualTo(full.get("byState"));
        assertThat(bundle.get("requestedBy")).isEqualTo(full.get("requestedBy"));
        assertThat(lastAttempts(bundle)).isEqualTo(lastAttempts(full)).hasSize(PARTITIONS);
      }
      assertThat(full.get("jobs")).hasSize(PARTITIONS + 1);

      // job show: the last attempt from the snapshot; an earlier one is past retention.
      for (List<String> extra : List.of(List.<String>of(), server)) {
        Result show = cli(extra.isEmpty() ? kafka : null, extra, "job", "show", "aged", BROKEN);
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("FAILED", "USER", "2 of 2");
        Result old =
            cli(
                extra.isEmpty() ? kafka : null,
                extra,
                "job",
                "show",
                "aged",
                BROKEN,
                "--attempt",
                "1");
        assertThat(old.code()).as(old.err()).isEqualTo(3);
        assertThat(old.err()).contains("aged", "PARTITRAIN_RUNS_RETENTION");
        assertThat(old.out()).isEmpty();
      }

      // run show --partitions: the same lines from the snapshot, with and without the console.
      for (String[] verb :
          List.of(
              new String[] {"run", "show", "aged", "--partitions"},
              new String[] {"run", "show", "aged", "--partitions", "-o", "json"})) {
        Result k = cli(kafka, List.of(), verb);
        Result sv = cli(null, server, verb);
        assertThat(k.code()).as(k.err()).isZero();
        assertThat(sv.code()).as(sv.err()).isZero();
        assertThat(k.out()).as(String.join(" ", verb)).contains(BROKEN, "USER", "FAILED");
        assertThat(sv.out()).as(String.join(" ", verb)).isEqualTo(k.out());
      }
      // The FinOps report is built from the cost decisions, which are gone: refused, not partial.
      var report = ConsoleIT.get(http, console, "/api/v1/runs/aged/finops/report", token.token());
      assertThat(report.statusCode()).isEqualTo(410);
      assertThat(report.body()).contains("PARTITRAIN_RUNS_RETENTION");
      // finops report says the same with and without the console: refused, naming the setting.
      for (List<String> extra : List.of(List.<String>of(), server)) {
        Result r = cli(extra.isEmpty() ? kafka : null, extra, "finops", "report", "aged");
        assertThat(r.code()).as("finops report " + extra + ": " + r.err()).isEqualTo(3);
        assertThat(r.err()).contains("aged", "PARTITRAIN_RUNS_RETENTION");
        assertThat(r.out()).isEmpty();
      }

      // A run id that never ran: a message naming the retention settings, not an empty answer.
      for (String[] verb :
          List.of(
              new String[] {"run", "evidence", "never-ran"},
              new String[] {"finops", "report", "never-ran"},
              new String[] {"job", "show", "never-ran", "p001"})) {
        for (List<String> extra : List.of(List.<String>of(), server)) {
          Result r = cli(extra.isEmpty() ? kafka : null, extra, verb);
          assertThat(r.code()).as(String.join(" ", verb) + " " + extra).isEqualTo(3);
          assertThat(r.err())
              .as(String.join(" ", verb) + " " + extra)
              .contains("never-ran", "PARTITRAIN_RUNS_RETENTION");
          assertThat(r.out()).isEmpty();
        }
      }

      // The final snapshot's own retention passes (the leader writes a tombstone): the console,
      // following the state topic, lets the run go; the fresh run stays.
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(kafka.producer("it-tombstone", null))) {
        producer
            .send(new ProducerRecord<>(kafka.topics().state(), StateSnapshot.runKey("aged"), null))
            .get();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  ConsoleIT.get(http, console, "/api/v1/runs/aged", token.token()).statusCode()
                      == 404);
      assertThat(ConsoleIT.get(http, console, "/api/v1/runs/aged", token.token()).body())
          .contains("PARTITRAIN_RUNS_RETENTION", "PARTITRAIN_FINISHED_RUN_RETENTION");
      assertThat(ConsoleIT.api(http, console, token, "/api/v1/runs/fresh").get("outcome").asText())
          .isEqualTo("FAILED");
    }
  }

  /** Per partition, its last attempt's number, state, failure class and job, from a bundle. */
  private static Map<String, List<String>> lastAttempts(JsonNode bundle) {
    Map<String, List<String>> out = new HashMap<>();
    Map<String, Integer> last = new HashMap<>();
    for (JsonNode j : bundle.get("jobs")) {
      String id = j.get("partitionId").asText();
      int attempt = j.get("attempt").asInt();
      if (attempt >= last.getOrDefault(id, 0)) {
        last.put(id, attempt);
        out.put(
            id,
            List.of(
                String.valueOf(attempt),
                j.path("state").asText(),
                j.path("failureClass").asText(""),
                j.path("jobName").asText("")));
      }
    }
    return out;
  }

  /** Deletes every record of the runs topic so far, as its retention would; returns how many. */
  static long deleteRunsTopic(KafkaSettings kafka) throws Exception {
    Map<TopicPartition, Long> end;
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer("it-end", null))) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(kafka.topics().runs())
          .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      end = c.endOffsets(parts);
    }
    Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
    end.forEach((p, o) -> delete.put(p, RecordsToDelete.beforeOffset(o)));
    try (Admin admin = Admin.create(kafka.common("it-admin"))) {
      admin.deleteRecords(delete).all().get();
    }
    return end.values().stream().mapToLong(Long::longValue).sum();
  }
}
