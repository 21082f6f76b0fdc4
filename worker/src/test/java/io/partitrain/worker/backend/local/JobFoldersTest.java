package io.partitrain.worker.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, item 3 (ChaosIT seed 20261131, trial 3): a worker stopped after it created a job folder
 * and before it wrote the definition into it left a folder that every other worker reported as
 * QUEUED and none could start, so its partition waited for as long as the stop lasted. Job folders
 * are now staged and renamed into place complete.
 */
class JobFoldersTest {

  @TempDir Path jobs;

  private static JobRequest request(Path marks) {
    String p = "store-1";
    JobRef ref = new JobRef("run-1", p, 1, JobNames.of("run-1", p, 1));
    JobSpec spec =
        new JobSpec(
            "echo $PARTITRAIN_JOB_NAME >> " + marks,
            null,
            null,
            null,
            Map.of(),
            Map.of(),
            Map.of(),
            null,
            new JobSpec.Limits(Duration.ofSeconds(30)),
            null,
            null,
            null,
            null,
            null);
    return new JobRequest(ref, spec, Map.of());
  }

  @Test
  void aSubmitterStoppedWhileLayingOutLeavesNoJobAndTheNextSubmissionRunsItOnce()
      throws IOException {
    Path marks = jobs.resolve("marks");
    JobRequest request = request(marks);
    Path dir = jobs.resolve(request.jobName());
    // The stopped submitter: its folder is staged (even complete) but never renamed into place.
    Path stalled = JobFolders.stage(jobs, request.jobName());
    Files.writeString(stalled.resolve("job.json"), "{}");

    var backend = new LocalProcessBackend(LocalBackendConfig.of(jobs), Clock.systemUTC());
    try {
      assertThat(backend.observe(request.ref())).as("a staged folder is no job").isEmpty();
      SubmitResult created = backend.submit(request);
      assertThat(created.created()).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> backend.observe(request.ref()).orElseThrow().isTerminal());
      assertThat(backend.observe(request.ref()).orElseThrow().phase())
          .isEqualTo(JobPhase.SUCCEEDED);

      // The stopped submitter resumes: its rename loses, and its staged copy goes.
      assertThat(JobFolders.publish(stalled, dir)).isFalse();
      assertThat(stalled).doesNotExist();
      assertThat(dir.resolve("job.json")).content().contains("echo");
      assertThat(Files.readAllLines(marks)).containsExactly(request.jobName());
    } finally {
      backend.close();
    }
  }

  @Test
  void stagingLeftByADeadSubmitterIsRemovedWhenABackendStarts() throws IOException {
    Path old = JobFolders.stage(jobs, "run-1-old-a1");
    Path recent = JobFolders.stage(jobs, "run-1-recent-a1");
    Files.writeString(old.resolve("job.json"), "{}");
    Files.setLastModifiedTime(
        old, FileTime.from(Instant.now().minus(JobFolders.ABANDONED_STAGING).minusSeconds(60)));

    new LocalProcessBackend(LocalBackendConfig.of(jobs), Clock.systemUTC()).close();

    assertThat(old).doesNotExist();
    assertThat(recent).as("may still be laid out by a live submitter").exists();
  }
}
