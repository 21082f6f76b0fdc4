package io.partitrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partitrain.shared.contracts.JobNames;
import io.partitrain.worker.backend.azureml.AzureMlBackend;
import io.partitrain.worker.backend.azureml.Azurite;
import io.partitrain.worker.backend.azureml.FakeAzureMl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code partitrain job logs}: a local job's log followed while it grows; an Azure ML job's too.
 */
@Timeout(120)
class JobLogsCommandTest {

  static final String RUN = "weekly-demand-2026-W48";

  @TempDir Path dir;

  record Running(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {}

  Running start(JobLogsCommand command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Running(CompletableFuture.supplyAsync(() -> cl.execute(args)), out, err);
  }

  void append(Path log, String text) throws Exception {
    Files.writeString(log, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void followPrintsALocalJobsLogAsItGrowsAndStopsWhenTheJobEnds() throws Exception {
    Path jobs = dir.resolve("jobs");
    Files.createDirectories(jobs.resolve(JobNames.of(RUN, "store-001", 1)).resolve("user_logs"));
    Path job = jobs.resolve(JobNames.of(RUN, "store-001", 2));
    Path log = Files.createDirectories(job.resolve("user_logs")).resolve("std_log.txt");
    append(log, "loading sales\n");

    Running cli =
        start(
            new JobLogsCommand(),
            RUN,
            "store-001",
            "--follow",
            "--backend",
            "local",
            "--jobs-dir",
            jobs.toString(),
            "--interval",
            "PT0.05S");
    await().until(() -> cli.out().toString().equals("loading sales\n"));
    append(log, "fitting\n");
    await().until(() -> cli.out().toString().endsWith("fitting\n"));
    assertThat(cli.exit()).as("still following while the job runs").isNotDone();
    append(log, "MAPE 0.055\n");
    Files.writeString(job.resolve("exit_code"), "0 2026-11-23T06:10:00Z\n");

    assertThat(cli.exit().get()).as(cli.err().toString()).isZero();
    assertThat(cli.out().toString()).isEqualTo("loading sales\nfitting\nMAPE 0.055\n");
  }

  @Test
  void anUnknownJobIsNotFound() {
    Running cli =
        start(
            new JobLogsCommand(),
            RUN,
            "store-404",
            "--backend",
            "local",
            "--jobs-dir",
            dir.toString());
    assertThat(cli.exit().join()).isEqualTo(ExitCode.NOT_FOUND.code());
    assertThat(cli.err().toString()).contains(JobNames.of(RUN, "store-404", 1));
  }

  @Test
  void followPrintsAnAzureMlJobsLogFromTheArtifactStoreWhileItRuns() throws Exception {
    Path props = dir.resolve("azureml.properties");
    Files.writeString(
        props,
        "azureml.subscriptionId=00000000-1111-2222-3333-444444444444\n"
            + "azureml.resourceGroup=test-rg\nazureml.workspace=my-aml-workspace\n");
    try (Azurite storage = Azurite.start();
        FakeAzureMl arm = FakeAzureMl.start(10).withStorage(storage).writingLogs().jobsRunFor(40);
        AzureMlBackend submitter = arm.newBackend()) {
      String job = arm.submitJob(submitter, RUN, "store-007", 1);

      Running cli =
          start(
              new JobLogsCommand(config -> arm.newBackend()),
              RUN,
              "store-007",
              "-f",
              "--backend",
              "azureml",
              "--azureml-config",
              props.toString(),
              "--interval",
              "PT0.1S");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cli.out().toString().contains("step 3 of " + job));
      assertThat(cli.exit()).as("the job still runs").isNotDone();

      assertThat(cli.exit().get()).as(cli.err().toString()).isZero();
      assertThat(cli.out().toString())
          .startsWith("step 1 of " + job + "\n")
          .endsWith("job " + job + " ended: Completed\n");
    }
  }
}
