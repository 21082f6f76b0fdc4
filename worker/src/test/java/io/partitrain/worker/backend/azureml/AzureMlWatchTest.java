package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.testing.MutableClock;
import io.partitrain.worker.JobWatcher;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.azureml.FakeArmServer.JobScript;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watch against the fake: how often ARM is read, what a failed call costs, and how a terminal
 * job is judged (failure class, billable times) from the service's own record.
 */
@Timeout(60)
class AzureMlWatchTest {

  static final String RUN = "weekly-demand-2026-W48";

  FakeArmServer fake;
  final List<AzureMlBackend> backends = new ArrayList<>();

  @AfterEach
  void stop() {
    backends.forEach(AzureMlBackend::close);
    if (fake != null) {
      fake.close();
    }
  }

  AzureMlBackend backend(Duration pollInterval) {
    AzureMlBackend b =
        FakeArm.backend(
            fake,
            FakeArm.fastConfig(fake).pollInterval(pollInterval).build(),
            new SimpleMeterRegistry());
    backends.add(b);
    return b;
  }

  int served(String kind) {
    var c = fake.requestsByKind.get(kind);
    return c == null ? 0 : c.get();
  }

  @Test
  void theWatcherListsOncePerPollIntervalAndStillHeartbeatsOnTime() {
    fake = FakeArmServer.start(1);
    fake.scripts = name -> JobScript.RUNS_LONG;
    AzureMlBackend backend = backend(Duration.ofSeconds(30));
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T06:00:00Z"));
    List<JobStatusEvent> events = Collections.synchronizedList(new ArrayList<>());
    JobWatcher watcher = new JobWatcher(backend, events::add, "w1", Duration.ofSeconds(10), clock);
    for (int i = 1; i <= 5; i++) {
      JobRequest r = FakeArm.request(RUN, "store-00" + i);
      backend.submit(r);
      watcher.watch(r.ref(), 1, JobPhase.SUBMITTED);
    }

    // 60 s of the worker's default 0.5 s ticks
    for (int tick = 0; tick < 120; tick++) {
      watcher.tick();
      clock.advance(Duration.ofMillis(500));
    }

    assertThat(served("job.list")).as("one list per 30 s, at 0, 30 s").isEqualTo(2);
    long heartbeatsOfOne =
        events.stream()
            .filter(e -> e.kind() == JobStatusEvent.Kind.HEARTBEAT)
            .filter(e -> e.partitionId().equals("store-001"))
            .count();
    assertThat(heartbeatsOfOne).as("a heartbeat every 10 s, between ARM rounds too").isEqualTo(5);
  }

  @Test
  void aFailedCallInARoundCostsOnlyTheJobsItCovered() {
    fake = FakeArmServer.start(20);
    fake.scripts = name -> JobScript.RUNS_LONG;
    AzureMlBackend backend = backend(Duration.ofMillis(50));
    List<JobRef> refs = new ArrayList<>();
    for (String p : List.of("store-001", "store-002", "store-003")) {
      JobRequest r = FakeArm.request(RUN, p);
      backend.submit(r);
      refs.add(r.ref());
    }
    String lagging = refs.get(1).jobName();
    fake.unlisted.add(lagging);
    fake.failingGets.add(lagging);

    Map<String, JobObservation> round = backend.observeAll(refs);

    assertThat(round).containsOnlyKeys(refs.stream().map(JobRef::jobName).toList());
    assertThat(round.get(refs.get(0).jobName()).phase()).isNotEqualTo(JobPhase.UNKNOWN);
    assertThat(round.get(refs.get(2).jobName()).phase()).isNotEqualTo(JobPhase.UNKNOWN);
    JobObservation failed = round.get(lagging);
    assertThat(failed.phase()).as("kept watching, not lost").isEqualTo(JobPhase.UNKNOWN);
    assertThat(failed.message()).startsWith("not observed this round").contains("500");

    fake.failLists = true;
    int getsBefore = served("job.get");
    Map<String, JobObservation> listFailed = backend.observeAll(refs);

    assertThat(listFailed.values()).hasSize(3).allMatch(o -> o.phase() == JobPhase.UNKNOWN);
    assertThat(served("job.get") - getsBefore).as("no burst of one GET per job").isZero();
  }

