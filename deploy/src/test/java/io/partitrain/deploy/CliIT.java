package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.plan;
import static io.partitrain.deploy.RunScenario.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.ExitCode;
import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.main.PartitrainCli;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 14: each mistake an operator met, run through the real command line against a real broker
 * and orchestrator, asserting the exact exit code and the first line of the answer.
 */
@Timeout(300)
class CliIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir static Path dir;

  private static KafkaSettings kafka;
  private static SimulatedBackend cloud;
  private static LocalStack stack;
  private static RunClient client;

  /** One run of 6 partitions, two of them broken (USER failures): it settles FAILED. */
  private static final String FAILED_RUN = "cli-failed";

  @BeforeAll
  static void startStack() {
    kafka = kafka(BROKER);
    cloud =
        new SimulatedBackend(
            Clock.systemUTC(),
            new SimulationProfile(
                Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(60), 0, 0, 3));
    stack = RunScenario.stack(kafka, 1, cloud);
    client = new RunClient(kafka, "cli-it");
    cloud.breakPartitions(Set.of("p002", "p004"));
    Plan plan = plan(dir, 6, "echo ${{partition.id}}", 6, 1);
    start(client, plan, FAILED_RUN);
    awaitComplete(client, FAILED_RUN);
  }

  @AfterAll
  static void stopStack() {
    client.close();
    stack.close();
  }

  record Result(int code, String out, String err) {
    String firstErrLine() {
      return err.lines().findFirst().orElse("");
    }

    String firstOutLine() {
      return out.lines().findFirst().orElse("");
    }
  }

  private static Result cli(String... args) {
    return cli(null, args);
  }

  /** Runs a command; with {@code live}, its stdout goes there as it is printed. */
  private static Result cli(PrintWriter live, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic-prefix",
            kafka.topics().prefix()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = PartitrainCli.commandLine();
    cl.setOut(live != null ? live : new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void aMissingRunIsNotFoundForEveryVerb() {
    String notFound =
        "partitrain: no run nope (or it has published no state yet); `partitrain run list` shows"
            + " the runs";
    for (String[] verb :
        List.of(
            new String[] {"run", "show", "nope"},
            new String[] {"run", "wait", "nope"},
            new String[] {"run", "rerun", "nope", "--failed"},
            new String[] {"run", "cancel", "nope"})) {
      Result r = cli(verb);
      assertThat(r.code()).as(String.join(" ", verb)).isEqualTo(ExitCode.NOT_FOUND.code());
      assertThat(r.firstErrLine()).as(String.join(" ", verb)).isEqualTo(notFound);
    }
  }

  @Test
  void aRunWithFailedPartitionsSaysFailedInShowListJsonAndWait() throws Exception {
    Result show = cli("run", "show", FAILED_RUN);
    assertThat(show.code()).isZero();
    assertThat(show.firstOutLine()).isEqualTo("Run cli-failed (plan it-plan): FAILED");

    JsonNode json = Json.mapper().readTree(cli("run", "show", FAILED_RUN, "-o", "json").out());
    assertThat(json.path("type").asText()).isEqualTo("run");
    assertThat(json.path("outcome").asText()).isEqualTo("FAILED");

    Result list = cli("run", "list", "--state", "FAILED");
    assertThat(list.out()).contains(FAILED_RUN);
    assertThat(cli("run", "list", "--state", "SUCCEEDED").out()).doesNotContain(FAILED_RUN);
    assertThat(cli("run", "list", "--plan", "other-plan").out()).doesNotContain(FAILED_RUN);

    Result wait = cli("run", "wait", FAILED_RUN, "--timeout", "30s");
    assertThat(wait.code()).isEqualTo(ExitCode.REJECTED.code());
    assertThat(wait.firstOutLine()).isEqualTo("run cli-failed: FAILED");
  }

  @Test
  void capSetTreatsAzuremlPrefixedAndPlainTargetNamesAsOneTarget() {
    Result first = cli("cap", "set", "azureml:cli-cluster", "--nodes", "3", "--reason", "it");
    assertThat(first.code()).isZero();
    assertThat(first.firstOutLine())
        .isEqualTo("compute target cli-cluster: node cap none -> 3 (it)");
    Result second = cli("cap", "set", "cli-cluster", "--nodes", "4", "--reason", "it");
    assertThat(second.firstOutLine()).isEqualTo("compute target cli-cluster: node cap 3 -> 4 (it)");
  }

  @Test
  void aPlanWhoseLocalInputIsMissingIsRefusedBeforeTheRunStarts() throws Exception {
    Path p = dir.resolve("missing-input");
    java.nio.file.Files.createDirectories(p);
    java.nio.file.Files.writeString(
        p.resolve("job.yml"),
        "command: cat ${{inputs.sales}}\ninputs:\n  sales:\n    type: uri_file\n"
            + "    path: ./data/${{partition.id}}.csv\n");
    java.nio.file.Files.writeString(
        p.resolve("plan.yml"), "name: mi\njob: job.yml\npartitions: {inline: [s1]}\n");
    Result r = cli("run", "start", "--plan", p.resolve("plan.yml").toString(), "--run-id", "mi-1");
    assertThat(r.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(r.firstErrLine())
        .isEqualTo(
            "partitrain: the plan is refused: "
                + p.resolve("job.yml")
                + ": inputs.sales.path = '"
                + p.resolve("data/s1.csv")
                + "': must exist (partition s1)");
    assertThat(r.err())
        .contains(
            "inputs.sales.path = '" + p.resolve("data/s1.csv") + "': must exist (partition s1)");
    assertThat(cli("run", "show", "mi-1").code()).isEqualTo(ExitCode.NOT_FOUND.code());
  }

  @Test
  void cancelOfAFinishedRunIsRefusedByTheOrchestratorSayingItIsFinished() throws Exception {
    Result r = cli("run", "cancel", FAILED_RUN);
    assertThat(r.code()).isEqualTo(ExitCode.REJECTED.code());
    assertThat(r.firstErrLine())
        .startsWith("partitrain: rejected: run cli-failed already finished: FAILED at ")
        .endsWith("; nothing to cancel");

    Result json = cli("run", "cancel", FAILED_RUN, "-o", "json");
    assertThat(json.code()).isEqualTo(ExitCode.REJECTED.code());
    JsonNode answer = Json.mapper().readTree(json.out());
    assertThat(answer.path("type").asText()).isEqualTo("CommandRejected");
    assertThat(answer.path("reason").asText()).startsWith("run cli-failed already finished: ");
    assertThat(cli("run", "show", FAILED_RUN).firstOutLine())
        .as("the refused cancel did not turn the FAILED run into a CANCELED one")
        .isEqualTo("Run cli-failed (plan it-plan): FAILED");
  }

  @Test
  void theJsonAnswersOfStartRerunAndARefusedStartCarryTheirType() throws Exception {
    Path p = dir.resolve("typed");
    java.nio.file.Files.createDirectories(p);
    java.nio.file.Files.writeString(p.resolve("job.yml"), "command: echo ${{partition.id}}\n");
    java.nio.file.Files.writeString(
        p.resolve("plan.yml"), "name: typed\njob: job.yml\npartitions: {inline: [s1]}\n");
    String[] start = {"run", "start", "--plan", p.resolve("plan.yml").toString()};
    String[] asJson = {"--run-id", "typed-1", "-o", "json"};

    Result started = cli(concat(start, asJson));
    assertThat(started.code()).isZero();
    assertThat(Json.mapper().readTree(started.out()).path("type").asText()).isEqualTo("RunStarted");

    Result rerun = cli("run", "rerun", "typed-1", "--failed", "-o", "json");
    assertThat(rerun.code()).isZero();
    assertThat(Json.mapper().readTree(rerun.out()).path("type").asText())
        .isEqualTo("RerunAccepted");

    Result again = cli(concat(start, asJson));
    assertThat(again.code()).isEqualTo(ExitCode.REJECTED.code());
    assertThat(Json.mapper().readTree(again.out()).path("type").asText())
        .isEqualTo("CommandRejected");
  }

  private static String[] concat(String[] a, String[] b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  @Test
  void thePartitionViewFiltersByStateAndTag() throws Exception {
    Result failed = cli("run", "show", FAILED_RUN, "--partitions", "--state", "FAILED");
    assertThat(failed.code()).isZero();
    List<String> rows = failed.out().lines().filter(l -> l.startsWith("  p0")).toList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).contains("p002").contains("FAILED").contains("USER");
    assertThat(rows.get(1)).contains("p004");

    // Even partitions are tagged north (RunScenario.plan): p002, p004, p006.
    Result north = cli("run", "show", FAILED_RUN, "--partitions", "--tag", "region=north");
    assertThat(north.out().lines().filter(l -> l.startsWith("  p0")).map(l -> l.substring(2, 6)))
        .containsExactly("p002", "p004", "p006");

    JsonNode json =
        Json.mapper().readTree(cli("run", "show", FAILED_RUN, "--partitions", "-o", "json").out());
    assertThat(json.path("partitions")).hasSize(6);
    json.path("partitions")
        .forEach(p -> assertThat(p.path("type").asText()).isEqualTo("partition"));
  }

  @Test
  void aCanceledRunSaysCanceledWithWhoAndWhy() throws Exception {
    SimulatedBackend slow =
        new SimulatedBackend(
            Clock.systemUTC(),
            new SimulationProfile(
                Duration.ofMillis(10), Duration.ofMinutes(5), Duration.ofMinutes(5), 0, 0, 5));
    KafkaSettings k2 = kafka(BROKER);
    try (LocalStack s2 =
            LocalStack.start(
                k2,
                1,
                id -> slow,
                WorkerConfig.forInstallation("w2", k2.topics().prefix())
                    .withPollInterval(Duration.ofMillis(50)),
                Clock.systemUTC());
        RunClient c2 = new RunClient(k2, "cli-it-2")) {
      start(c2, plan(dir.resolve(".."), 4, "echo ${{partition.id}}", 2, 1), "cli-cancel");
      c2.follow(
          "cli-cancel",
          s -> s.count(io.partitrain.shared.contracts.PartitionState.RUNNING) > 0,
          s -> {},
          Duration.ofSeconds(60));
      KafkaSettings saved = kafka;
      kafka = k2;
      try {
        // An operator watches the run while another cancels it: the watch ends when it settles.
        StringWriter watchOut = new StringWriter();
        var watch =
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> cli(new PrintWriter(watchOut, true), "run", "show", "cli-cancel", "--watch"));
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> watchOut.toString().contains("Run cli-cancel (plan it-plan): ACTIVE"));
        Result cancel = cli("run", "cancel", "cli-cancel", "--reason", "wrong data");
        assertThat(cancel.code()).isZero();
        RunSummary done = awaitComplete(c2, "cli-cancel");
        assertThat(done.complete()).isTrue();
        assertThat(watch.get(60, java.util.concurrent.TimeUnit.SECONDS).code()).isZero();
        assertThat(watchOut.toString().lines().filter(l -> l.startsWith("settled: ")))
            .singleElement()
            .asString()
            .startsWith("settled: CANCELED by " + System.getProperty("user.name"))
            .endsWith(": wrong data");
        Result show = cli("run", "show", "cli-cancel");
        assertThat(show.firstOutLine())
            .startsWith(
                "Run cli-cancel (plan it-plan): CANCELED by "
                    + System.getProperty("user.name")
                    + " at ")
            .endsWith(": wrong data");
        assertThat(
                RunOutcome.valueOf(
                    Json.mapper()
                        .readTree(cli("run", "show", "cli-cancel", "-o", "json").out())
                        .path("outcome")
                        .asText()))
            .isEqualTo(RunOutcome.CANCELED);
      } finally {
        kafka = saved;
      }
    }
  }
}
