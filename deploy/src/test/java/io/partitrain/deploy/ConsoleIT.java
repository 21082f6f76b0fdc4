package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.runEvents;
import static io.partitrain.deploy.RunScenario.statusEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.partitrain.assets.CodeSnapshot;
import io.partitrain.cli.CliCommands;
import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.main.PartitrainCli;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.TestIdentityProvider;
import io.partitrain.orchestrator.console.auth.Authenticator;
import io.partitrain.orchestrator.console.auth.JwtAuthenticator;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console against a real run: the orchestrator, workers and console on the embedded broker,
 * called over HTTP. {@link ConsoleBrowserIT} drives the page in Chromium.
 */
@Timeout(300)
class ConsoleIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;
  @TempDir Path heldDir;

  private static final Pattern GAUGE =
      Pattern.compile("^partitrain_partitions\\{state=\"([A-Z_]+)\"} (\\S+)$", Pattern.MULTILINE);

  static final Set<String> BROKEN = Set.of("p003", "p007");

  /** Twelve partitions, two of them broken (USER failures); priced with a cap, 1 attempt each. */
  static Plan budgetPlan(Path dir, int partitions) throws IOException {
    Files.writeString(
        dir.resolve("job.yml"),
        """
        command: echo ${{partition.id}}
        code: ./src
        compute: azureml:cpu-cluster
        resources:
          instance_count: 1
          instance_type: Standard_DS3_v2
        limits:
          timeout: 60
        tags:
          region: ${{partition.tags.region}}
        """);
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/train.py"), "print('trained')\n");
    StringBuilder csv = new StringBuilder("id,region\n");
    for (int i = 1; i <= partitions; i++) {
      csv.append(String.format("p%03d,%s%n", i, i % 2 == 0 ? "north" : "south"));
    }
    Files.writeString(dir.resolve("parts.csv"), csv);
    Files.writeString(
        dir.resolve("plan.yml"),
        """
        name: console-it
        job: job.yml
        partitions:
          file: parts.csv
        retry:
          maxAttempts: 1
        concurrency:
          maxInFlight: 3
        budget:
          cap: 1.00
          currency: EUR
          prices: {Standard_DS3_v2: 0.27}
        """);
    return PlanLoader.load(dir.resolve("plan.yml"));
  }

  /**
   * {@link #budgetPlan} with a cap that holds one reservation (0.0045) and 0.00005 of spend: at
   * most five of its twelve jobs (at least 150 ms each, 0.0000112 spent each) run, and the rest
   * wait on the budget for good.
   */
  static Plan heldPlan(Path dir) throws IOException {
    budgetPlan(dir, 12);
    Files.writeString(
        dir.resolve("plan.yml"),
        Files.readString(dir.resolve("plan.yml")).replace("cap: 1.00", "cap: 0.00455"));
    return PlanLoader.load(dir.resolve("plan.yml"));
  }

  static SimulatedBackend backend() {
    SimulatedBackend cloud =
        new SimulatedBackend(
            Clock.systemUTC(),
            new SimulationProfile(
                Duration.ofMillis(20), Duration.ofMillis(150), Duration.ofMillis(400), 0, 0, 7));
    cloud.breakPartitions(BROKEN);
    return cloud;
  }

  static LocalStack stack(KafkaSettings kafka, SimulatedBackend cloud) {
    return RunScenario.stack(kafka, 2, cloud);
  }

  @Test
  void metricsAndTheApiAgreeWithTheRunDuringAndAfterIt() throws Exception {
    KafkaSettings kafka = kafka(BROKER);
    LocalTokenAuthenticator token = LocalTokenAuthenticator.generate();
    Plan plan = budgetPlan(dir, 12);
    try (LocalStack stack = stack(kafka, backend());
        RunClient client = new RunClient(kafka, "it")) {
      Console console = stack.startConsole(ConsoleConfig.ephemeral(), token, Optional.empty());
      HttpClient http = HttpClient.newHttpClient();
      client.send(
          CliCommands.startCommand(plan, "run-m", "it", Instant.now()), Duration.ofSeconds(60));

      // During the run: every scrape accounts for all 12 partitions, whatever their states.
      int scrapes = 0;
      RunSummary done = null;
      while (done == null) {
        Map<String, Double> gauges = partitionGauges(get(http, console, "/metrics", null).body());
        double sum = gauges.values().stream().mapToDouble(Double::doubleValue).sum();
        if (sum > 0) {
          assertThat(sum).as("partitions over all states at scrape %d", scrapes).isEqualTo(12);
          scrapes++;
        }
        done = client.latest("run-m").filter(RunSummary::complete).orElse(null);
      }
      assertThat(scrapes).as("scrapes taken while the run was active").isPositive();

      // After it: per state exactly what the orchestrator's own summary on the runs topic says.
      RunSummary summary = done;
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                Map<String, Double> gauges =
                    partitionGauges(get(http, console, "/metrics", null).body());
                for (PartitionState s : PartitionState.values()) {
                  assertThat(gauges.get(s.name())).as(s.name()).isEqualTo(summary.count(s));
                }
              });
      assertThat(summary.count(PartitionState.FAILED)).isEqualTo(BROKEN.size());
      assertThat(summary.count(PartitionState.SUCCEEDED)).isEqualTo(12 - BROKEN.size());

      // The API, read from the console's own fold, says the same; the page's token opens it.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                var run =
                    Json.mapper()
                        .readTree(get(http, console, "/api/v1/runs/run-m", token.token()).body());
                assertThat(run.get("outcome").asText()).isEqualTo("FAILED");
                assertThat(run.get("byState").get("FAILED").asInt()).isEqualTo(BROKEN.size());
                assertThat(run.get("byState").get("SUCCEEDED").asInt()).isEqualTo(10);
              });
      var failed =
          Json.mapper()
              .readTree(
                  get(http, console, "/api/v1/runs/run-m/partitions?state=FAILED", token.token())
                      .body());
      assertThat(failed.get("items").findValuesAsText("partitionId"))
          .containsExactlyInAnyOrderElementsOf(BROKEN);
      assertThat(failed.get("items").findValuesAsText("failureClass")).containsOnly("USER");

      // The ledger the FinOps view serves sums to the cost the orchestrator charged.
      var finops =
          Json.mapper()
              .readTree(get(http, console, "/api/v1/runs/run-m/finops", token.token()).body());
      double charged =
          runEvents(kafka).stream()
              .filter(e -> e instanceof RunEvent.CostCharged c && c.runId().equals("run-m"))
              .mapToDouble(e -> ((RunEvent.CostCharged) e).cost().doubleValue())
              .sum();
      assertThat(finops.get("spent").asDouble())
          .isCloseTo(charged, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(charged).isPositive();

      // Evidence: the bundle from the API and from the CLI (Kafka, and --server) fit the published
      // schema, and hold one job per attempt the orchestrator admitted on the runs topic.
      Schema schema =
          SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
              .getSchema(Files.newInputStream(Path.of("..", "docs", "run-evidence.schema.json")));
      long admitted =
          runEvents(kafka).stream()
              .filter(
                  e ->
                      e instanceof RunEvent.PartitionTransitioned t
                          && t.runId().equals("run-m")
                          && t.to() == PartitionState.ADMITTED)
              .count();
      var fromApi =
          Json.mapper()
              .readTree(get(http, console, "/api/v1/runs/run-m/evidence", token.token()).body());
      Path tokenFile = dir.resolve("token");
      Files.writeString(tokenFile, token.token());
      var fromCli = Json.mapper().readTree(cli(kafka, "run", "evidence", "run-m"));
      var viaServer =
          Json.mapper()
              .readTree(
                  cli(
                      null,
                      "run",
                      "evidence",
                      "run-m",
                      "--server",
                      console.url().toString(),
                      "--token-file",
                      tokenFile.toString()));
      for (var bundle : List.of(fromApi, fromCli, viaServer)) {
        assertThat(schema.validate(bundle)).as(bundle.toString()).isEmpty();
        assertThat(bundle.get("jobs")).hasSize((int) admitted);
        assertThat(bundle.get("ledger")).hasSize((int) admitted);
        assertThat(bundle.get("jobTemplateSha256").asText())
            .isEqualTo(fromApi.get("jobTemplateSha256").asText());
      }
      assertThat(admitted).isEqualTo(12);
      // Each job's worker and submission are what that worker put on the status topic with its
      // SUBMITTED status (read from the topic itself), and the code hash is the folder's.
      Map<String, JobStatusEvent> submittedOnTopic = new HashMap<>();
      for (JobStatusEvent e : statusEvents(kafka)) {
        if (e.runId().equals("run-m") && e.phase() == JobPhase.SUBMITTED) {
          submittedOnTopic.put(e.partitionId() + "#" + e.attempt(), e);
        }
      }
      assertThat(submittedOnTopic).hasSize(12);
      for (var bundle : List.of(fromApi, fromCli, viaServer)) {
        for (var jobNode : bundle.get("jobs")) {
          JobStatusEvent sent =
              submittedOnTopic.get(
                  jobNode.get("partitionId").asText() + "#" + jobNode.get("attempt").asInt());
          assertThat(sent.submission()).as("submission on the status topic").isNotNull();
          assertThat(jobNode.get("workerId").asText()).isEqualTo(sent.workerId());
          assertThat(Json.mapper().treeToValue(jobNode.get("submission"), SubmittedJob.class))
              .isEqualTo(sent.submission());
          assertThat(jobNode.at("/submission/codeHash").asText())
              .isEqualTo(CodeSnapshot.of("code", dir.resolve("src")).hash());
        }
      }
      assertThat(submittedOnTopic.values())
          .extracting(JobStatusEvent::workerId)
          .allMatch(w -> w.startsWith("worker-"));
      // The schema is not a rubber stamp: a bundle with a bad state is refused.
      var broken = fromApi.deepCopy();
      ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("jobs").get(0))
          .put("state", "DONE");
      assertThat(schema.validate(broken)).isNotEmpty();

      var job = Json.mapper().readTree(cli(kafka, "job", "show", "run-m", "p003", "-o", "json"));
      assertThat(job.get("failureClass").asText()).isEqualTo("USER");
      assertThat(job.get("renderedJob").get("command").asText()).isEqualTo("echo p003");
      assertThat(
              job.get("statusHistory").get(job.get("statusHistory").size() - 1).get("to").asText())
          .isEqualTo("FAILED");
      assertThat(cli(kafka, "job", "show", "run-m", "p003")).contains("USER").contains("echo p003");
      // Labels say what they hold (issue 23): the failure row of a failed job names its class; a
      // succeeded job has no failure row, and its status history no failure class.
      assertThat(cli(kafka, "job", "show", "run-m", "p003").lines())
          .anyMatch(l -> l.matches("Failure\\s+USER\\b.*"));
      String succeeded = cli(kafka, "job", "show", "run-m", "p001");
      assertThat(succeeded.lines()).noneMatch(l -> l.startsWith("Failure"));
      assertThat(succeeded.lines())
          .filteredOn(l -> l.contains("SUCCEEDED"))
          .isNotEmpty()
          .noneMatch(l -> l.matches(".*SUCCEEDED\\s+(USER|INFRA|TIMEOUT|THROTTLED|CANCELED).*"));

      var shown =
          Json.mapper()
              .readTree(
                  cli(
                      null,
                      "run",
                      "show",
                      "run-m",
                      "--server",
                      console.url().toString(),
                      "--token-file",
                      tokenFile.toString(),
                      "-o",
                      "json"));
      assertThat(shown.get("byState").get("FAILED").asInt()).isEqualTo(BROKEN.size());

      // A command through --server: the token's subject is requestedBy on the runs topic.
      var answer =
          Json.mapper()
              .readTree(
                  cli(
                      null,
                      "run",
                      "rerun",
                      "run-m",
                      "--failed",
                      "--reason",
                      "through the API",
                      "--server",
                      console.url().toString(),
                      "--token-file",
                      tokenFile.toString(),
                      "-o",
                      "json"));
      assertThat(answer.get("type").asText()).isEqualTo("RerunAccepted");
      assertThat(
              runEvents(kafka).stream()
                  .filter(e -> e instanceof RunEvent.RerunAccepted r && r.runId().equals("run-m"))
                  .map(e -> ((RunEvent.RerunAccepted) e).requestedBy()))
          .containsExactly(LocalTokenAuthenticator.SUBJECT + " (local admin)");

      // Without a token: 401 problem+json, and nothing about the run.
      HttpResponse<String> anonymous = get(http, console, "/api/v1/runs/run-m", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.body()).doesNotContain("p003");
    }
  }

  /**
   * Every read verb answers the same through the console ({@code --server}) as through Kafka, after
   * a run that hit its cost cap and commands given through the console: run list, finops report
   * (JSON, CSV, table), finops events, schedule list. Both paths read the same topics; the console
   * from its own fold.
   */
  @Test
  void everyReadVerbAnswersTheSameThroughTheConsoleAsThroughKafka() throws Exception {
    KafkaSettings kafka = kafka(BROKER);
    LocalTokenAuthenticator token = LocalTokenAuthenticator.generate();
    Plan plan = budgetPlan(dir, 12);
    // A cap that holds two reservations (1 node x 0.27/h x 60 s = 0.0045 each): deferrals.
    Files.writeString(
        dir.resolve("plan.yml"),
        Files.readString(dir.resolve("plan.yml")).replace("cap: 1.00", "cap: 0.01"));
    plan = PlanLoader.load(dir.resolve("plan.yml"));
    Files.writeString(
        dir.resolve("scheduled.yml"),
        Files.readString(dir.resolve("plan.yml")).replace("name: console-it", "name: nightly")
            + "schedule:\n  cron: \"0 6 * * MON\"\n  timeZone: Europe/Amsterdam\n");
    try (LocalStack stack = stack(kafka, backend());
        RunClient client = new RunClient(kafka, "it")) {
      Console console = stack.startConsole(ConsoleConfig.ephemeral(), token, Optional.empty());
      Path tokenFile = dir.resolve("token");
      Files.writeString(tokenFile, token.token());
      String[] server = {
        "--server", console.url().toString(), "--token-file", tokenFile.toString()
      };
      client.send(
          CliCommands.startCommand(plan, "run-p", "it", Instant.now()), Duration.ofSeconds(60));
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  client
                      .latest("run-p")
                      .filter(s -> RunOutcome.of(s, false).isSettled())
                      .isPresent());
      cli(kafka, "schedule", "apply", "--plan", dir.resolve("scheduled.yml").toString());
      // A second run, held by its cap for good and canceled through the console: every read verb
      // must still answer through --server (issue 23: a CancelAccepted lost its type there).
      client.send(
          CliCommands.startCommand(heldPlan(heldDir), "run-c", "it", Instant.now()),
          Duration.ofSeconds(60));
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  client
                      .latest("run-c")
                      .filter(s -> RunOutcome.of(s, false) == RunOutcome.WAITING_ON_BUDGET)
                      .isPresent());
      assertThat(
              cli(
                  null,
                  concat(
                      server, "run", "cancel", "run-c", "--reason", "not this week", "-o", "json")))
          .contains("CancelAccepted");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  client
                      .history("run-c", false)
                      .filter(h -> h.outcome() == RunOutcome.CANCELED)
                      .isPresent());

      // Commands through the console: a raise (finops), a lowering (admin), a node cap, a pause.
      assertThat(
              cli(null, concat(server, "cap", "raise", "run-p", "--to", "2.00", "--reason", "up")))
          .contains("cost cap 0.01 -> 2.00");
      assertThat(
              cli(
                  null,
                  concat(server, "cap", "raise", "run-p", "--to", "1.50", "--reason", "down")))
          .contains("cost cap 2.00 -> 1.50");
      assertThat(
              cli(
                  null,
                  concat(
                      server,
                      "cap",
                      "set",
                      "azureml:cpu-cluster",
                      "--nodes",
                      "5",
                      "--reason",
                      "n")))
          .contains("node cap");
      assertThat(cli(null, concat(server, "schedule", "pause", "nightly", "--reason", "freeze")))
          .contains("schedule of nightly paused");

      List<String[]> verbs =
          List.of(
              new String[] {"run", "list", "-o", "json"},
              new String[] {"run", "list", "--all"},
              new String[] {"run", "show", "run-c", "-o", "json"},
              new String[] {"run", "show", "run-c"},
              new String[] {"finops", "report", "run-p", "-o", "json"},
              new String[] {"finops", "report", "run-p", "-o", "csv"},
              new String[] {"finops", "report", "run-p", "--all"},
              new String[] {"finops", "events", "-o", "json"},
              new String[] {"finops", "events", "--run", "run-p"},
              new String[] {"schedule", "list", "-o", "json", "--from", "2026-11-23T00:00Z"},
              new String[] {"schedule", "list", "--from", "2026-11-23T00:00Z"});
      for (String[] verb : verbs) {
        String throughKafka = cli(kafka, verb);
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () ->
                    assertThat(cli(null, concat(server, verb)))
                        .as("partitrain " + String.join(" ", verb) + " --server")
                        .isEqualTo(throughKafka));
      }
      // What was compared is not empty: the run hit its cap, the commands are on record.
      String events = cli(kafka, "finops", "events", "-o", "json");
      assertThat(events)
          .contains("CostCapReached")
          .contains("NodeCapChanged")
          .contains(LocalTokenAuthenticator.SUBJECT);
      assertThat(cli(kafka, "schedule", "list", "-o", "json")).contains("\"paused\" : true");
      assertThat(cli(kafka, "run", "list", "-o", "json")).contains("run-p");
    }
  }

  private static String[] concat(String[] server, String... verb) {
    List<String> all = new ArrayList<>(List.of(verb));
    all.addAll(List.of(server));
    return all.toArray(String[]::new);
  }

  static String cli(KafkaSettings kafka, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = PartitrainCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    if (kafka != null) {
      all.addAll(
          List.of(
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--topic-prefix",
              kafka.topics().prefix()));
    }
    int code = cl.execute(all.toArray(String[]::new));
    assertThat(code).as("partitrain " + String.join(" ", args) + "; stderr: " + err).isZero();
    return out.toString();
  }

  static Map<String, Double> partitionGauges(String exposition) {
    Map<String, Double> out = new HashMap<>();
    Matcher m = GAUGE.matcher(exposition);
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return out;
  }

  static HttpResponse<String> get(HttpClient http, Console console, String path, String token)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(console.url().resolve(path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A 200 answer of the console's API as JSON; any other status fails with its body. */
  static JsonNode api(HttpClient http, Console console, LocalTokenAuthenticator token, String path)
      throws Exception {
    var response = get(http, console, path, token.token());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return Json.mapper().readTree(response.body());
  }

  /** The CLI's options that send it through this console, with the token in a file under dir. */
  static List<String> serverOptions(Path dir, Console console, LocalTokenAuthenticator token)
      throws IOException {
    Path f = dir.resolve("admin.token");
    Files.writeString(f, token.token());
    return List.of("--server", console.url().toString(), "--token-file", f.toString());
  }

  static Authenticator jwtOrLocal(TestIdentityProvider idp, LocalTokenAuthenticator local) {
    return Authenticator.anyOf(
        List.of(
            local,
            new JwtAuthenticator(idp.issuer(), TestIdentityProvider.AUDIENCE, idp.jwksUrl())));
  }
}
