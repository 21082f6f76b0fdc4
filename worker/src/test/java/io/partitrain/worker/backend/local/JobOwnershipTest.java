package io.partitrain.worker.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.serde.Json;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, item 3 (ChaosIT seed 20261131 made no progress for ten minutes with one partition
 * QUEUED): a worker stopped by SIGSTOP still has a live process, so the jobs waiting for its slots
 * were never started by anyone else, and the watchers adopting them reported QUEUED for as long as
 * the stop lasted. Now an owner that stops renewing its lease loses its queued jobs to the next
 * worker that observes them, and a job whose worker died right after the launch is found again.
 *
 * <p>A stopped owner is modelled by its lease: the owner's clock stands still, so the lease it
 * renews never moves past the moment it was taken (what a stopped process leaves behind).
 */
class JobOwnershipTest {

  private static final Duration LEASE = Duration.ofSeconds(2);

  @TempDir Path jobs;
  private final List<LocalProcessBackend> backends = new ArrayList<>();
  private int n;

  @AfterEach
  void closeAll() {
    backends.forEach(LocalProcessBackend::close);
  }

  private LocalProcessBackend backend(int slots, Clock clock) {
    var b = new LocalProcessBackend(new LocalBackendConfig(jobs, slots, 0, 1, LEASE), clock);
    backends.add(b);
    return b;
  }

  private JobRef ref() {
    String p = "store-" + (++n);
    return new JobRef("run-1", p, 1, JobNames.of("run-1", p, 1));
  }

  private static JobSpec spec(String command) {
    return new JobSpec(
        command,
        null,
        null,
        null,
        Map.of(),
        Map.of(),
        Map.of(),
        null,
        new JobSpec.Limits(Duration.ofSeconds(60)),
        null,
        null,
        null,
        null,
        null);
  }

