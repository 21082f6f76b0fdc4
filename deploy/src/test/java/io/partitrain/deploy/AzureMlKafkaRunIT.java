package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.kafka;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.assets.CodeSnapshot;
import io.partitrain.cli.CliCommands;
import io.partitrain.cli.client.RunClient;
import io.partitrain.orchestrator.OrchestratorConfig;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.testkit.TestKafka;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.azureml.Azurite;
import io.partitrain.worker.backend.azureml.FakeAzureMl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with the {@code azureml} backend: plan → Kafka → orchestrator → three workers →
 * the HTTPS fake of the ARM REST API (at ARM's rate limits, in scaled time, losing 5% of its
 * answers after applying them) and Azurite for the workspace's storage → status events → completed
 * run. The job has a local {@code code: ./src} and a local per-store input: the code is uploaded
 * once, each store's file once, counted at Azurite.
 */
@Timeout(300)
class AzureMlKafkaRunIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  @Test
  void a450PartitionRunThroughKafkaCompletesWithEveryJobCreatedOnce() throws Exception {
    KafkaSettings kafka = kafka(BROKER);
    Files.writeString(
        dir.resolve("job.yml"),
        """
        command: python train.py --store ${{partition.id}} --sales ${{inputs.sales}} --horizon ${{inputs.horizon}}
        code: ./src
        environment: azureml:demand-env:2
        compute: azureml:cpu-cluster
        inputs:
          horizon: 12
          sales:
            type: uri_file
            path: ./data/${{partition.id}}.csv
            mode: download
        resources:
          instance_count: 1
          instance_type: Standard_DS3_v2
        limits:
          timeout: 1800
        experiment_name: weekly-demand
        tags:
          region: ${{partition.tags.region}}
        """);
    StringBuilder csv = new StringBuilder("store,region\n");
    for (int i = 1; i <= 450; i++) {
      csv.append(String.format("store-%03d,%s%n", i, i % 3 == 0 ? "north" : "south"));
    }
    Files.writeString(dir.resolve("stores.csv"), csv);
    Files.createDirectories(dir.resolve("src"));
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("src/train.py"), "print('training')\n");
    Files.writeString(dir.resolve("src/util.py"), "HORIZON = 12\n");
    for (int i = 1; i <= 450; i++) {
      Files.writeString(
          dir.resolve(String.format("data/store-%03d.csv", i)), "week,units\n1," + i + "\n");
    }
    Files.writeString(
        dir.resolve("plan.yml"),
        """
        name: weekly-demand
        job: job.yml
        partitions: {file: stores.csv}
        retry: {maxAttempts: 3, backoff: {initial: PT0.2S, max: PT1S}}
        concurrency: {maxInFlight: 150}
        """);
    var plan = PlanLoader.load(dir.resolve("plan.yml"));

    try (Azurite storage = Azurite.start();
        FakeAzureMl arm =
            FakeAzureMl.start(20).atArmLimits().losingAnswers(0.05).withStorage(storage);
        LocalStack stack =
            LocalStack.start(
                kafka,
                3,
                id -> arm.newBackend(),
                WorkerConfig.forInstallation("w", kafka.topics().prefix())
                    .withPollInterval(Duration.ofMillis(100)),
                Clock.systemUTC(),
                NodeCapConfig.unlimited(),
                patientOrchestrator(kafka));
        RunClient client = new RunClient(kafka, "it")) {
      Instant t0 = Instant.now();
      long arm0 = arm.armNanos();
      assertThat(
              client.send(
                  CliCommands.startCommand(plan, "weekly-demand-2026-W48", "it", t0),
                  Duration.ofSeconds(60)))
          .isInstanceOf(RunEvent.RunStarted.class);
      RunSummary done =
          client.follow(
              "weekly-demand-2026-W48", RunSummary::complete, s -> {}, Duration.ofMinutes(4));
      Duration took = Duration.between(t0, Instant.now());
      long arm1 = arm.armNanos();
      double readRate = arm.readsPerArmSecond(arm0, arm1);

      assertThat(done.count(PartitionState.SUCCEEDED)).isEqualTo(450);
      assertThat(arm.creates()).as("jobs created on ARM").isEqualTo(450);
      assertThat(arm.maxCreatesOfOneName()).isEqualTo(1);
      assertThat(arm.putsOnExistingJobs()).isZero();
      assertThat(arm.bodyViolations()).as("every body valid against the OpenAPI excerpt").isEmpty();
      assertThat(arm.lostAnswers()).as("answers were lost after ARM applied them").isPositive();
      String codeHash = CodeSnapshot.of("code", dir.resolve("src")).hash();
      assertThat(arm.codeVersionCreates()).as("code versions registered").isEqualTo(1);
      for (String file : new String[] {"train.py", "util.py"}) {
        assertThat(
                storage.requests(
                    "PUT", arm.uploadContainer(), "LocalUpload/" + codeHash + "/" + file))
            .as("uploads of the code's %s that reached storage", file)
            .isEqualTo(1);
      }
      Set<String> codeIds = new HashSet<>();
      for (int i = 1; i <= 450; i++) {
        String store = String.format("store-%03d", i);
        JsonNode job = arm.jobProperties(JobNames.of("weekly-demand-2026-W48", store, 1));
        codeIds.add(job.path("codeId").asText());
        String rel =
            "LocalUpload/"
                + CodeSnapshot.of("sales", dir.resolve("data/" + store + ".csv")).hash()
                + "/"
                + store
                + ".csv";
        assertThat(job.at("/inputs/sales/uri").asText())
            .isEqualTo("azureml://datastores/workspaceblobstore/paths/" + rel);
        assertThat(storage.requests("PUT", arm.uploadContainer(), rel))
            .as("uploads of %s", rel)
            .isEqualTo(1);
      }
      assertThat(codeIds).as("every job references the same code version").hasSize(1);
      // The partition view links each job to its page in Studio, the one ARM's answer named
      // (services.Studio.endpoint; the fallback link would carry an encoded workspace id).
      var view = client.history("weekly-demand-2026-W48", true).orElseThrow();
      assertThat(view.partitions())
          .hasSize(450)
          .allSatisfy(
              p ->
                  assertThat(p.studioUrl())
                      .as(p.partitionId())
                      .startsWith(
                          "https://ml.azure.com/runs/" + p.jobName() + "?wsid=/subscriptions/"));
      assertThat(RunScenario.workItems(kafka))
          .filteredOn(w -> w.kind() == WorkItem.Kind.SUBMIT)
          .as("no attempt was spent on a lost answer or a 429")
          .allMatch(w -> w.attempt() == 1);
      assertThat(readRate)
          .as("reads of all three workers together, per ARM second, inside ARM's refill of 25/s")
          .isLessThan(25);
      System.out.printf(
          "azureml via Kafka: 450 partitions in %d ms, %d ARM requests, %d answers lost, %d throttled%n",
          took.toMillis(), arm.requests(), arm.lostAnswers(), arm.throttledAnswers());
      System.out.printf(
          "azureml reads: %.2f per ARM second over %.0f ARM s (3 workers, pollInterval PT30S):"
              + " %d job lists, %d job GETs, %d run-history GETs%n",
          readRate,
          (arm1 - arm0) / 1e9,
          arm.served("job.list"),
          arm.served("job.get"),
          arm.served("history.get"));
    }
  }

  /**
   * An orchestrator whose SUBMITs stay valid for 3 minutes instead of 30 s. This test is about lost
   * answers and 429s costing no attempt; on a loaded machine three workers behind ARM's limits took
   * longer than 30 s to reach their 50th queued SUBMIT (a CI run saw 28 expire, each, as designed,
   * costing an attempt: docs/failure-modes.md), which is another matter.
   */
  private static OrchestratorConfig patientOrchestrator(KafkaSettings kafka) {
    OrchestratorConfig c =
        OrchestratorConfig.forInstallation("orchestrator-1", kafka.topics().prefix());
    return new OrchestratorConfig(
        c.instanceId(),
        c.transactionalId(),
        c.groupId(),
        c.tickInterval(),
        c.snapshotInterval(),
        c.seed(),
        Duration.ofMinutes(3),
        c.submitWindowFloor());
  }
}
