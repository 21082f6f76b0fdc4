package io.partitrain.deploy;

import static io.partitrain.deploy.ConsoleServerVerbsIT.cli;
import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.client.RunClient;
import io.partitrain.deploy.ConsoleServerVerbsIT.Result;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 29, item 3: a finished run beyond the console's memory bound
 * (PARTITRAIN_CONSOLE_RETAINED_RUNS) keeps only its summary in memory, but its decisions are still
 * on the runs topic. The console used to answer 410 for its jobs, partitions, evidence and FinOps
 * report and send the operator to Kafka; it now reads the run's detail from the topics on demand,
 * and the answers equal those for a run it holds in memory and those the CLI reads through Kafka.
 */
@Timeout(300)
class ConsoleEvictedDetailIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  @Test
  void theConsoleReadsAnEvictedRunsDetailFromTheTopics() throws Exception {
    KafkaSettings kafka = kafka(BROKER);
    LocalTokenAuthenticator token = LocalTokenAuthenticator.generate();
    // p003 fails (USER, not retried), the others succeed.
    RunScenario.plan(dir, 4, "echo ${{partition.id}}", 3, 2);
    // Priced, so that the run has a ledger and a FinOps report to ask for.
    Files.writeString(
        dir.resolve("plan.yml"),
        """
        budget:
          cap: 100
          currency: EUR
          prices: {local: 3.60}
        """,
        StandardOpenOption.APPEND);
    Plan plan = PlanLoader.load(dir.resolve("plan.yml"));
    try (LocalStack stack = ConsoleIT.stack(kafka, ConsoleIT.backend());
        RunClient client = new RunClient(kafka, "it")) {
      for (String run : List.of("older", "newer")) {
        assertThat(RunScenario.start(client, plan, run)).isInstanceOf(RunEvent.RunStarted.class);
        assertThat(awaitComplete(client, run).count(PartitionState.FAILED)).isEqualTo(1);
      }
      // A console that keeps one finished run in detail: "older" keeps its summary only.
      Console console =
          stack.startConsole(
              ConsoleConfig.ephemeral().withRetainedRuns(1), token, Optional.empty());
      assertThat(console.view().awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      assertThat(
              ConsoleIT.api(http, console, token, "/api/v1/runs/older")
                  .path("detailEvicted")
                  .asBoolean())
          .as("the bound under test holds: the older run's detail is not in memory")
          .isTrue();

      // A console that keeps every run in detail answers the same, field for field.
      try (Console holding =
          Console.start(
              kafka,
              "it-holding",
              ConsoleConfig.ephemeral(),
              token,
              new Console.Host(Optional.empty(), () -> "", () -> false),
              Clock.systemUTC())) {
        assertThat(holding.view().awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
        assertThat(ConsoleIT.api(http, holding, token, "/api/v1/runs/older").has("detailEvicted"))
            .isFalse();
        assertSameAnswers(http, token, console, holding);
      }
      JsonNode job = ConsoleIT.api(http, console, token, "/api/v1/runs/older/jobs/p003");
      assertThat(job.get("state").asText()).isEqualTo("FAILED");
      assertThat(job.get("failureClass").asText()).isEqualTo("USER");
      assertThat(job.get("statusHistory")).isNotEmpty();
      JsonNode failed =
          ConsoleIT.api(http, console, token, "/api/v1/runs/older/partitions?state=FAILED");
      assertThat(failed.get("items").findValuesAsText("partitionId")).containsExactly("p003");

      // The CLI through the console and through Kafka say the same about the evicted run.
      List<String> server = ConsoleIT.serverOptions(dir, console, token);
      for (String[] verb :
          List.of(
              new String[] {"job", "show", "older", "p003"},
              new String[] {"run", "show", "older", "--partitions", "-o", "json"},
              new String[] {"finops", "report", "older"})) {
        Result k = cli(kafka, List.of(), verb);
        Result s = cli(null, server, verb);
        assertThat(k.code()).as(String.join(" ", verb) + ": " + k.err()).isZero();
        assertThat(s.code()).as(String.join(" ", verb) + " --server: " + s.err()).isZero();
        assertThat(s.out()).as(String.join(" ", verb)).isEqualTo(k.out());
      }
      Result evidenceK = cli(kafka, List.of(), "run", "evidence", "older");
      Result evidenceS = cli(null, server, "run", "evidence", "older");
      assertThat(evidenceS.code()).as(evidenceS.err()).isZero();
      JsonNode bundleK = Json.mapper().readTree(evidenceK.out());
      JsonNode bundleS = Json.mapper().readTree(evidenceS.out());
      assertThat(bundleS.get("jobs")).isEqualTo(bundleK.get("jobs"));
      assertThat(bundleS.get("byState")).isEqualTo(bundleK.get("byState"));
    }
  }

  /** Every detail answer of the bounded console equals the holding console's, field for field. */
  private static void assertSameAnswers(
      HttpClient http, LocalTokenAuthenticator token, Console bounded, Console holding)
      throws Exception {
    for (String path :
        List.of(
            "/api/v1/runs/older/partitions",
            "/api/v1/runs/older/partitions?state=FAILED",
            "/api/v1/runs/older/jobs/p003",
            "/api/v1/runs/older/jobs/p003?attempt=1",
            "/api/v1/runs/older/finops",
            "/api/v1/runs/older/finops/ledger",
            "/api/v1/runs/older/finops/events",
            "/api/v1/runs/older/finops/report",
            "/api/v1/runs/older/evidence")) {
      var response = ConsoleIT.get(http, bounded, path, token.token());
      assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
      JsonNode expected = withoutClock(ConsoleIT.api(http, holding, token, path));
      assertThat(withoutClock(Json.mapper().readTree(response.body())))
          .as(path)
          .isEqualTo(expected);
    }
  }

  /** The answer without the fields that say when it was made. */
  private static JsonNode withoutClock(JsonNode answer) {
    if (answer instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
      o.remove(List.of("generatedAt", "now", "asOf"));
    }
    return answer;
  }
}