  @Test
  void aJobAdoptedAfterItsWorkerDiedIsJudgedByItsOwnRecord() {
    fake = FakeArmServer.start(50);
    fake.scripts =
        name ->
            name.contains("user-bug")
                ? JobScript.FAILS_WHILE_RUNNING.withError("UserError")
                : name.contains("image-pull")
                    ? JobScript.FAILS_BEFORE_RUNNING.withError("SystemError")
                    : JobScript.FAILS_WHILE_RUNNING;
    AzureMlBackend died = backend(Duration.ofMillis(50));
    JobRef user = submit(died, "user-bug");
    JobRef infra = submit(died, "image-pull");
    JobRef noRecord = submit(died, "plain");
    await().until(() -> FakeArmServer.isTerminal(fake.statusOf(user.jobName())));
    await().until(() -> FakeArmServer.isTerminal(fake.statusOf(infra.jobName())));
    await().until(() -> FakeArmServer.isTerminal(fake.statusOf(noRecord.jobName())));

    AzureMlBackend adopter = backend(Duration.ofMillis(50));
    Map<String, JobObservation> seen = adopter.observeAll(List.of(user, infra, noRecord));

    JobObservation u = seen.get(user.jobName());
    assertThat(u.failureClass()).isEqualTo(FailureClass.USER);
    assertThat(u.message()).contains("UserError");
    assertThat(u.startedAt()).as("the service's start time").isNotNull();
    assertThat(u.finishedAt()).isAfter(u.startedAt());
    assertThat(seen.get(infra.jobName()).failureClass()).isEqualTo(FailureClass.INFRA);
    JobObservation n = seen.get(noRecord.jobName());
    assertThat(n.failureClass())
        .as("no error code, but the record shows it ran")
        .isEqualTo(FailureClass.USER);
    assertThat(served("workspace.get")).as("discoveryUrl read once").isEqualTo(1);
  }

  @Test
  void aJobThatRanForItsWholeTimeoutIsTimeoutAndBilledFromTheServicesTimes() {
    fake = FakeArmServer.start(100);
    // the service cancels a job at limits.timeout (60 s here)
    fake.scripts = name -> JobScript.of("Canceled", "NotStarted", 2, "Queued", 3, "Running", 60);
    AzureMlBackend backend = backend(Duration.ofMillis(50));
    JobRequest r = withTimeout(FakeArm.request(RUN, "slow-store"), Duration.ofSeconds(60));
    backend.submit(r);

    JobObservation done =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> backend.observe(r.ref()).orElseThrow(), JobObservation::isTerminal);

    assertThat(done.phase()).isEqualTo(JobPhase.CANCELED);
    assertThat(done.failureClass()).isEqualTo(FailureClass.TIMEOUT);
    Duration billable = Duration.between(done.startedAt(), done.finishedAt());
    assertThat(billable)
        .as("from Running to the end, in the service's own record")
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void cancelRequestedKeepsWatchingBecauseTheNodesAreStillHeld() {
    assertThat(AzureMlStatus.parse("CancelRequested").phase()).isEqualTo(JobPhase.UNKNOWN);
    assertThat(AzureMlStatus.parse("Canceled").phase()).isEqualTo(JobPhase.CANCELED);
  }

  private JobRef submit(AzureMlBackend b, String partition) {
    JobRequest r = FakeArm.request(RUN, partition);
    b.submit(r);
    return r.ref();
  }

  private static JobRequest withTimeout(JobRequest r, Duration timeout) {
    JobSpec spec = r.spec().withTimeout(timeout);
    return new JobRequest(r.ref(), spec, r.partitionTags());
  }
}
