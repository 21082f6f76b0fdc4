package io.partitrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.client.RunClient;
import io.partitrain.deploy.LocalStack;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.console.view.RunFromTopics;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.azureml.FakeAzureMl;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 11: the compute check as an operator meets it. {@code run plan} prints what the Azure ML
 * cluster and the vCPU quota hold next to the node cap; {@code run start} sends it, and the
 * orchestrator records a ComputeCapacityWarning that {@code run show}, {@code finops events} and
 * the console's view show, or refuses the run with {@code --refuse-over-capacity}. The cluster and
 * the quota are the HTTPS fake of ARM; the broker and the orchestrator are real.
 */
@Timeout(300)
class ComputeCheckIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir static Path dir;

  static KafkaSettings kafka;
  static FakeAzureMl arm;
  static LocalStack stack;
  static Path settings;
  static Path planFile;

  @BeforeAll
  static void start() throws Exception {
    kafka =
        new KafkaSettings(
            BROKER.bootstrapServers(), new Topics(TestKafka.uniqueName("cc")), Map.of());
    arm =
        FakeAzureMl.start(1)
            .withCluster("cpu-cluster", "Standard_DS3_v2", 8)
            .withQuota("standardDSv2Family", 80, 100);
    settings = Files.writeString(dir.resolve("azureml.properties"), arm.settingsProperties());
    SimulatedBackend cloud =
        new SimulatedBackend(
            Clock.systemUTC(),
            new SimulationProfile(
                Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), 0, 0, 3));
    stack =
        LocalStack.start(
            kafka,
            1,
            id -> cloud,
            WorkerConfig.forInstallation("w", kafka.topics().prefix())
                .withPollInterval(Duration.ofMillis(50)),
            Clock.systemUTC(),
            NodeCapConfig.unlimited().with("cpu-cluster", 12));
    Files.writeString(
        dir.resolve("job.yml"),
        """
        command: echo ${{partition.id}}
        compute: azureml:cpu-cluster
        resources:
          instance_count: 1
          instance_type: Standard_DS3_v2
        limits:
          timeout: 60
        """);
    Files.writeString(dir.resolve("parts.csv"), "id\nstore-001\nstore-002\n");
    planFile =
        Files.writeString(
            dir.resolve("plan.yml"),
            """
            name: cc-plan
            job: job.yml
            partitions:
              file: parts.csv
            retry:
              maxAttempts: 1
              backoff: {initial: PT0.1S, multiplier: 2.0, max: PT0.5S, jitter: 0.2}
            concurrency:
              maxInFlight: 2
            """);
  }

  @AfterAll
  static void stop() {
    stack.close();
    arm.close();
  }

  record Result(int code, String out, String err) {}

  /** Runs one verb against the broker; {@code command} is the verb with the fake's backend. */
  static Result cli(Callable<Integer> command, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic-prefix",
            kafka.topics().prefix()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  static Result plan(String... more) {
    List<String> args = new ArrayList<>(List.of("--plan", planFile.toString()));
    args.addAll(List.of(more));
    return cli(new RunPlanCommand(c -> arm.newBackend()), args.toArray(String[]::new));
  }

  static Result startRun(String runId, String... more) {
    List<String> args = new ArrayList<>(List.of("--plan", planFile.toString(), "--run-id", runId));
    args.addAll(List.of(more));
    return cli(new RunStartCommand(c -> arm.newBackend()), args.toArray(String[]::new));
  }

  @Test
  void runPlanSaysWhatTheClusterAndQuotaHoldAndWhatDoesNotFit() throws Exception {
    Result r = plan("--azureml-config", settings.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "compute    cpu-cluster: Standard_DS3_v2, at most 8 nodes (maxNodeCount); 4 vCPUs"
                + " each, standardDSv2Family quota 80 of 100 in use (5 nodes free)")
        .contains("WARNING: 8 nodes of Standard_DS3_v2 need 32 vCPUs")
        .contains("quota has 20 free (80 of 100 in use)");

    JsonNode json =
        Json.mapper().readTree(plan("--azureml-config", settings.toString(), "-o", "json").out());
    JsonNode c = json.path("computes").get(0);
    assertThat(c.path("type").asText()).isEqualTo("computeCheck");
    assertThat(c.path("computeTarget").asText()).isEqualTo("cpu-cluster");
    assertThat(c.at("/capacity/maxNodeCount").asInt()).isEqualTo(8);
    assertThat(c.at("/capacity/quotaLimit").asLong()).isEqualTo(100);
    assertThat(c.path("nodesItHolds").asInt()).isEqualTo(5);
    assertThat(c.path("problems")).hasSize(1);

    assertThat(plan("--no-history").out()).contains("compute    not checked (--azureml-config");
  }

  @Test
  void runStartRecordsAWarningThatRunShowFinOpsAndTheConsoleShow() throws Exception {
    Result r = startRun("cc-warned", "--azureml-config", settings.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("started run cc-warned");
    assertThat(r.err())
        .contains("WARNING: node cap 12 for cpu-cluster is above the cluster's maxNodeCount 8");

    Result show = cli(new RunShowCommand(), "cc-warned");
    assertThat(show.out())
        .contains("WARNING (run start): node cap 12 for cpu-cluster is above the cluster's");
    JsonNode showJson =
        Json.mapper().readTree(cli(new RunShowCommand(), "cc-warned", "-o", "json").out());
    assertThat(showJson.at("/warnings/0/type").asText()).isEqualTo("ComputeCapacityWarning");
    assertThat(showJson.at("/warnings/0/nodeCap").asInt()).isEqualTo(12);

    Result events = cli(new FinOpsCommands.Events(), "--run", "cc-warned");
    assertThat(events.out()).contains("ComputeCapacityWarning").contains("maxNodeCount 8");

    assertThat(RunFromTopics.read(kafka, "cc-warned").orElseThrow().capEvents())
        .anySatisfy(e -> assertThat(e.type()).isEqualTo("ComputeCapacityWarning"));
  }

  @Test
  void withRefuseOverCapacityTheRunIsRefusedAndNothingStarts() {
    Result r =
        startRun("cc-refused", "--azureml-config", settings.toString(), "--refuse-over-capacity");

    assertThat(r.code()).isEqualTo(ExitCode.REJECTED.code());
    assertThat(r.err())
        .contains("rejected: refused (--refuse-over-capacity): node cap 12 for cpu-cluster");
    try (RunClient client = new RunClient(kafka, "cc-it")) {
      assertThat(client.history("cc-refused", false)).isEmpty();
    }

    Result noSettings = startRun("cc-unchecked", "--refuse-over-capacity");
    assertThat(noSettings.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(noSettings.err()).contains("--refuse-over-capacity needs --azureml-config");
  }

  @Test
  void anUnknownComputeIsNamedAndRefusedWhenTheOperatorAsksForRefusal() throws Exception {
    Path other = Files.createDirectories(dir.resolve("gpu"));
    Files.writeString(
        other.resolve("job.yml"),
        Files.readString(dir.resolve("job.yml")).replace("cpu-cluster", "gpu-cluster"));
    Files.copy(dir.resolve("parts.csv"), other.resolve("parts.csv"));
    Path gpuPlan =
        Files.writeString(
            other.resolve("plan.yml"), Files.readString(planFile).replace("cc-plan", "gpu-plan"));

    Result r =
        cli(
            new RunStartCommand(c -> arm.newBackend()),
            "--plan",
            gpuPlan.toString(),
            "--run-id",
            "cc-gpu",
            "--azureml-config",
            settings.toString(),
            "--refuse-over-capacity");

    assertThat(r.code()).isEqualTo(ExitCode.REJECTED.code());
    assertThat(r.err()).contains("compute gpu-cluster not checked").contains("does not exist");
  }
}
