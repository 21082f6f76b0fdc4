package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.plan;
import static io.partitrain.deploy.RunScenario.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.main.PartitrainCli;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.testkit.TestKafka;
import io.partitrain.worker.backend.local.LocalBackendConfig;
import io.partitrain.worker.backend.local.LocalProcessBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 1: the local stack restarted with its broker state gone, a run id reused. The
 * local backend's job folders of the first run survive; the second run must not adopt them (it
 * would report their old results as new) but report a conflict for each.
 */
@Timeout(240)
class ReusedRunIdIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  private static final int PARTITIONS = 4;

  @TempDir Path dir;

  private static LocalStack stack(KafkaSettings kafka, Path jobs) {
    LocalProcessBackend local =
        new LocalProcessBackend(new LocalBackendConfig(jobs, 2, 0, 0), Clock.systemUTC());
    return RunScenario.stack(kafka, 1, local);
  }

  @Test
  void aRunIdReusedAfterTheStateWasLostAdoptsNoOldJobAndReportsAConflict() throws Exception {
    Path jobs = dir.resolve("jobs");
    Plan plan = plan(dir, PARTITIONS, "echo trained ${{partition.id}}", 4, 3);

    // The first stack runs wd-2 to the end.
    KafkaSettings first = kafka(BROKER);
    try (LocalStack stack = stack(first, jobs);
        RunClient client = new RunClient(first, "it")) {
      assertThat(start(client, plan, "wd-2")).isInstanceOf(RunEvent.RunStarted.class);
      assertThat(awaitComplete(client, "wd-2").count(PartitionState.SUCCEEDED))
          .isEqualTo(PARTITIONS);
    }
    Map<String, String> before = jobFolders(jobs);
    assertThat(before).hasSize(PARTITIONS);

    // The stack comes back with its state gone (new topics), the job folders still on disk.
    KafkaSettings second = kafka(BROKER);
    try (LocalStack stack = stack(second, jobs);
        RunClient client = new RunClient(second, "it")) {
      assertThat(start(client, plan, "wd-2")).isInstanceOf(RunEvent.RunStarted.class);
      RunSummary done = awaitComplete(client, "wd-2");

      assertThat(done.count(PartitionState.SUCCEEDED)).isZero();
      assertThat(done.count(PartitionState.FAILED)).isEqualTo(PARTITIONS);
      assertThat(done.jobsSubmitted()).isZero();
      assertThat(done.failed())
          .allSatisfy(
              f -> {
                assertThat(f.failureClass()).isEqualTo(FailureClass.CONFLICT);
                assertThat(f.message()).contains("another definition").contains("not adopted");
              });

      // What the operator sees: the conflict in run show.
      StringWriter out = new StringWriter();
      int exit =
          PartitrainCli.commandLine()
              .setOut(new PrintWriter(out))
              .setErr(new PrintWriter(new StringWriter()))
              .execute(
                  "run",
                  "show",
                  "wd-2",
                  "--bootstrap-servers",
                  second.bootstrapServers(),
                  "--topic-prefix",
                  second.topics().prefix());
      assertThat(exit).isZero();
      assertThat(out.toString()).contains("CONFLICT");
    }
    // Backend side: the old jobs were neither adopted nor touched, and none was added.
    assertThat(jobFolders(jobs)).isEqualTo(before);
  }

  /** Each job folder with its state.json, as the backend holds it. */
  private static Map<String, String> jobFolders(Path jobs) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> folders = Files.list(jobs)) {
      for (Path f : folders.toList()) {
        if (f.getFileName().toString().startsWith(".")) {
          continue; // the backends' owner leases (.owners), not a job
        }
        out.put(f.getFileName().toString(), Files.readString(f.resolve("state.json")));
      }
    }
    return out;
  }
}
