package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.console.api.read.JobLogs;
import io.partitrain.orchestrator.console.api.read.WorkerLogs;
import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.worker.http.WorkerHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console shows a local job's log tail beyond the all-in-one: it asks the worker that created
 * the job (its HTTP port, named in the job's evidence) with the workers' log token, over real HTTP.
 */
class WorkerLogTailTest {

  static final String TOKEN = "w".repeat(48);
  static final String JOB = "run-1-store-001-1a2b3c4d-a1";

  @TempDir Path workerDisk;

  PartitionView partition() {
    return new PartitionView(
        "store-001",
        PartitionState.RUNNING,
        1,
        null,
        null,
        JOB,
        Map.of(),
        workerDisk.resolve(JOB).resolve("user_logs/std_log.txt").toString(),
        Map.of(),
        List.of());
  }

  @Test
  void theConsoleReadsTheTailFromTheWorkerThatCreatedTheJob() throws Exception {
    Path logs = Files.createDirectories(workerDisk.resolve(JOB).resolve("user_logs"));
    Files.writeString(logs.resolve("std_log.txt"), "epoch 1\nepoch 2\nepoch 3\n");
    try (WorkerHttpServer worker =
        WorkerHttpServer.start("127.0.0.1", 0, () -> "", () -> true, workerDisk, TOKEN)) {
      String url = "http://127.0.0.1:" + worker.port() + "/jobs/" + JOB + "/log";

      Map<String, Object> tail =
          new JobLogs(Optional.empty(), WorkerLogs.withToken(TOKEN)).tail(partition(), url, 2);
      assertThat(tail).containsEntry("available", true).containsEntry("source", "worker");
      assertThat(tail.get("lines")).isEqualTo(List.of("epoch 2", "epoch 3"));

      // A console with another token is refused by the worker, and says so.
      Map<String, Object> refused =
          new JobLogs(Optional.empty(), WorkerLogs.withToken("x".repeat(48)))
              .tail(partition(), url, 2);
      assertThat(refused).containsEntry("available", false);
      assertThat((String) refused.get("detail")).contains("answered 401");

      // An address that is not the worker's http(s) log endpoint is never called.
      Map<String, Object> odd =
          new JobLogs(Optional.empty(), WorkerLogs.withToken(TOKEN))
              .tail(partition(), "file:///etc/passwd", 2);
      assertThat(odd).containsEntry("available", false);
      assertThat(odd).doesNotContainKey("lines");

      // Without the workers' token the console shows only logs on its own disk, as before.
      assertThat(WorkerLogs.withToken(null)).isNull();
      Map<String, Object> none =
          new JobLogs(Optional.empty(), WorkerLogs.withToken(null)).tail(partition(), url, 2);
      assertThat((String) none.get("detail")).contains("outside this console's jobs folder");
      assertThat(WorkerLogs.withToken(TOKEN).toString()).doesNotContain(TOKEN);
    }
  }

  @Test
  void theConsoleReadsTheWholeLogFromTheWorkerChunkByChunk() throws Exception {
    Path logs = Files.createDirectories(workerDisk.resolve(JOB).resolve("user_logs"));
    Files.writeString(logs.resolve("std_log.txt"), "epoch 1\n");
    try (WorkerHttpServer worker =
        WorkerHttpServer.start("127.0.0.1", 0, () -> "", () -> true, workerDisk, TOKEN)) {
      String url = "http://127.0.0.1:" + worker.port() + "/jobs/" + JOB + "/log";
      JobLogs console = new JobLogs(Optional.empty(), WorkerLogs.withToken(TOKEN));

      Map<String, Object> first = console.chunk("run-1", partition(), 1, url, 0);
      assertThat(first).containsEntry("available", true).containsEntry("source", "worker");
      assertThat(first).containsEntry("ended", false).containsEntry("nextOffset", 8L);
      assertThat(decode(first)).isEqualTo("epoch 1\n");

      // The job writes on and ends (its wrapper wrote exit_code): the rest, and the end.
      Files.writeString(logs.resolve("std_log.txt"), "epoch 1\nepoch 2\n");
      Files.writeString(workerDisk.resolve(JOB).resolve("exit_code"), "0\n");
      Map<String, Object> rest = console.chunk("run-1", partition(), 1, url, 8);
      assertThat(decode(rest)).isEqualTo("epoch 2\n");
      assertThat(rest).containsEntry("ended", true).containsEntry("nextOffset", 16L);

      Map<String, Object> refused =
          new JobLogs(Optional.empty(), WorkerLogs.withToken("x".repeat(48)))
              .chunk("run-1", partition(), 1, url, 0);
      assertThat(refused).containsEntry("available", false).doesNotContainKey("data");
      assertThat((String) refused.get("detail")).contains("answered 401");
    }
  }

  private static String decode(Map<String, Object> chunk) {
    return new String(
        java.util.Base64.getDecoder().decode((String) chunk.get("data")),
        java.nio.charset.StandardCharsets.UTF_8);
  }
}
