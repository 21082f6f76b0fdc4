package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.serde.Json;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackerTest {

  private final TrackerHarness h = new TrackerHarness();

  @Test
  void startingARunSchedulesEveryPartitionAndAdmitsOnlyUpToTheCap() {
    assertThat(h.start("r1", 5, 2, retry(3))).isInstanceOf(RunEvent.RunStarted.class);
    assertThat(h.run("r1").partitions())
        .hasSize(5)
        .allMatch(p -> p.state() == PartitionState.SCHEDULED);

    List<WorkItem> first = h.tick();
    assertThat(first).extracting(WorkItem::partitionId).containsExactly("p1", "p2");
    assertThat(first)
        .allSatisfy(
            w -> {
              assertThat(w.kind()).isEqualTo(WorkItem.Kind.SUBMIT);
              assertThat(w.attempt()).isEqualTo(1);
              assertThat(w.jobName()).isEqualTo(JobNames.of("r1", w.partitionId(), 1));
              assertThat(w.job().command()).isEqualTo("echo " + w.partitionId());
            });
    assertThat(h.tick()).isEmpty();

    h.finish(first.get(0), JobPhase.SUCCEEDED, null);
    assertThat(h.tick()).extracting(WorkItem::partitionId).containsExactly("p3");
  }

  /**
   * A job adopted before its creator reported SUBMITTED: the adopter's first status (QUEUED here)
   * carries what it read back from the backend, and the transition on the runs topic carries it on.
   */
  @Test
  void anAdoptersFirstStatusCarriesTheJobsEvidenceOntoItsTransition() {
    h.start("r1", 1, 1, retry(3));
    WorkItem a1 = h.tick().get(0);
    SubmittedJob found =
        new SubmittedJob(
                null, "local", "/jobs/" + a1.jobName(), null, null, Map.of(), Map.of(), null)
            .foundBy("w2");

    h.status(a1, JobPhase.QUEUED, found);

    RunEvent.PartitionTransitioned queued =
        h.log.stream()
            .filter(
                e ->
                    e instanceof RunEvent.PartitionTransitioned t
                        && t.to() == PartitionState.QUEUED)
            .map(RunEvent.PartitionTransitioned.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(queued.from()).isEqualTo(PartitionState.ADMITTED);
    assertThat(queued.submission()).isEqualTo(found);
    assertThat(queued.submission().adoptedBy()).isEqualTo("w2");
  }

  @Test
  void infraFailuresAreRetriedAfterTheirBackoffWithANewJobName() {
    h.start("r1", 1, 1, retry(3));
    WorkItem a1 = h.tick().get(0);
    h.finish(a1, JobPhase.FAILED, FailureClass.INFRA);
    PartitionRecord p = h.run("r1").partition("p1");
    assertThat(p.state()).isEqualTo(PartitionState.FAILED);
    assertThat(p.hasRetryPending()).isTrue();
    // Backoff 10 s ± 20%: nothing before 8 s, admitted after 12 s.
    h.clock.advance(Duration.ofSeconds(7));
    assertThat(h.tick()).isEmpty();
    h.clock.advance(Duration.ofSeconds(6));
    WorkItem a2 = h.tick().get(0);
    assertThat(a2.attempt()).isEqualTo(2);
    assertThat(a2.jobName()).isEqualTo(JobNames.of("r1", "p1", 2)).isNotEqualTo(a1.jobName());
    h.finish(a2, JobPhase.SUCCEEDED, null);
    h.tick();
    RunSummary s = h.run("r1").summary();
    assertThat(s.complete()).isTrue();
    assertThat(s.count(PartitionState.SUCCEEDED)).isEqualTo(1);
    assertThat(s.attempts()).isEqualTo(2);
    assertThat(s.retried()).isEqualTo(1);
  }

  @Test
  void userFailuresAreLeftForAnOperatorAndTheRunStillCompletes() {
    h.start("r1", 2, 2, retry(3));
    List<WorkItem> items = h.tick();
    h.finish(items.get(0), JobPhase.FAILED, FailureClass.USER);
    h.finish(items.get(1), JobPhase.SUCCEEDED, null);
    h.clock.advance(Duration.ofHours(1));
    assertThat(h.tick()).isEmpty();
    RunSummary s = h.run("r1").summary();
    assertThat(s.complete()).isTrue();
    assertThat(s.failed())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.partitionId()).isEqualTo("p1");
              assertThat(f.failureClass()).isEqualTo(FailureClass.USER);
              assertThat(f.logPath()).isEqualTo("/logs/" + JobNames.of("r1", "p1", 1));
            });
    assertThat(h.log).filteredOn(e -> e instanceof RunEvent.RunCompleted).hasSize(1);
  }

  @Test
  void infraFailuresStopWhenAttemptsRunOut() {
    h.start("r1", 1, 1, retry(2));
    h.finish(h.tick().get(0), JobPhase.FAILED, FailureClass.INFRA);
    h.clock.advance(Duration.ofMinutes(1));
    WorkItem a2 = h.tick().get(0);
    h.finish(a2, JobPhase.FAILED, FailureClass.INFRA);
    h.clock.advance(Duration.ofHours(1));
    assertThat(h.tick()).isEmpty();
    assertThat(h.run("r1").partition("p1").hasRetryPending()).isFalse();
    assertThat(h.run("r1").isComplete()).isTrue();
  }

  @Test
  void throttlingDoesNotUseUpAnAttempt() {
    h.start("r1", 1, 1, retry(1));
    h.status(h.tick().get(0), JobPhase.FAILED, FailureClass.THROTTLED);
    h.clock.advance(Duration.ofMinutes(1));
    WorkItem a2 = h.tick().get(0);
    assertThat(a2.attempt()).isEqualTo(2);
    h.finish(a2, JobPhase.FAILED, FailureClass.INFRA);
    h.clock.advance(Duration.ofHours(1));
    assertThat(h.tick()).as("the INFRA failure used the only attempt").isEmpty();
  }

  @Test
  void aThrottledSubmissionIsRetriedNoEarlierThanTheBackendsRetryAfter() {
    h.start("r1", 1, 1, retry(1));
    h.refused(h.tick().get(0), FailureClass.THROTTLED, Duration.ofSeconds(90));
    h.clock.advance(Duration.ofSeconds(89));
    assertThat(h.tick()).as("the backend asked for 90 s").isEmpty();
    h.clock.advance(Duration.ofSeconds(1));
    assertThat(h.tick()).singleElement().extracting(WorkItem::attempt).isEqualTo(2);
  }

  @Test
  void aRetryAfterLongerThanTheBackoffDelaysAnInfraRetryAndAShorterOneDoesNot() {
    h.start("r1", 2, 2, retry(3));
    List<WorkItem> items = h.tick();
    h.refused(items.get(0), FailureClass.INFRA, Duration.ofMinutes(2));
    h.refused(items.get(1), FailureClass.INFRA, Duration.ofMillis(1));
    h.clock.advance(Duration.ofSeconds(13));
    assertThat(h.tick())
        .as("p2 after its ~10 s backoff; p1 waits the 2 minutes its backend asked")
        .extracting(WorkItem::partitionId)
        .containsExactly("p2");
    h.clock.advance(Duration.ofMinutes(2));
    assertThat(h.tick()).extracting(WorkItem::partitionId).containsExactly("p1");
  }

  @Test
  void aSubmitTheWorkerRefusedEndsThePartitionFailedUserWithTheReasonAndFreesItsSlot() {
    h.start("r1", 2, 1, retry(3));
    WorkItem first = h.tick().get(0);
    h.refused(first, FailureClass.USER, null);
    assertThat(h.run("r1").partition("p1").state()).isEqualTo(PartitionState.FAILED);
    assertThat(h.run("r1").partition("p1").lastFailureClass()).isEqualTo(FailureClass.USER);
    assertThat(h.run("r1").partition("p1").hasRetryPending()).as("USER is not retried").isFalse();
    assertThat(h.tick())
        .as("the concurrency slot is free again")
        .extracting(WorkItem::partitionId)
        .containsExactly("p2");
  }

  @Test
  void duplicateAndStaleStatusEventsChangeNothing() {
    h.start("r1", 1, 1, retry(3));
    WorkItem a1 = h.tick().get(0);
    h.status(a1, JobPhase.SUBMITTED);
    h.status(a1, JobPhase.RUNNING);
    int events = h.log.size();
    h.status(a1, JobPhase.RUNNING);
    h.status(a1, JobPhase.QUEUED);
    h.status(a1, JobPhase.SUBMITTED);
    assertThat(h.log).hasSize(events);
    h.status(a1, JobPhase.FAILED, FailureClass.INFRA);
    h.clock.advance(Duration.ofMinutes(1));
    WorkItem a2 = h.tick().get(0);
    h.status(a1, JobPhase.SUCCEEDED);
    assertThat(h.run("r1").partition("p1").state())
        .as("a late event of attempt 1")
        .isEqualTo(PartitionState.ADMITTED);
    h.status(a2, JobPhase.SUCCEEDED);
    h.status(a2, JobPhase.FAILED, FailureClass.INFRA);
    assertThat(h.run("r1").partition("p1").state()).isEqualTo(PartitionState.SUCCEEDED);
  }

  @Test
  void rerunResubmitsExactlyTheFailedPartitionsAndNeverASucceededOne() {
    h.start("r1", 4, 4, retry(1));
    List<WorkItem> items = h.tick();
    h.finish(items.get(0), JobPhase.SUCCEEDED, null);
    h.finish(items.get(1), JobPhase.FAILED, FailureClass.USER);
    h.finish(items.get(2), JobPhase.FAILED, FailureClass.INFRA);
    h.finish(items.get(3), JobPhase.SUCCEEDED, null);
    h.tick();
    assertThat(h.run("r1").isComplete()).isTrue();

    h.command(
        new RunCommand.RerunFailed(
            Schema.VERSION, "c2", "r1", "operator", "fixed data", h.clock.instant()));
    assertThat(h.answers.get(h.answers.size() - 1))
        .isInstanceOfSatisfying(
            RunEvent.RerunAccepted.class,
            a -> assertThat(a.partitionIds()).containsExactly("p2", "p3"));
    assertThat(h.run("r1").isComplete()).isFalse();
    List<WorkItem> rerun = h.tick();
    assertThat(rerun).extracting(WorkItem::partitionId).containsExactly("p2", "p3");
    assertThat(rerun).extracting(WorkItem::attempt).containsOnly(2);
    rerun.forEach(w -> h.finish(w, JobPhase.SUCCEEDED, null));
    h.tick();
    RunSummary s = h.run("r1").summary();
    assertThat(s.complete()).isTrue();
    assertThat(s.count(PartitionState.SUCCEEDED)).isEqualTo(4);
    assertThat(s.rerunRequested()).isEqualTo(2);
    assertThat(s.rerunResubmitted()).isEqualTo(2);
    assertThat(s.attempts()).isEqualTo(6);
  }

  @Test
  void aRunIdStartsOneRunOnly() {
    h.start("r1", 2, 2, retry(1));
    RunEvent second = h.start("r1", 3, 2, retry(1));
    assertThat(second)
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class, r -> assertThat(r.reason()).contains("exists already"));
    assertThat(h.run("r1").partitionCount()).isEqualTo(2);
  }

  @Test
  void commandsForUnknownRunsAreRejectedWithTheReason() {
    h.command(
        new RunCommand.RerunFailed(Schema.VERSION, "c", "nope", "op", null, h.clock.instant()));
    assertThat(h.answers)
        .singleElement()
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class, r -> assertThat(r.reason()).isEqualTo("no run nope"));
  }

  @Test
  void cancelCancelsWaitingPartitionsAndAsksWorkersToCancelRunningOnes() {
    h.start("r1", 3, 1, retry(3));
    WorkItem running = h.tick().get(0);
    h.status(running, JobPhase.RUNNING);
    h.command(
        new RunCommand.CancelRun(Schema.VERSION, "c", "r1", "op", "wrong data", h.clock.instant()));
    assertThat(h.work)
        .last()
        .satisfies(
            w -> {
              assertThat(w.kind()).isEqualTo(WorkItem.Kind.CANCEL);
              assertThat(w.jobName()).isEqualTo(running.jobName());
            });
    assertThat(h.run("r1").partition("p2").state()).isEqualTo(PartitionState.CANCELED);
    h.status(running, JobPhase.CANCELED, FailureClass.CANCELED);
    assertThat(h.tick()).isEmpty();
    assertThat(h.run("r1").summary().count(PartitionState.CANCELED)).isEqualTo(3);
    assertThat(h.run("r1").isComplete()).isTrue();
  }

  @Test
  void aCancelOfAFinishedRunIsRefusedWithItsOutcomeAndChangesNothing() {
    h.start("r1", 2, 2, retry(1));
    List<WorkItem> items = h.tick();
    h.finish(items.get(0), JobPhase.SUCCEEDED, null);
    h.finish(items.get(1), JobPhase.FAILED, FailureClass.USER);
    h.tick();
    assertThat(h.run("r1").isComplete()).isTrue();
    int logged = h.log.size();
    int sent = h.work.size();
    String finishedAt =
        h.run("r1").summary().completedAt().truncatedTo(ChronoUnit.SECONDS).toString();

    // Straight on the commands topic, as a script or an old CLI would send it.
    h.command(new RunCommand.CancelRun(Schema.VERSION, "c", "r1", "op", "oops", h.clock.instant()));

    assertThat(h.answers)
        .last()
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class,
            r -> {
              assertThat(r.commandId()).isEqualTo("c");
              assertThat(r.reason())
                  .isEqualTo(
                      "run r1 already finished: FAILED at " + finishedAt + "; nothing to cancel");
            });
    assertThat(h.log.subList(logged, h.log.size()))
        .as("no decision recorded for the refused cancel")
        .noneMatch(e -> e instanceof RunEvent.CancelAccepted)
        .noneMatch(e -> e instanceof RunEvent.PartitionTransitioned);
    assertThat(h.work).hasSize(sent);
    assertThat(h.run("r1").isCanceling()).isFalse();
  }

  @Test
  void aSecondCancelAfterTheRunSettledCanceledIsRefusedSayingCanceled() {
    h.start("r1", 1, 1, retry(1));
    WorkItem running = h.tick().get(0);
    h.status(running, JobPhase.RUNNING);
    h.command(
        new RunCommand.CancelRun(Schema.VERSION, "c1", "r1", "op", "stop", h.clock.instant()));
    h.status(running, JobPhase.CANCELED, FailureClass.CANCELED);
    h.tick();
    assertThat(h.run("r1").isComplete()).isTrue();

    h.command(
        new RunCommand.CancelRun(Schema.VERSION, "c2", "r1", "op", "again", h.clock.instant()));

    assertThat(h.answers)
        .last()
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class,
            r -> assertThat(r.reason()).startsWith("run r1 already finished: CANCELED at "));
  }

  @Test
  void aMoveReportedByAWorkerKeepsTheJobsStudioLink() {
    h.start("r1", 1, 1, retry(1));
    WorkItem item = h.tick().get(0);
    String studio = "https://ml.azure.com/runs/" + item.jobName() + "?wsid=/subscriptions/s";
    var running =
        io.partitrain.shared.contracts.JobStatusEvent.status(
                "r1", "p1", item.attempt(), item.jobName())
            .workerId("w1")
            .phase(JobPhase.RUNNING)
            .backendStatus("Running")
            .observedAt(h.clock.instant())
            .startedAt(h.clock.instant())
            .nodes(1)
            .logPath("azureml://datastores/workspaceartifactstore/paths/ExperimentRun/x")
            .studioUrl(studio)
            .build();
    RunState run = h.run("r1");

    RunEvent.PartitionTransitioned moved =
        RunEvents.reported(
            run,
            run.partition("p1"),
            running,
            new StatusHandler.Outcome(PartitionState.RUNNING, null, "Running"),
            h.clock.instant());

    assertThat(moved.to()).isEqualTo(PartitionState.RUNNING);
    assertThat(moved.studioUrl()).isEqualTo(studio);
    assertThat(Json.read(Json.toBytes((RunEvent) moved), RunEvent.class))
        .as("the link survives the runs topic")
        .isEqualTo(moved);
  }

  @Test
  void replayingTheRunsTopicRebuildsExactlyTheSameState() {
    h.start("r1", 6, 3, retry(2));
    List<WorkItem> items = h.tick();
    h.finish(items.get(0), JobPhase.SUCCEEDED, null);
    h.finish(items.get(1), JobPhase.FAILED, FailureClass.INFRA);
    h.status(items.get(2), JobPhase.RUNNING);
    h.tick();

    TrackerHarness fresh = new TrackerHarness();
    h.log.forEach(fresh.tracker::replay);
    RunState a = h.run("r1");
    RunState b = fresh.run("r1");
    assertThat(b.summary()).isEqualTo(a.summary());
    assertThat(b.inFlight()).isEqualTo(a.inFlight());
    for (PartitionRecord p : a.partitions()) {
      PartitionRecord q = b.partition(p.partitionId());
      assertThat(q.state()).as(p.partitionId()).isEqualTo(p.state());
      assertThat(q.attempt()).isEqualTo(p.attempt());
      assertThat(q.retryNotBefore()).isEqualTo(p.retryNotBefore());
    }
    // The rebuilt tracker decides what the original would: same next admissions.
    h.clock.advance(Duration.ofMinutes(2));
    fresh.clock.advance(Duration.ofMinutes(2));
    fresh.clock.advance(java.time.Duration.between(fresh.clock.instant(), h.clock.instant()));
    assertThat(fresh.tick())
        .extracting(WorkItem::jobName)
        .isEqualTo(h.tick().stream().map(WorkItem::jobName).toList());
  }
}
