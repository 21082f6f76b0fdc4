package io.partitrain.deploy;

import static io.partitrain.deploy.ConsoleServerVerbsIT.cli;
import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.runEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.cli.client.RunClient;
import io.partitrain.deploy.ConsoleServerVerbsIT.Result;
import io.partitrain.deploy.ScheduledRunIT.ShiftedClock;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.orchestrator.console.view.FinalSnapshots;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.schedule.CronSchedule;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import io.partitrain.worker.WorkerConfig;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 5: a schedule outlives the runs topic's retention. A schedule is applied, fires
 * once (the orchestrator's clock is moved to just before the fire time), and is paused; then every
 * record of the runs topic is deleted as retention would ({@code Admin.deleteRecords}). The
 * console's {@code /schedules}, started afterwards, and {@code schedule list} with and without
 * {@code --server} still list it from the state topic's {@code schedule/PLAN} snapshot, with its
 * cron, time zone, pause, last run and next fire times; it can still be resumed through the
 * console.
 */
@Timeout(180)
class SchedulePastRetentionIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  /** Fixed, so the listings' next fire times can be compared across reads. */
  private static final String FROM = "2030-01-07T00:00:00Z";

  @Test
  void aScheduleWhoseEventsAgedOutIsStillListedByTheConsoleAndTheCli() throws Exception {
    KafkaSettings kafka = kafka(BROKER);
    LocalTokenAuthenticator token = LocalTokenAuthenticator.generate();
    Plan plan = RunScenario.plan(dir, 2, "echo ${{partition.id}}", 2, 1);
    ScheduleSpec spec =
        new ScheduleSpec(
            "* * * * *",
            "Europe/Amsterdam",
            ScheduleSpec.ConcurrencyPolicy.ALLOW,
            Duration.ofMinutes(5),
            "{plan}-{year}{month}{day}-{hour}{minute}");
    ShiftedClock clock = new ShiftedClock();
    try (LocalStack stack =
            LocalStack.start(
                kafka,
                1,
                id -> ConsoleIT.backend(),
                WorkerConfig.forInstallation("w", kafka.topics().prefix())
                    .withPollInterval(Duration.ofMillis(50)),
                clock);
        RunClient client = new RunClient(kafka, "it")) {
      RunEvent applied =
          client.send(
              new RunCommand.ApplySchedule(
                  Schema.VERSION,
                  UUID.randomUUID().toString(),
                  ScheduleSpec.key(plan.name()),
                  spec,
                  plan.definition(),
                  plan.partitions(),
                  "it",
                  clock.instant()),
              Duration.ofSeconds(60));
      assertThat(applied).isInstanceOf(RunEvent.ScheduleApplied.class);
      // Move the orchestrator's clock to 2 s before the next fire time: it fires once, then the
      // schedule is paused (a paused schedule starts no run, so the last run stays this one).
      var fire = CronSchedule.of(spec).nextAfter(((RunEvent.ScheduleApplied) applied).at());
      clock.shift(Duration.between(Instant.now(), fire.orElseThrow().at().minusSeconds(2)));
      String fired =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      runEvents(kafka).stream()
                          .filter(e -> e instanceof RunEvent.ScheduleFired)
                          .map(RunEvent::runId)
                          .findFirst(),
                  Optional::isPresent)
              .orElseThrow();
      Result pause = cli(kafka, List.of(), "schedule", "pause", plan.name(), "--reason", "it");
      assertThat(pause.code()).as(pause.err()).isZero();
      awaitComplete(client, fired);
      String lastRun =
          runEvents(kafka).stream()
              .filter(e -> e instanceof RunEvent.ScheduleFired)
              .map(RunEvent::runId)
              .reduce((a, b) -> b)
              .orElseThrow();
      // The leader's snapshot of the schedule holds the pause and the last run.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> scheduleSnapshot(kafka, plan.name()),
              s -> s.isPresent() && s.get().paused() && lastRun.equals(s.get().lastRunId()));
      JsonNode before = listing(cli(kafka, List.of(), list()));
      assertThat(before).hasSize(1);
      assertThat(before.get(0).get("paused").asBoolean()).isTrue();
      assertThat(before.get(0).get("lastRunId").asText()).isEqualTo(lastRun);

      // Retention passes on the runs topic: the ScheduleApplied is gone.
      assertThat(FinishedRunPastRetentionIT.deleteRunsTopic(kafka)).isPositive();
      assertThat(runEvents(kafka)).noneMatch(e -> e instanceof RunEvent.ScheduleApplied);

      Console console = stack.startConsole(ConsoleConfig.ephemeral(), token, Optional.empty());
      assertThat(console.view().awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      var response = ConsoleIT.get(http, console, "/api/v1/schedules", token.token());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode items = Json.mapper().readTree(response.body()).get("items");
      assertThat(items).hasSize(1);
      JsonNode s = items.get(0);
      assertThat(s.get("planName").asText()).isEqualTo(plan.name());
      assertThat(s.get("cron").asText()).isEqualTo("* * * * *");
      assertThat(s.get("timeZone").asText()).isEqualTo("Europe/Amsterdam");
      assertThat(s.get("paused").asBoolean()).isTrue();
      assertThat(s.get("appliedBy").asText()).isEqualTo("it");
      assertThat(s.get("lastRunId").asText()).isEqualTo(lastRun);

      // schedule list, through Kafka and through the console: as before retention.
      List<String> server = server(console, token);
      JsonNode viaKafka = listing(cli(kafka, List.of(), list()));
      JsonNode viaServer = listing(cli(null, server, list()));
      assertThat(withoutLastDecided(viaKafka)).isEqualTo(withoutLastDecided(before));
      assertThat(withoutLastDecided(viaServer)).isEqualTo(withoutLastDecided(before));
      Result table = cli(kafka, List.of(), "schedule", "list");
      assertThat(table.code()).as(table.err()).isZero();
      assertThat(table.out()).contains(plan.name(), "Europe/Amsterdam", "yes", lastRun);

      // The console still knows the schedule, so it can be resumed through it.
      Result resume = cli(null, server, "schedule", "resume", plan.name(), "--reason", "it");
      assertThat(resume.code()).as(resume.err()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !listing(cli(kafka, List.of(), list())).get(0).get("paused").asBoolean());
    }
  }

  private static String[] list() {
    return new String[] {"schedule", "list", "-o", "json", "--count", "2", "--from", FROM};
  }

  private static JsonNode listing(Result r) throws Exception {
    assertThat(r.code()).as(r.err()).isZero();
    return Json.mapper().readTree(r.out());
  }

  /** The latest decided fire time moves on while paused (each skip): compared apart. */
  private static JsonNode withoutLastDecided(JsonNode views) {
    JsonNode copy = views.deepCopy();
    copy.forEach(v -> ((ObjectNode) v).remove("lastDecided"));
    return copy;
  }

  private static Optional<StateSnapshot.Schedule> scheduleSnapshot(
      KafkaSettings kafka, String plan) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    TopicRecords.readAll(kafka, kafka.topics().state()).stream()
        .filter(r -> StateSnapshot.scheduleKey(plan).equals(r.key()))
        .forEach(records::add);
    return records.isEmpty()
        ? Optional.empty()
        : FinalSnapshots.schedule(records.get(records.size() - 1));
  }

  private List<String> server(Console console, LocalTokenAuthenticator token) throws Exception {
    Path f = dir.resolve("admin.token");
    Files.writeString(f, token.token());
    return List.of("--server", console.url().toString(), "--token-file", f.toString());
  }
}
