package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import io.partitrain.worker.backend.azureml.FakeArmServer.JobScript;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The backend against the HTTPS fake: get-or-create, watch, cancel, status mapping, evidence. */
@Timeout(60)
class AzureMlBackendTest {

  static final String RUN = "weekly-demand-2026-W48";

  FakeArmServer fake;
  AzureMlBackend backend;
  SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    fake = FakeArmServer.start(20);
    backend = FakeArm.backend(fake, FakeArm.fastConfig(fake).build(), meters);
  }

  @AfterEach
  void stop() {
    backend.close();
    fake.close();
  }

  int served(String kind) {
    var c = fake.requestsByKind.get(kind);
    return c == null ? 0 : c.get();
  }

  JobObservation awaitPhase(JobRef ref, JobPhase phase) {
    List<JobObservation> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              JobObservation o = backend.observe(ref).orElseThrow();
              seen.add(o);
              return o.phase() == phase;
            });
    return seen.get(seen.size() - 1);
  }

  @Test
  void theSubmissionEvidenceIsTheBodyTheServiceReceivedWithSecretLookingValuesRedacted() {
    JobRequest base = FakeArm.request(RUN, "store-002");
    JobSpec s = base.spec();
    Map<String, String> env = new java.util.TreeMap<>(s.environmentVariables());
    env.put("STORAGE_ACCOUNT_KEY", "literal-key-value-in-job-yml");
    JobSpec withKey =
        new JobSpec(
            s.command(),
            s.code(),
            s.environment(),
            s.compute(),
            s.inputs(),
            Map.of("model", new JobSpec.JobOutput("uri_folder", null, null)),
            env,
            s.resources(),
            s.limits(),
            s.tags(),
            s.experimentName(),
            s.displayName(),
            s.description(),
            s.extensions());
    JobRequest r = new JobRequest(base.ref(), withKey, base.partitionTags());

    SubmitResult created = backend.submit(r);
    SubmitResult again = backend.submit(r);

    SubmittedJob evidence = created.submission();
    var received = fake.putBodies.get(r.jobName());
    assertThat(received).as("the PUT the fake ARM received").isNotNull();
    // Everything the service received is in the evidence, but the secret-looking value.
    var expected = received.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            expected.path("properties").path("environmentVariables"))
        .put("STORAGE_ACCOUNT_KEY", SubmittedJob.REDACTED);
    assertThat(evidence.requestBody()).isEqualTo(expected);
    assertThat(received.at("/properties/environmentVariables/STORAGE_ACCOUNT_KEY").asText())
        .isEqualTo("literal-key-value-in-job-yml");
    assertThat(evidence.requestBody().toString()).doesNotContain("literal-key-value-in-job-yml");
    assertThat(evidence.requestBody().at("/properties/environmentVariables/MODE").asText())
        .isEqualTo("train");
    assertThat(evidence.backend()).isEqualTo("azureml");
    assertThat(evidence.backendId()).endsWith("/jobs/" + r.jobName());
    assertThat(evidence.codeLocation())
        .isEqualTo(received.at("/properties/codeId").asText())
        .contains("/codes/demand-src/versions/3");
    assertThat(evidence.codeHash()).as("a registered code asset is not read").isNull();
    assertThat(evidence.inputs()).containsExactly(Map.entry("store", "s"));
    assertThat(evidence.outputs()).containsOnlyKeys("model");
    // An adopted job reports nothing new: its creator did.
    assertThat(again.created()).isFalse();
    assertThat(again.submission()).isNull();

    // The adopter reads the job back (its watcher asks on the first report): what the service
    // holds of the same job, the secret-looking value still redacted, the code hash not known.
    SubmittedJob found = backend.evidenceOf(r.ref()).orElseThrow();
    assertThat(found.backendId()).isEqualTo(evidence.backendId());
    assertThat(found.codeLocation()).isEqualTo(evidence.codeLocation());
    assertThat(found.inputs()).isEqualTo(evidence.inputs());
    assertThat(found.outputs()).containsOnlyKeys("model");
    assertThat(found.codeHash()).isNull();
    assertThat(
            found.requestBody().at("/properties/environmentVariables/STORAGE_ACCOUNT_KEY").asText())
        .isEqualTo(SubmittedJob.REDACTED);
    assertThat(found.requestBody().toString()).doesNotContain("literal-key-value-in-job-yml");
    assertThat(backend.evidenceOf(FakeArm.request(RUN, "store-404").ref())).isEmpty();
  }

  @Test
  void submitCreatesOnceAndASecondSubmitAdoptsTheSameJob() {
    JobRequest r = FakeArm.request(RUN, "store-001");

    SubmitResult first = backend.submit(r);
    SubmitResult second = backend.submit(r);

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(first.observation().phase()).isEqualTo(JobPhase.QUEUED);
    assertThat(first.observation().backendStatus()).isEqualTo("NotStarted");
    assertThat(first.observation().backendId())
        .endsWith("/workspaces/my-aml-workspace/jobs/" + r.jobName());
    assertThat(first.observation().studioUrl())
        .startsWith("https://ml.azure.com/runs/" + r.jobName());
    assertThat(fake.creates()).isEqualTo(1);
    assertThat(fake.putsOnExisting).hasValue(0);
    assertThat(fake.bodyViolations).isEmpty();
    assertThat(fake.authorizationHeaders).allMatch(h -> h.equals("Bearer " + FakeArmServer.TOKEN));
    assertThat(meters.counter("partitrain.azureml.submissions", "result", "created").count())
        .isEqualTo(1);
    assertThat(meters.counter("partitrain.azureml.submissions", "result", "adopted").count())
        .isEqualTo(1);
  }

  @Test
  void aPutWhoseAnswerIsLostIsNotResentButFoundAndAdopted() {
    fake.loseAnswerProbability = 1.0;

    SubmitResult result = backend.submit(FakeArm.request(RUN, "store-002"));

    assertThat(fake.lostAnswers).hasValue(1);
    assertThat(fake.creates()).isEqualTo(1);
    assertThat(fake.putsOnExisting).as("the retry began with GET, not a second PUT").hasValue(0);
    assertThat(result.created()).isFalse();
    // The fake's clock runs fast; on a loaded machine the found job may already be running.
    assertThat(result.observation().phase()).isIn(JobPhase.QUEUED, JobPhase.RUNNING);
  }

  @Test
  void aJobOfTheSameNameWithOtherTagsIsNotAdopted() {
    JobRequest mine = FakeArm.request(RUN, "store-003");
    backend.submit(
        new JobRequest(new JobRef("other-run", "x", 1, mine.jobName()), mine.spec(), Map.of()));

    assertThatThrownBy(() -> backend.submit(mine))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("is not tagged as this run, partition and attempt")
        .satisfies(e -> assertThat(((BackendException) e).isRetriable()).isFalse());
  }

  @Test
  void aSpecTheBackendCannotTranslateIsRejectedAsUserFailure() {
    JobRequest r = FakeArm.request(RUN, "store-004");
    var local =
        new JobRequest(
            r.ref(),
            new io.partitrain.shared.contracts.JobSpec(
                r.spec().command(),
                "/home/me/src",
                "azureml:env:1",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null),
            Map.of());

    assertThatThrownBy(() -> backend.submit(local))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("[run=" + RUN + " partition=store-004 attempt=1]")
        .hasMessageContaining("/home/me/src")
        .hasMessageContaining("does not exist on this worker")
        .satisfies(
            e -> assertThat(((BackendException) e).failureClass()).isEqualTo(FailureClass.USER));
    assertThat(fake.creates()).isZero();
  }

  @Test
  void observeAllListsTheRunByTagFollowingNextLinkAndFallsBackToGetForMissingJobs() {
    fake.pageSize = 7;
    List<JobRef> refs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      refs.add(
          backend.submit(FakeArm.request(RUN, "store-" + i)).observation() == null
              ? null
              : FakeArm.request(RUN, "store-" + i).ref());
    }
    backend.submit(FakeArm.request("another-run", "store-0"));
    JobRef missing = FakeArm.request(RUN, "never-submitted").ref();
    refs.add(missing);
    int gets = served("job.get");

    Map<String, JobObservation> all = backend.observeAll(refs);

    assertThat(all).hasSize(20).doesNotContainKey(missing.jobName());
    assertThat(served("job.list")).as("20 jobs in pages of 7").isEqualTo(3);
    assertThat(served("job.get") - gets).as("one GET, for the job the list lacked").isEqualTo(1);
  }

  @Test
  void aJobMovesThroughStatusesAndKeepsEvidenceWithTimestamps() {
    JobRef ref =
        backend.submit(FakeArm.request(RUN, "store-010")).observation() != null
            ? FakeArm.request(RUN, "store-010").ref()
            : null;

    JobObservation done = awaitPhase(ref, JobPhase.SUCCEEDED);

    assertThat(done.failureClass()).isNull();
    assertThat(done.backendStatus()).isEqualTo("Completed");
    assertThat(done.startedAt()).isNotNull();
    assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
    JobEvidence ev = backend.evidence(ref).orElseThrow();
    assertThat(ev.armId()).isEqualTo(done.backendId());
    assertThat(ev.studioUrl()).isEqualTo(done.studioUrl());
    List<String> statuses = ev.history().stream().map(JobEvidence.StatusChange::status).toList();
    assertThat(statuses).startsWith("NotStarted").endsWith("Completed").contains("Running");
    assertThat(ev.history()).isSortedAccordingTo((a, b) -> a.seenAt().compareTo(b.seenAt()));
  }

  @Test
  void failureClassesFollowWhetherTheJobRanAndWhoCanceledIt() {
    JobScript failsAfterLongRun = JobScript.of("Failed", "NotStarted", 1, "Running", 20);
    fake.scripts =
        name ->
            name.contains("user")
                ? failsAfterLongRun
                : name.contains("infra")
                    ? JobScript.FAILS_BEFORE_RUNNING
                    : name.contains("silent") ? JobScript.NOT_RESPONDING : JobScript.RUNS_LONG;
    JobRef user = submit("user-bug");
    JobRef infra = submit("infra-pull");
    JobRef silent = submit("silent-node");
    JobRef foreign = submit("canceled-elsewhere");
    JobRef ours = submit("canceled-by-us");

    awaitPhase(user, JobPhase.RUNNING);
    assertThat(awaitPhase(user, JobPhase.FAILED).failureClass()).isEqualTo(FailureClass.USER);
    assertThat(awaitPhase(infra, JobPhase.FAILED).failureClass()).isEqualTo(FailureClass.INFRA);
    JobObservation nr = awaitPhase(silent, JobPhase.FAILED);
    assertThat(nr.failureClass()).isEqualTo(FailureClass.INFRA);
    assertThat(nr.backendStatus()).isEqualTo("NotResponding");

    fake.jobs.get(foreign.jobName()).cancelAt = fake.armNanos();
    assertThat(awaitPhase(foreign, JobPhase.CANCELED).failureClass()).isEqualTo(FailureClass.INFRA);

    backend.cancel(ours);
    assertThat(awaitPhase(ours, JobPhase.CANCELED).failureClass()).isEqualTo(FailureClass.CANCELED);
  }

  @Test
  void unknownAndNeverSeenStatusesKeepWatchingWithoutFailing() {
    fake.scripts =
        name ->
            name.contains("stuck")
                ? JobScript.STUCK_UNKNOWN
                : JobScript.of("Archiving", "NotStarted", 1);
    JobRef stuck = submit("stuck");
    JobRef novel = submit("novel");

    JobObservation s = awaitPhase(stuck, JobPhase.UNKNOWN);
    JobObservation n = awaitPhase(novel, JobPhase.UNKNOWN);

    assertThat(s.backendStatus()).isEqualTo("Unknown");
    assertThat(s.isTerminal()).isFalse();
    assertThat(n.backendStatus()).isEqualTo("Archiving");
    assertThat(n.failureClass()).isNull();
  }

  @Test
  void cancelIsALongRunningOperationPolledUntilDone() {
    fake.scripts = name -> JobScript.RUNS_LONG;
    JobRef ref = submit("long");

    backend.cancelAndWait(ref, Duration.ofSeconds(20));

    assertThat(fake.statusOf(ref.jobName())).isEqualTo("Canceled");
    assertThat(served("operation.get")).isGreaterThanOrEqualTo(1);
    assertThat(backend.observe(ref).orElseThrow().failureClass()).isEqualTo(FailureClass.CANCELED);
    backend.cancel(ref); // canceling a terminal job does nothing
    backend.cancel(FakeArm.request(RUN, "unknown").ref()); // nor does an unknown one
  }

  @Test
  void latestIsLookedUpOncePerRunAndAnInlineImageIsRegisteredOnce() {
    fake.latestVersions.put("environments:demand-env", "9");
    JobRequest base = FakeArm.request(RUN, "p");
    var spec =
        new io.partitrain.shared.contracts.JobSpec(
            base.spec().command(),
            null,
            "azureml:demand-env@latest",
            "azureml:cpu-cluster",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    var image =
        new io.partitrain.shared.contracts.JobSpec(
            "echo hi",
            null,
            Map.of("image", "library/python:latest"),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    for (int i = 0; i < 3; i++) {
      JobRequest r = FakeArm.request(RUN, "latest-" + i);
      backend.submit(new JobRequest(r.ref(), spec, Map.of()));
      JobRequest q = FakeArm.request(RUN, "image-" + i);
      backend.submit(new JobRequest(q.ref(), image, Map.of()));
    }

    assertThat(served("environments.latest")).isEqualTo(1);
    assertThat(served("environments.put")).isEqualTo(1);
    assertThat(
            fake.jobs
                .get(FakeArm.request(RUN, "latest-2").jobName())
                .properties
                .get("environmentId")
                .asText())
        .endsWith("/environments/demand-env/versions/9");
    assertThat(fake.bodyViolations).isEmpty();
  }

  @Test
  void onlyHttpsIsAcceptedAndTheTokenNeverAppearsInErrors() {
    assertThatThrownBy(() -> TestConfigs.against(URI.create("http://127.0.0.1:1")).build())
        .hasMessageContaining("azureml.armEndpoint")
        .hasMessageContaining("https://");

    AzureMlBackend wrongToken =
        AzureMlBackend.builder(FakeArm.fastConfig(fake).build())
            .credential(
                r ->
                    reactor.core.publisher.Mono.just(
                        new com.azure.core.credential.AccessToken(
                            "wrong-secret-token", java.time.OffsetDateTime.now().plusHours(1))))
            .httpClient(FakeArm.trustingClient(Duration.ofSeconds(5)))
            .build();
    assertThatThrownBy(() -> wrongToken.submit(FakeArm.request(RUN, "s")))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("401")
        .satisfies(
            e -> {
              for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage()))
                    .doesNotContain("wrong-secret-token")
                    .doesNotContain(FakeArmServer.TOKEN);
              }
            });
    wrongToken.close();
  }

  JobRef submit(String partition) {
    JobRequest r = FakeArm.request(RUN, partition);
    backend.submit(r);
    return r.ref();
  }
}
