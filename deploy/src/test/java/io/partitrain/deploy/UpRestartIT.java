package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code partitrain up} survives its own crash (issue 8): {@code kill -9} of the whole stack
 * (broker, orchestrator, workers in one JVM) in the middle of a run, then {@code up} again with the
 * same data dir and port, and the run completes: every partition terminal, no job twice. Jobs that
 * kept running under their wrappers are adopted; jobs that were waiting for a slot are started
 * once.
 */
@Timeout(420)
class UpRestartIT {

  private static final int PARTITIONS = 10;

  @TempDir Path dir;

  @Test
  void killNineOfUpMidRunThenUpAgainCompletesTheRunWithNoJobTwice() throws Exception {
    int port = freePort();
    Path marks = Files.createDirectories(dir.resolve("marks"));
    Path planDir = Files.createDirectories(dir.resolve("plan"));
    // Each job leaves one line per execution in a file of its partition, outside the job folder.
    Plan plan =
        RunScenario.plan(
            planDir,
            PARTITIONS,
            "echo $PARTITRAIN_JOB_NAME >> " + marks + "/${{partition.id}}; sleep 2",
            4,
            3);
    KafkaSettings kafka = new KafkaSettings("127.0.0.1:" + port, Topics.defaults(), Map.of());

    ServiceProcess first = up("up-1", port);
    Instant killedAt;
    ServiceProcess second;
    try (RunClient client = new RunClient(kafka, "it")) {
      first.awaitLog("Partitrain is up", Duration.ofSeconds(120));
      assertThat(RunScenario.start(client, plan, "wd-restart"))
          .isInstanceOf(RunEvent.RunStarted.class);
      // Kill once some partitions are done and others are in flight.
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  client
                      .latest("wd-restart")
                      .map(s -> s.count(PartitionState.SUCCEEDED) >= 2)
                      .orElse(false));
      first.signal("KILL");
      first.awaitExit(Duration.ofSeconds(30));
      killedAt = Instant.now();
    }

    second = up("up-2", port);
    try (RunClient client = new RunClient(kafka, "it-2")) {
      second.awaitLog("Partitrain is up", Duration.ofSeconds(120));
      RunSummary done =
          client.follow(
              "wd-restart",
              s -> s.complete() && s.count(PartitionState.SUCCEEDED) == PARTITIONS,
              s -> {},
              Duration.ofMinutes(4));
      Duration recovery = Duration.between(killedAt, Instant.now());
      assertThat(done.total()).isEqualTo(PARTITIONS);
      assertThat(done.count(PartitionState.SUCCEEDED)).isEqualTo(PARTITIONS);

      Map<String, List<String>> runs = new TreeMap<>();
      for (int i = 1; i <= PARTITIONS; i++) {
        String id = String.format("p%03d", i);
        Path f = marks.resolve(id);
        runs.put(id, Files.exists(f) ? Files.readAllLines(f) : List.of());
      }
      List<String> allJobs = new ArrayList<>();
      runs.values().forEach(allJobs::addAll);
      assertThat(runs.values()).as("every partition's job ran").allMatch(l -> !l.isEmpty());
      assertThat(allJobs)
          .as("no job ran twice (one line per job execution)")
          .doesNotHaveDuplicates();
      System.out.printf(
          "UpRestartIT: run complete %d s after kill -9 of up; %d job executions for %d"
              + " partitions%n",
          recovery.toSeconds(), allJobs.size(), PARTITIONS);
    } finally {
      second.signal("TERM");
      second.awaitExit(Duration.ofSeconds(60));
    }
  }

  private ServiceProcess up(String name, int port) {
    return ServiceProcess.startCli(
        name,
        dir,
        List.of(
            "up",
            "--workers",
            "2",
            "--slots",
            "1",
            "--jobs-dir",
            dir.resolve("jobs").toString(),
            "--data-dir",
            dir.resolve("data").toString(),
            "--kafka-port",
            String.valueOf(port)),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", ""));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
