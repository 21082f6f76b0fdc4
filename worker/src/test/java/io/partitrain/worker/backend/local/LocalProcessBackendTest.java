package io.partitrain.worker.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partitrain.assets.CodeSnapshot;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.testing.WorkItemBuilder;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessBackendTest {

  @TempDir Path jobs;
  @TempDir Path code;
  private LocalProcessBackend backend;
  private int n;

  @AfterEach
  void close() {
    if (backend != null) {
      backend.close();
    }
  }

  private LocalProcessBackend backend(double injectedRate) {
    backend =
        new LocalProcessBackend(
            new LocalBackendConfig(jobs, 2, injectedRate, 1), Clock.systemUTC());
    return backend;
  }

  private JobRef ref() {
    String p = "store-" + (++n);
    return new JobRef("run-1", p, 1, JobNames.of("run-1", p, 1));
  }

  private JobObservation run(JobSpec spec) {
    JobRef ref = ref();
    backend.submit(new JobRequest(ref, spec, Map.of()));
    JobObservation[] last = new JobObservation[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> (last[0] = backend.observe(ref).orElseThrow()).isTerminal());
    return last[0];
  }

  private static JobSpec spec(
      String command, Map<String, JobSpec.JobInput> inputs, String codeDir, Duration timeout) {
    return new JobSpec(
        command,
        codeDir,
        null,
        null,
        inputs,
        Map.of("model", new JobSpec.JobOutput("uri_folder", null, null)),
        Map.of("GREETING", "hello"),
        null,
        new JobSpec.Limits(timeout),
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void inputsOutputsCodeAndEnvironmentReachTheProcessAndItsOutputIsLogged() throws IOException {
    backend(0);
    Files.writeString(code.resolve("train.sh"), "echo \"trained $1 on $(cat \"$2\")\"\n");
    Path data = Files.writeString(jobs.getParent().resolve("sales it's.csv"), "42");
    JobObservation end =
        run(
            spec(
                "bash train.sh ${{inputs.label}} ${{inputs.sales}} && echo $GREETING $PARTITRAIN_PARTITION_ID"
                    + " && echo '{\"mape\": 0.125, \"note\": \"x\"}' > ${{outputs.model}}/metrics.json",
                Map.of(
                    "label",
                    JobSpec.JobInput.literal("a b;c"),
                    "sales",
                    new JobSpec.JobInput("uri_file", data.toString(), null, null)),
                code.toString(),
                Duration.ofSeconds(30)));
    assertThat(end.phase()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(end.metrics()).containsExactly(Map.entry("mape", 0.125));
    assertThat(Files.readString(Path.of(end.logPath())))
        .contains("trained a b;c on 42")
        .contains("hello store-");
  }

  @Test
  void theSubmissionEvidenceNamesWhatTheProcessReallyReceived() throws IOException {
    backend(0);
    Files.writeString(code.resolve("train.sh"), "echo \"input=$1\"; echo \"output=$2\"\n");
    Files.createDirectories(code.resolve("lib"));
    Files.writeString(code.resolve("lib/util.sh"), "true\n");
    Path data = Files.writeString(jobs.getParent().resolve("sales-7.csv"), "7");
    JobRef ref = ref();
    SubmitResult result =
        backend.submit(
            new JobRequest(
                ref,
                spec(
                    "bash train.sh ${{inputs.sales}} ${{outputs.model}}"
                        + " && echo done > ${{outputs.model}}/marker",
                    Map.of("sales", new JobSpec.JobInput("uri_file", data.toString(), null, null)),
                    code.toString(),
                    Duration.ofSeconds(30)),
                Map.of()));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> backend.observe(ref).orElseThrow().isTerminal());
    SubmittedJob evidence = result.submission();
    Path folder = Path.of(evidence.backendId());
    String log = Files.readString(folder.resolve("user_logs/std_log.txt"));

    // The paths the process was given, as it printed them, are the evidence's.
    assertThat(log).contains("input=" + evidence.inputs().get("sales"));
    assertThat(log).contains("output=" + evidence.outputs().get("model"));
    assertThat(Path.of(evidence.outputs().get("model")).resolve("marker")).exists();
    assertThat(evidence.inputs().get("sales")).isEqualTo(data.toAbsolutePath().toString());
    // The command line is the one the job folder ran; the code hash is the source folder's
    // content by azure-ai-ml's algorithm (the same hash Azure ML would record for it).
    assertThat(evidence.requestBody().path("command").asText())
        .isEqualTo(Files.readString(folder.resolve("command.sh")));
    assertThat(evidence.codeHash()).isEqualTo(CodeSnapshot.of("code", code).hash()).hasSize(64);
    assertThat(evidence.codeLocation()).isEqualTo(code.toAbsolutePath().normalize().toString());
    assertThat(evidence.backend()).isEqualTo("local");
    // The job's environment (GREETING, and any secret) is not part of the evidence.
    assertThat(evidence.requestBody().toString()).doesNotContain("hello");

    // A changed file gives another hash.
    Files.writeString(code.resolve("lib/util.sh"), "false\n");
    assertThat(CodeSnapshot.of("code", code).hash()).isNotEqualTo(evidence.codeHash());
  }

  @Test
  void aNonZeroExitIsAUserFailure() {
    backend(0);
    JobObservation end = run(spec("exit 2", Map.of(), null, Duration.ofSeconds(30)));
    assertThat(end.phase()).isEqualTo(JobPhase.FAILED);
    assertThat(end.failureClass()).isEqualTo(FailureClass.USER);
    assertThat(end.message()).contains("exited with code 2");
  }

  @Test
  void aProcessKilledByASignalIsAnInfraFailure() {
    backend(0);
    JobObservation end = run(spec("kill -9 $$", Map.of(), null, Duration.ofSeconds(30)));
    assertThat(end.failureClass()).isEqualTo(FailureClass.INFRA);
    assertThat(end.message()).contains("signal 9");
  }

  @Test
  void theTimeoutKillsTheJobAsAzureMlDoes() {
    backend(0);
    JobObservation end = run(spec("sleep 60", Map.of(), null, Duration.ofSeconds(1)));
    assertThat(end.phase()).isEqualTo(JobPhase.FAILED);
    assertThat(end.failureClass()).isEqualTo(FailureClass.TIMEOUT);
    assertThat(Duration.between(end.startedAt(), end.finishedAt()))
        .isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void injectedNodeLossIsAnInfraFailure() {
    backend(1.0);
    JobObservation end = run(spec("sleep 60", Map.of(), null, Duration.ofSeconds(60)));
    assertThat(end.failureClass()).isEqualTo(FailureClass.INFRA);
    assertThat(end.message()).contains("injected");
  }

  @Test
  void aMissingInputOrCodeFolderFailsTheJobAsAUserFailureWithoutRunningIt() {
    backend(0);
    JobObservation noInput =
        run(
            spec(
                "cat ${{inputs.sales}}",
                Map.of(
                    "sales",
                    new JobSpec.JobInput("uri_file", "/nonexistent/sales.csv", null, null)),
                null,
                null));
    assertThat(noInput.failureClass()).isEqualTo(FailureClass.USER);
    assertThat(noInput.message()).contains("/nonexistent/sales.csv");
    JobObservation noCode = run(spec("true", Map.of(), "/nonexistent/src", null));
    assertThat(noCode.failureClass()).isEqualTo(FailureClass.USER);
    assertThat(noCode.message()).contains("code folder");
  }

  @Test
  void aSecondWorkerOnTheSameFolderAdoptsTheJobInsteadOfStartingAnother() {
    backend(0);
    var other = new LocalProcessBackend(new LocalBackendConfig(jobs, 2, 0, 1), Clock.systemUTC());
    try {
      JobRef ref = ref();
      var spec =
          spec("echo once >> " + jobs.resolve("count.txt") + "; sleep 1", Map.of(), null, null);
      assertThat(backend.submit(new JobRequest(ref, spec, Map.of())).created()).isTrue();
      assertThat(other.submit(new JobRequest(ref, spec, Map.of())).created()).isFalse();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> other.observe(ref).orElseThrow().isTerminal());
      assertThat(other.observe(ref).orElseThrow().phase()).isEqualTo(JobPhase.SUCCEEDED);
      assertThat(jobs.resolve("count.txt")).hasContent("once");
    } finally {
      other.close();
    }
  }

  /**
   * Issue 8: a worker stopped with more jobs than slots used to drop the waiting ones (never run,
   * reported QUEUED for ever). Now whoever observes them next starts each exactly once.
   */
  @Test
  void jobsStillWaitingForASlotWhenTheirWorkerStopsAreStartedOnceByTheAdopter() throws IOException {
    backend = new LocalProcessBackend(new LocalBackendConfig(jobs, 1, 0, 1), Clock.systemUTC());
    Path go = jobs.resolve("go");
    Path marks = jobs.resolve("marks");
    Files.createDirectories(marks);
    java.util.List<JobRef> refs = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      JobRef ref = ref();
      refs.add(ref);
      var spec =
          spec(
              "while [ ! -f "
                  + go
                  + " ]; do sleep 0.05; done; echo $PARTITRAIN_JOB_NAME >> "
                  + marks.resolve(ref.partitionId()),
              Map.of(),
              null,
              null);
      backend.submit(new JobRequest(ref, spec, Map.of()));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> backend.observe(refs.get(0)).orElseThrow().phase() == JobPhase.RUNNING);
    assertThat(backend.observe(refs.get(3)).orElseThrow().phase()).isEqualTo(JobPhase.QUEUED);
    backend.close();
    backend = null;

    var adopter = new LocalProcessBackend(new LocalBackendConfig(jobs, 2, 0, 1), Clock.systemUTC());
    var second = new LocalProcessBackend(new LocalBackendConfig(jobs, 2, 0, 1), Clock.systemUTC());
    try {
      Files.writeString(go, "");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  refs.stream()
                      .allMatch(
                          r -> {
                            // Two adopters watch every job, as after a rebalance: one start each.
                            second.observe(r);
                            return adopter.observe(r).orElseThrow().isTerminal();
                          }));
      for (JobRef r : refs) {
        assertThat(adopter.observe(r).orElseThrow().phase())
            .as(r.jobName())
            .isEqualTo(JobPhase.SUCCEEDED);
        assertThat(Files.readAllLines(marks.resolve(r.partitionId())))
            .as("%s ran exactly once", r.jobName())
            .containsExactly(r.jobName());
      }
    } finally {
      adopter.close();
      second.close();
    }
  }

  /** The system clock plus an offset a test moves: a worker that was paused sees time jump. */
  private static final class JumpingClock extends Clock {
    volatile Duration jump = Duration.ZERO;

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.now().plus(jump);
    }
  }

  /**
   * ChaosIT (seed 20261131) billed 0.93 against a 0.50 cap: a worker stopped (SIGSTOP) for 52 s
   * while its own jobs ran recorded their end when it woke up, so each was billed the pause. The
   * end is the wrapper's own, for the job's starter as for an adopter.
   */
  @Test
  void aJobsEndIsTheWrappersOwnEvenWhenItsWorkerNoticesItLate() {
    JumpingClock clock = new JumpingClock();
    backend = new LocalProcessBackend(new LocalBackendConfig(jobs, 2, 0, 1), clock);
    JobRef ref = ref();
    backend.submit(
        new JobRequest(ref, spec("sleep 1", Map.of(), null, Duration.ofSeconds(30)), Map.of()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> backend.observe(ref).orElseThrow().phase() == JobPhase.RUNNING);
    clock.jump = Duration.ofHours(1); // the worker's next look comes an hour later

    JobObservation end =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> backend.observe(ref).orElseThrow(), JobObservation::isTerminal);

    assertThat(end.phase()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(Duration.between(end.startedAt(), end.finishedAt()))
        .as("billable time is the job's, not the worker's pause")
        .isBetween(Duration.ofMillis(500), Duration.ofSeconds(20));
  }

  /**
   * Issue 8: an adopted job had no timeout (only the worker that started it enforced one) and was
   * billed until the adopter noticed its end. The job's wrapper enforces the timeout now, and the
   * end is the wrapper's own.
   */
  @Test
  void anAdoptedJobKeepsItsTimeoutAndItsEndIsTheWrappersOwn() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/timeout")), "coreutils timeout");
    backend(0);
    JobRef ref = ref();
    backend.submit(
        new JobRequest(ref, spec("sleep 60", Map.of(), null, Duration.ofSeconds(2)), Map.of()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> backend.observe(ref).orElseThrow().phase() == JobPhase.RUNNING);
    backend.close();
    backend = null;

    var adopter = new LocalProcessBackend(new LocalBackendConfig(jobs, 2, 0, 1), Clock.systemUTC());
    try {
      JobObservation end =
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(100))
              .until(() -> adopter.observe(ref).orElseThrow(), JobObservation::isTerminal);
      assertThat(end.phase()).isEqualTo(JobPhase.FAILED);
      assertThat(end.failureClass()).isEqualTo(FailureClass.TIMEOUT);
      assertThat(Duration.between(end.startedAt(), end.finishedAt()))
          .as("billable time stops at the limit, not when the adopter looked")
          .isBetween(Duration.ofMillis(1500), Duration.ofMillis(4000));
    } finally {
      adopter.close();
    }
  }

  /**
   * Issue 8: {@code run cancel} only reached jobs the same worker had started. A CANCEL item may be
   * handled by any worker; it now stops a running job and a queued one started elsewhere.
   */
  @Test
  void aJobStartedByAnotherWorkerIsCanceledRunningOrQueued() throws IOException {
    backend = new LocalProcessBackend(new LocalBackendConfig(jobs, 1, 0, 1), Clock.systemUTC());
    Path started = jobs.resolve("started");
    JobRef running = ref();
    JobRef queued = ref();
    backend.submit(
        new JobRequest(
            running, spec("echo x >> " + started + "; sleep 60", Map.of(), null, null), Map.of()));
    backend.submit(
        new JobRequest(
            queued, spec("echo y >> " + started + "; sleep 60", Map.of(), null, null), Map.of()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> backend.observe(running).orElseThrow().phase() == JobPhase.RUNNING);
    long pid =
        Long.parseLong(
            Json.mapper()
                .readTree(backend.jobDir(running.jobName()).resolve("state.json").toFile())
                .get("pid")
                .asText());

    var other = new LocalProcessBackend(new LocalBackendConfig(jobs, 1, 0, 1), Clock.systemUTC());
    try {
      other.cancel(queued);
      other.cancel(running);
      for (JobRef r : java.util.List.of(running, queued)) {
        JobObservation end =
            await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> backend.observe(r).orElseThrow(), JobObservation::isTerminal);
        assertThat(end.phase()).as(r.jobName()).isEqualTo(JobPhase.CANCELED);
        assertThat(other.observe(r).orElseThrow().phase()).isEqualTo(JobPhase.CANCELED);
      }
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("the running job's process was stopped")
          .isFalse();
      assertThat(Files.readAllLines(started))
          .as("the queued job never started")
          .containsExactly("x");
    } finally {
      other.close();
    }
  }

  @Test
  void aJobOutlivesItsWorkersShutdownAndTheAdopterRecordsItsExitCode() throws IOException {
    backend(0);
    Path go = jobs.resolve("go");
    JobRef ref = ref();
    var spec =
        spec(
            "while [ ! -f "
                + go
                + " ]; do sleep 0.05; done; echo done >> "
                + jobs.resolve("count.txt"),
            Map.of(),
            null,
            null);
    backend.submit(new JobRequest(ref, spec, Map.of()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> backend.observe(ref).orElseThrow().phase() == JobPhase.RUNNING);
    backend.close();
    backend = null;

    var adopter = new LocalProcessBackend(new LocalBackendConfig(jobs, 2, 0, 1), Clock.systemUTC());
    try {
      assertThat(adopter.observe(ref).orElseThrow().phase())
          .as("still running after its worker closed")
          .isEqualTo(JobPhase.RUNNING);
      Files.writeString(go, "");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> adopter.observe(ref).orElseThrow().isTerminal());
      assertThat(adopter.observe(ref).orElseThrow().phase()).isEqualTo(JobPhase.SUCCEEDED);
      assertThat(jobs.resolve("count.txt")).hasContent("done");
    } finally {
      adopter.close();
    }
  }

  @Test
  void shellQuotingKeepsValuesLiteral() {
    assertThat(JobLayout.shellQuote("it's $(rm -rf /)")).isEqualTo("'it'\\''s $(rm -rf /)'");
  }

  @Test
  void aJobNameThatIsNotValidNeverBecomesAPath() {
    backend(0);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> backend.jobDir("../escape"))
        .hasMessageContaining(JobNames.RULE);
    assertThat(WorkItemBuilder.aWorkItem().build().jobName()).matches(JobNames.RULE);
  }
}
