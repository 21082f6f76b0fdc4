package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.runEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.client.FinOpsClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.main.PartitrainCli;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.PartitionTransitioned;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Node cap and cost cap end to end on the real broker: orchestrator, three workers, one cloud. */
@Timeout(300)
class CapsIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  private static final String TARGET = "shared-gpu";
  private static final int NODE_CAP = 5;

  @TempDir Path dir;

  @Test
  void twoRunsOnOneTargetUseTheNodeCapFullyAndNeverMore() throws IOException {
    KafkaSettings kafka = RunScenario.kafka(BROKER);
    SimulatedBackend cloud =
        new SimulatedBackend(
            Clock.systemUTC(),
            new SimulationProfile(
                Duration.ofMillis(10), Duration.ofMillis(600), Duration.ofMillis(1200), 0, 0, 5));
    Plan a = plan(dir.resolve("a"), "plan-a", 12, 10, null, "60");
    Plan b = plan(dir.resolve("b"), "plan-b", 12, 10, null, "60");
    try (LocalStack stack =
            LocalStack.start(
                kafka,
                3,
                id -> cloud,
                workers(kafka),
                Clock.systemUTC(),
                NodeCapConfig.unlimited().with(TARGET, NODE_CAP));
        RunClient client = new RunClient(kafka, "it")) {
      assertThat(RunScenario.start(client, a, "caps-a")).isInstanceOf(RunEvent.RunStarted.class);
      assertThat(RunScenario.start(client, b, "caps-b")).isInstanceOf(RunEvent.RunStarted.class);
      RunScenario.awaitComplete(client, "caps-a");
      RunScenario.awaitComplete(client, "caps-b");
    }
    assertThat(cloud.maxNodesInFlight())
        .as("the most nodes the backend saw at once")
        .isEqualTo(NODE_CAP);
    Utilization u = utilization(runEvents(kafka), 24);
    System.out.printf(
        "CapsIT node cap: backend max %d nodes (cap %d); tracker max %d; longest gap below the cap "
            + "while work waited: %d ms%n",
        cloud.maxNodesInFlight(), NODE_CAP, u.max, u.longestGapMillis);
    assertThat(u.max).as("tracker-side in-flight nodes never above the cap").isEqualTo(NODE_CAP);
    assertThat(u.longestGapMillis)
        .as("while work waited, a freed node was taken in the same round")
        .isLessThan(500);
  }

  @Test
  void theCostCapDefersTheRestInOneEventCapRaiseRunsThemAndTheReportEqualsTheLedger()
      throws IOException {
    KafkaSettings kafka = RunScenario.kafka(BROKER);
    // Reservation: 1 node x 3600/h x 1 s = 1.00; jobs run 0.80-0.95 s, so two fit under 2.20 and no
    // more.
    SimulatedBackend cloud =
        new SimulatedBackend(
            Clock.systemUTC(),
            new SimulationProfile(
                Duration.ofMillis(5), Duration.ofMillis(800), Duration.ofMillis(950), 0, 0, 9));
    Plan plan = plan(dir, "plan-cost", 6, 6, "2.20", "1");
    try (LocalStack stack =
            LocalStack.start(kafka, 3, id -> cloud, workers(kafka), Clock.systemUTC());
        RunClient client = new RunClient(kafka, "it")) {
      RunScenario.start(client, plan, "caps-cost");
      RunSummary first = RunScenario.awaitSettledOrWaiting(client, "caps-cost");
      assertThat(RunOutcome.of(first, false)).isEqualTo(RunOutcome.WAITING_ON_BUDGET);
      assertThat(first.complete()).as("a run waiting on its budget is not complete").isFalse();
      assertThat(first.count(PartitionState.SUCCEEDED)).isEqualTo(2);
      BigDecimal billedBeforeRaise = backendBill(cloud, "caps-cost");
      assertThat(billedBeforeRaise)
          .as("the backend's own bill while the cap was 2.20")
          .isPositive()
          .isLessThanOrEqualTo(new BigDecimal("2.20"));
      assertThat(first.count(PartitionState.DEFERRED_BY_COST)).isEqualTo(4);
      List<FinOpsRecord> trail = FinOpsClient.readAll(kafka, "it");
      assertThat(trail)
          .filteredOn(f -> f instanceof FinOpsRecord.CostCapReached)
          .singleElement()
          .satisfies(
              f ->
                  assertThat(((FinOpsRecord.CostCapReached) f).deferred())
                      .containsExactly("p003", "p004", "p005", "p006"));

      String answer =
          cli(kafka, "cap", "raise", "caps-cost", "--to", "10", "--reason", "approved by finops");
      assertThat(answer).contains("cost cap 2.20 -> 10.00");
      RunSummary done =
          client.follow(
              "caps-cost",
              s -> s.complete() && s.count(PartitionState.SUCCEEDED) == 6,
              s -> {},
              RunScenario.RUN_TIMEOUT);
      assertThat(done.count(PartitionState.DEFERRED_BY_COST)).isZero();

      JsonNode report =
          Json.mapper().readTree(cli(kafka, "finops", "report", "caps-cost", "-o", "json"));
      BigDecimal ledgerSum = BigDecimal.ZERO;
      for (JsonNode l : report.get("ledger")) {
        ledgerSum = ledgerSum.add(l.get("cost").decimalValue());
        assertThat(l.get("tags").get("region").asText()).isIn("north", "south");
      }
      assertThat(report.get("attempts").asInt()).isEqualTo(6);
      BigDecimal billed = backendBill(cloud, "caps-cost");
      assertThat(report.get("spent").decimalValue())
          .as("spent in the report against the backend's own bill of the same jobs")
          .isCloseTo(billed, within(new BigDecimal("0.01")));
      assertThat(ledgerSum).isCloseTo(billed, within(new BigDecimal("0.01")));
      assertThat(cloud.createdJobs()).as("one backend job per partition").hasSize(6);
      assertThat(report.get("reserved").decimalValue()).isEqualByComparingTo("0");
      BigDecimal byRegion = BigDecimal.ZERO;
      for (JsonNode v : report.get("byTag").get("region")) {
        byRegion = byRegion.add(v.decimalValue());
      }
      assertThat(byRegion).isEqualByComparingTo(ledgerSum);
      List<String> timeline = new ArrayList<>();
      report.get("timeline").forEach(e -> timeline.add(e.get("type").asText()));
      // The run's cost settles once, when it really ends; not while it waits on its budget
      // (issue 23: a RunCostSettled appeared while the run was still waiting).
      assertThat(timeline)
          .containsSubsequence(
              "CostCapReached", "CostCapChanged", "DeferredAdmitted", "RunCostSettled");
      assertThat(timeline).filteredOn("RunCostSettled"::equals).hasSize(1);
      assertThat(timeline.get(timeline.size() - 1)).isEqualTo("RunCostSettled");
      Set<String> readmitted = new HashSet<>();
      report
          .get("deferred")
          .forEach(
              d -> {
                assertThat(d.has("readmittedAt")).isTrue();
                readmitted.add(d.get("partitionId").asText());
              });
      assertThat(readmitted).containsExactlyInAnyOrder("p003", "p004", "p005", "p006");
      System.out.printf(
          "CapsIT cost cap: backend billed %s EUR before the raise (cap 2.20), %s EUR in all;"
              + " report spent %s%n",
          billedBeforeRaise, billed, report.get("spent").decimalValue());
      String csv = cli(kafka, "finops", "report", "caps-cost", "-o", "csv");
      assertThat(csv.lines()).hasSize(7);
      assertThat(cli(kafka, "finops", "events", "--run", "caps-cost"))
          .contains("CostCapReached", "CostCapChanged");
    }
  }

  /** The simulated cloud's bill for a run at 3600 per node-hour, from its own job records. */
  private static BigDecimal backendBill(SimulatedBackend cloud, String runId) {
    return cloud.billedJobs(runId, Instant.now()).stream()
        .map(j -> j.cost(new BigDecimal("3600")))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static WorkerConfig workers(KafkaSettings kafka) {
    return WorkerConfig.forInstallation("w", kafka.topics().prefix())
        .withPollInterval(Duration.ofMillis(50));
  }

  private static String cli(KafkaSettings kafka, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = PartitrainCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic-prefix",
            kafka.topics().prefix()));
    int code = cl.execute(all.toArray(String[]::new));
    assertThat(code)
        .as("exit code of partitrain " + String.join(" ", args) + "; stderr: " + err)
        .isZero();
    return out.toString();
  }

  /** A plan of n partitions p001.. on TARGET, 1 node each; with a budget when cap is given. */
  static Plan plan(Path dir, String name, int n, int maxInFlight, String cap, String timeoutSeconds)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("job.yml"),
        """
        command: echo ${{partition.id}}
        compute: azureml:%s
        resources:
          instance_count: 1
          instance_type: Standard_NC6
        limits:
          timeout: %s
        """
            .formatted(TARGET, timeoutSeconds));
    StringBuilder csv = new StringBuilder("id,region\n");
    for (int i = 1; i <= n; i++) {
      csv.append(String.format("p%03d,%s%n", i, i % 2 == 0 ? "north" : "south"));
    }
    Files.writeString(dir.resolve("parts.csv"), csv);
    String budget =
        cap == null
            ? ""
            : """
        budget:
          cap: %s
          currency: EUR
          prices: {Standard_NC6: 3600.00}
        """
                .formatted(cap);
    Files.writeString(
        dir.resolve("plan.yml"),
        """
        name: %s
        job: job.yml
        partitions:
          file: parts.csv
        retry:
          maxAttempts: 1
        concurrency:
          maxInFlight: %d
        %s"""
            .formatted(name, maxInFlight, budget));
    return PlanLoader.load(dir.resolve("plan.yml"));
  }

  private record Utilization(int max, long longestGapMillis) {}

  /**
   * Replays the tracker's decisions over both runs: in-flight nodes (1 per job) and partitions
   * still waiting for their first admission; the longest time the count stayed below the cap while
   * some partition waited.
   */
  private static Utilization utilization(List<RunEvent> events, int partitions) {
    int inFlight = 0;
    int waiting = 0;
    int max = 0;
    Instant below = null;
    long longest = 0;
    for (RunEvent e : events) {
      if (!(e instanceof PartitionTransitioned t)) {
        continue;
      }
      if (t.from() == null) {
        waiting++;
      }
      boolean was = t.from() != null && t.from().isInFlight();
      if (t.to().isInFlight() != was) {
        inFlight += t.to().isInFlight() ? 1 : -1;
      }
      if (t.to() == PartitionState.ADMITTED && t.from() == PartitionState.SCHEDULED) {
        waiting--;
      }
      max = Math.max(max, inFlight);
      boolean starved = waiting > 0 && inFlight < NODE_CAP;
      if (starved && below == null) {
        below = t.at();
      } else if (!starved && below != null) {
        longest = Math.max(longest, Duration.between(below, t.at()).toMillis());
        below = null;
      }
    }
    return new Utilization(max, longest);
  }
}