  /** The owner runs one job that waits for {@code go}; the second waits for its only slot. */
  private List<JobRef> aBusyOwnerWithAQueuedJob(LocalProcessBackend owner) {
    Path go = jobs.resolve("go");
    JobRef blocking = ref();
    JobRef queued = ref();
    owner.submit(
        new JobRequest(blocking, spec("while [ ! -f " + go + " ]; do sleep 0.05; done"), Map.of()));
    owner.submit(
        new JobRequest(
            queued, spec("echo $PARTITRAIN_JOB_NAME >> " + jobs.resolve("marks")), Map.of()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> owner.observe(blocking).orElseThrow().phase() == JobPhase.RUNNING);
    return List.of(blocking, queued);
  }

  @Test
  void aQueuedJobOfAStoppedOwnerIsStartedOnceByTheWorkerThatObservesIt() throws IOException {
    Clock stopped = Clock.fixed(Instant.now().minus(Duration.ofMinutes(1)), ZoneOffset.UTC);
    LocalProcessBackend owner = backend(1, stopped);
    List<JobRef> refs = aBusyOwnerWithAQueuedJob(owner);
    LocalProcessBackend adopter = backend(2, Clock.systemUTC());

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> adopter.observe(refs.get(1)).orElseThrow().isTerminal());
    assertThat(adopter.observe(refs.get(1)).orElseThrow().phase()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(owner.observe(refs.get(0)).orElseThrow().phase())
        .as("the owner's slot is still taken: the job ran elsewhere")
        .isEqualTo(JobPhase.RUNNING);

    // The owner resumes: its slot frees and it comes to the job it queued, finds it launched.
    Files.writeString(jobs.resolve("go"), "");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> owner.observe(refs.get(0)).orElseThrow().isTerminal());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> owner.observe(refs.get(1)).orElseThrow().isTerminal());
    assertThat(Files.readAllLines(jobs.resolve("marks"))).containsExactly(refs.get(1).jobName());
  }

  @Test
  void aQueuedJobOfAnOwnerThatKeepsItsLeaseWaitsForThatOwner() {
    LocalProcessBackend owner = backend(1, Clock.systemUTC());
    List<JobRef> refs = aBusyOwnerWithAQueuedJob(owner);
    LocalProcessBackend other = backend(2, Clock.systemUTC());

    // Longer than the lease: the owner renews it, so nobody takes its job.
    Instant until = Instant.now().plus(LEASE.multipliedBy(2));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              assertThat(other.observe(refs.get(1)).orElseThrow().phase())
                  .isEqualTo(JobPhase.QUEUED);
              return Instant.now().isAfter(until);
            });
    assertThat(jobs.resolve("marks")).doesNotExist();
  }

  /** A job folder as a worker leaves it when it dies right after claiming the launch. */
  private JobRef launchedByADeadWorker() throws IOException {
    JobRef ref = ref();
    Path dir = Files.createDirectories(jobs.resolve(ref.jobName()));
    Files.write(dir.resolve("job.json"), Json.toBytes(spec("true")));
    Files.write(dir.resolve("state.json"), Json.toBytes(LocalJobState.queued()));
    Process dead = new ProcessBuilder("true").start();
    await().atMost(Duration.ofSeconds(10)).until(() -> !dead.isAlive());
    Files.writeString(
        dir.resolve(JobOwnership.OWNER_FILE),
        dead.pid() + " 0 00000000-0000-0000-0000-000000000000");
    Files.createFile(dir.resolve(JobOwnership.LAUNCHED_FILE));
    return ref;
  }

  @Test
  void aJobLaunchedByAWorkerThatDiedBeforeRecordingTheProcessIsFoundByItsWrapper()
      throws Exception {
    JobRef ref = launchedByADeadWorker();
    Path exitFile = jobs.resolve(ref.jobName()).resolve("exit_code");
    Path release = jobs.resolve("release");
    // What the wrapper looks like from outside: a process that writes the exit file at its end.
    Process wrapper =
        new ProcessBuilder(
                "bash",
                "-c",
                "while [ ! -f \"$2\" ]; do sleep 0.05; done; echo \"0 $(date +%s%3N)\" > \"$1\"",
                "partitrain-job",
                exitFile.toString(),
                release.toString())
            .start();
    LocalProcessBackend adopter = backend(2, Clock.systemUTC());
    try {
      JobObservation seen = adopter.observe(ref).orElseThrow();
      assertThat(seen.phase()).isEqualTo(JobPhase.RUNNING);
      Files.writeString(release, "");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> adopter.observe(ref).orElseThrow().isTerminal());
      assertThat(adopter.observe(ref).orElseThrow().phase()).isEqualTo(JobPhase.SUCCEEDED);
    } finally {
      wrapper.destroyForcibly();
    }
  }

  @Test
  void aJobLaunchedByAWorkerThatDiedBeforeItsProcessStartedIsReportedLost() throws IOException {
    JobRef ref = launchedByADeadWorker();
    LocalProcessBackend adopter = backend(2, Clock.systemUTC());
    assertThat(adopter.observe(ref).orElseThrow().phase())
        .as("within the grace the process may still be starting")
        .isEqualTo(JobPhase.QUEUED);
    await()
        .atMost(LocalJobObserver.LOST_GRACE.plusSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> adopter.observe(ref).orElseThrow().isTerminal());
    JobObservation end = adopter.observe(ref).orElseThrow();
    assertThat(end.phase()).isEqualTo(JobPhase.FAILED);
    assertThat(end.failureClass()).isEqualTo(FailureClass.INFRA);
    assertThat(end.message()).contains("died while launching it");
  }

  @Test
  void aJobLaunchedByAWorkerThatDiedAfterItsProcessEndedRecordsThatEnd() throws IOException {
    JobRef ref = launchedByADeadWorker();
    Files.writeString(
        jobs.resolve(ref.jobName()).resolve("exit_code"), "3 " + Instant.now().toEpochMilli());
    JobObservation end = backend(2, Clock.systemUTC()).observe(ref).orElseThrow();
    assertThat(end.phase()).isEqualTo(JobPhase.FAILED);
    assertThat(end.failureClass()).isEqualTo(FailureClass.USER);
    assertThat(end.message()).contains("exited with code 3");
  }
}
