package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.worker.backend.JobLog;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.azureml.FakeArmServer.JobScript;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A running job's {@code user_logs/std_log.txt}, read from the workspace's artifact store (Azurite)
 * while the fake service appends to it, until the job ends.
 */
@Timeout(60)
class AzureMlJobLogTest {

  static Azurite azurite;
  FakeArmServer fake;
  AzureMlBackend backend;

  @BeforeAll
  static void startStorage() {
    azurite = Azurite.start();
  }

  @AfterAll
  static void stopStorage() {
    azurite.close();
  }

  @AfterEach
  void stop() {
    backend.close();
    fake.close();
  }

  @Test
  void followingALogShowsItGrowWhileTheJobRunsAndStopsWhenItEnds() {
    fake = FakeArmServer.start(10);
    fake.storage = azurite;
    fake.writeLogs = true;
    fake.scripts = name -> JobScript.of("Completed", "NotStarted", 1, "Running", 50);
    backend = FakeArm.backend(fake, FakeArm.fastConfig(fake).build(), new SimpleMeterRegistry());
    JobRequest r = FakeArm.request("weekly-demand-2026-W48", "store-001");
    JobLog log = backend.log(r.jobName());
    assertThat(log.readFrom(0)).as("no log before the job exists").isEmpty();
    backend.submit(r);

    List<String> chunks = new ArrayList<>();
    List<String> statusAtChunk = new ArrayList<>();
    long[] offset = {0};
    boolean[] done = {false};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              boolean endedBefore = log.ended();
              byte[] b = log.readFrom(offset[0]);
              if (b.length > 0) {
                chunks.add(new String(b, StandardCharsets.UTF_8));
                statusAtChunk.add(fake.statusOf(r.jobName()));
                offset[0] += b.length;
              }
              done[0] = endedBefore && b.length == 0;
              return done[0];
            });

    String all = String.join("", chunks);
    assertThat(all).startsWith("step 1 of " + r.jobName() + "\n");
    assertThat(all).endsWith("job " + r.jobName() + " ended: Completed\n");
    assertThat(all.lines().filter(l -> l.startsWith("step "))).hasSizeGreaterThanOrEqualTo(49);
    assertThat(statusAtChunk)
        .as("pieces of the log were read while the job was still running")
        .filteredOn("Running"::equals)
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(log.where()).contains("ExperimentRun/dcid." + r.jobName() + "/user_logs/");
    assertThat(backend.observe(r.ref()).orElseThrow().logPath())
        .as("status events and evidence point at the same log")
        .isEqualTo(
            "azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid."
                + r.jobName()
                + "/user_logs/std_log.txt");
  }
}
